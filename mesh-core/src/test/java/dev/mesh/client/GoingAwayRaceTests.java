package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.resilience.OutlierPolicy;
import dev.mesh.testsupport.ListDiscoveryClient;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on the caller's handling of {@code Mesh-Going-Away}: calls racing for the one
 * probe of a going-away instance, and a live change of {@code outlier.ejection-time}.
 */
class GoingAwayRaceTests {

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T12:00:00Z"));

	@Test
	void eightThreadsRacingForTheProbeGetOneProbeBetweenThem() throws Exception {
		// many others that keep away make the picker scan them after it accepted a: a
		// wide window in which another call claims a's probe
		List<ServiceInstance> registered = new ArrayList<>();
		registered.add(registered("a"));
		for (int i = 0; i < 2000; i++) {
			registered.add(registered("x" + i));
		}
		ServiceRoute route = route(registered, LoadBalancerPolicy.LEAST_REQUEST);
		MeshInstance a = null;
		for (MeshInstance instance : route.instances()) {
			if (instance.id().equals("a")) {
				a = instance;
			}
			else {
				instance.state().goingAway(this.clock.nanoTime() + Duration.ofHours(1).toNanos());
			}
		}
		MeshInstance probed = a;
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < 300; round++) {
				probed.state().goingAway(this.clock.nanoTime() - 1);
				CyclicBarrier start = new CyclicBarrier(threads);
				AtomicInteger probes = new AtomicInteger();
				AtomicReference<Throwable> failure = new AtomicReference<>();
				Future<?>[] futures = new Future<?>[threads];
				for (int t = 0; t < threads; t++) {
					futures[t] = pool.submit(() -> {
						try {
							start.await(10, TimeUnit.SECONDS);
							CallAttempts attempts = new CallAttempts(route, 1);
							attempts.next();
							if (attempts.probes(probed)) {
								probes.incrementAndGet();
							}
						}
						catch (Throwable ex) {
							failure.set(ex);
						}
					});
				}
				for (Future<?> future : futures) {
					future.get(10, TimeUnit.SECONDS);
				}
				assertThat(failure.get()).isNull();
				assertThat(probes.get()).as("probes in round %d", round).isLessThanOrEqualTo(1);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void aLiveChangeOfTheEjectionTimeAlsoChangesHowLongAGoingAwayInstanceIsKeptAway() {
		ServiceRoute route = route(List.of(registered("a"), registered("b")), LoadBalancerPolicy.ROUND_ROBIN);
		ClientPolicy d = route.policy();
		route.update(new ClientPolicy(d.loadBalancer(), d.timeout(), d.perAttemptTimeout(), d.connectTimeout(),
				d.retry(), new OutlierPolicy(5, Duration.ofSeconds(2), Duration.ofMinutes(5), 50),
				d.maxConcurrentRequests(), d.oauth2(), d.circuitBreaker(), d.zoneAffinity(), d.slowStart(),
				d.maxResponseSize(), d.transport()));
		MeshInstance a = route.instances().stream().filter((i) -> i.id().equals("a")).findFirst().orElseThrow();
		a.state().goingAway(this.clock.nanoTime() + route.goingAwayNanos());
		this.clock.advance(Duration.ofSeconds(3));
		int probed = 0;
		for (int i = 0; i < 4; i++) {
			CallAttempts attempts = new CallAttempts(route, 1);
			MeshInstance picked = attempts.next();
			if (picked == a && attempts.probes(a)) {
				probed++;
			}
		}
		assertThat(probed).as("probed after the new ejection time of 2s, not the old 30s").isEqualTo(1);
	}

	@Test
	void anEjectionTimeTooLongForNanosecondsIsTakenLiveAndCallsGoOn() {
		ServiceRoute route = route(List.of(registered("a"), registered("b")), LoadBalancerPolicy.ROUND_ROBIN);
		ClientPolicy d = route.policy();
		// positive, so mesh.clients.<service>.outlier.ejection-time accepts it
		ClientPolicy huge = new ClientPolicy(d.loadBalancer(), d.timeout(), d.perAttemptTimeout(), d.connectTimeout(),
				d.retry(), new OutlierPolicy(5, Duration.ofDays(200_000), Duration.ofDays(300_000), 50),
				d.maxConcurrentRequests(), d.oauth2(), d.circuitBreaker(), d.zoneAffinity(), d.slowStart(),
				d.maxResponseSize(), d.transport());
		route.update(huge);
		assertThat(route.policy().outlier().ejectionTime()).isEqualTo(Duration.ofDays(200_000));
		MeshInstance a = route.instances().stream().filter((i) -> i.id().equals("a")).findFirst().orElseThrow();
		a.state().goingAway(this.clock.nanoTime() + route.goingAwayNanos());
		this.clock.advance(Duration.ofDays(365));
		for (int i = 0; i < 4; i++) {
			assertThat(new CallAttempts(route, 1).next().id()).isEqualTo("b");
		}
		route.outlierDetector().eject(route.instances().get(1), route.instances());
		assertThat(route.outlierDetector().isEjected(route.instances().get(1), this.clock.nanoTime())).isTrue();
	}

	private ServiceRoute route(List<ServiceInstance> instances, LoadBalancerPolicy loadBalancer) {
		ServiceInstanceCache cache = new ServiceInstanceCache(new ListDiscoveryClient(instances), Duration.ofHours(1));
		ServiceRoute route = new ServiceRoute("inventory", ClientPolicy.DEFAULTS.withLoadBalancer(loadBalancer), cache,
				null, null, null, AttemptTracer.NONE, null, this.clock);
		cache.ensureLoaded("inventory");
		return route;
	}

	private static ServiceInstance registered(String id) {
		return new DefaultServiceInstance(id, "inventory", id, 8080, false, Map.of("weight", "1", "started-at", "1"));
	}

}
