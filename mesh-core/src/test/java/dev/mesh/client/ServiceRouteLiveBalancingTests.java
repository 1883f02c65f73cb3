package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.InstanceFilter;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.loadbalancer.ZoneAffinityPicker;
import dev.mesh.loadbalancer.ZoneAffinityPolicy;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.testsupport.ListDiscoveryClient;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestInstances;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A changed {@code load-balancer}, {@code zone-affinity.*} or {@code slow-start.*}
 * applied to a running {@link ServiceRoute} ({@link ServiceRoute#update}), attacked:
 * while picks and discovery lists race with it, before the first list, around a scheduled
 * recomputation of warming weights, and when the new picker cannot be built.
 */
class ServiceRouteLiveBalancingTests {

	private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

	/**
	 * The defaults of an instance in zone {@code a} ({@code mesh.instance.zone=a}), zone
	 * affinity off.
	 */
	private static final ClientPolicy IN_ZONE_A = ClientPolicy.DEFAULTS
		.withZoneAffinity(new ZoneAffinityPolicy(false, 70, "a"));

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final SettableClock clock = new SettableClock(NOW);

	private final List<ServiceInstance> registry = new ArrayList<>();

	private ServiceInstanceCache cache;

	@Test
	void shouldLeaveTheRouteAsItWasWhenTheChangedPickerCannotBeBuilt() {
		this.registry.addAll(List.of(instance("a1", "a", null, null), instance("b1", "b", null, null)));
		ClientPolicy before = IN_ZONE_A.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN);
		ServiceRoute route = route(before);
		List<MeshInstance> all = route.instances();
		// a policy made in code, not bound from properties: nothing checked the percent
		ClientPolicy bad = before.withLoadBalancer(LoadBalancerPolicy.LEAST_REQUEST)
			.withZoneAffinity(new ZoneAffinityPolicy(true, 101, "a"));
		Throwable thrown = catchThrowable(() -> route.update(bad));
		assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
		assertThat(route.policy()).isEqualTo(before);
		// discovery's next list must still be taken, with the policy in effect
		Throwable accepted = catchThrowable(() -> route.accept(all.subList(0, 1)));
		assertThat(accepted).as("the route must still take discovery's lists").isNull();
		assertThat(route.instances()).extracting(MeshInstance::id).containsExactly("a1");
		assertThat(route.picker().getClass().getSimpleName()).isEqualTo("RoundRobinPicker");
	}

	@Test
	void shouldKeepTheLocalZoneOfTheRunningInstanceWhenZoneAffinityChangesLive() {
		// the local zone is mesh.instance.zone, which takes effect only after a restart:
		// this instance is still registered in zone a
		this.registry.addAll(List.of(instance("a1", "a", null, null), instance("b1", "b", null, null)));
		ClientPolicy before = IN_ZONE_A.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN)
			.withZoneAffinity(new ZoneAffinityPolicy(true, 70, "a"));
		ServiceRoute route = route(before);
		route.update(before.withZoneAffinity(new ZoneAffinityPolicy(true, 50, "b")));
		assertThat(route.policy().zoneAffinity().minAvailablePercent()).isEqualTo(50);
		assertThat(route.policy().zoneAffinity().localZone()).isEqualTo("a");
		assertThat(((ZoneAffinityPicker) route.picker()).zone()).isEqualTo("a");
	}

	@Test
	void shouldBuildTheFirstListWithAPolicyChangedBeforeIt() {
		this.registry.addAll(List.of(instance("a1", "a", null, null), instance("b1", "b", null, null),
				instance("a2", "a", null, null)));
		ServiceRoute route = new ServiceRoute("inventory", IN_ZONE_A.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN),
				cache(), null, null, null, AttemptTracer.NONE, null, MeshClock.of(this.clock.wall(), this.nanos::get));
		route.update(IN_ZONE_A.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN)
			.withZoneAffinity(new ZoneAffinityPolicy(true, 70, "a")));
		this.cache.ensureLoaded("inventory");
		assertThat(route.picker()).isInstanceOf(ZoneAffinityPicker.class);
		assertThat(firstPicks(route, 4)).containsExactly("a1", "a2", "a1", "a2");
	}

	@Test
	void shouldStopAndRestartWarmingWhenSlowStartIsSwitchedOffAndOnAroundAScheduledRecomputation() {
		this.registry.addAll(List.of(instance("warm", null, null, null), instance("new", null, NOW, null)));
		SlowStartPolicy on = new SlowStartPolicy(true, Duration.ofSeconds(100), 10, 1.0);
		ClientPolicy rr = IN_ZONE_A.withLoadBalancer(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
		ServiceRoute route = route(rr.withSlowStart(on));
		assertThat(route.weights().warming()).isTrue();
		route.update(rr);
		assertThat(route.weights()).isNull();
		route.rewarm(); // the recomputation scheduled while slow start was on
		assertThat(route.weights()).isNull();
		assertThat(firstPicks(route, 4)).containsExactly("warm", "new", "warm", "new");
		this.clock.set(NOW.plusSeconds(50));
		route.update(rr.withSlowStart(on));
		assertThat(route.weights().weights()).containsExactly(100, 50);
		this.clock.set(NOW.plusSeconds(100));
		route.rewarm();
		assertThat(route.weights().warming()).isFalse();
	}

	@Test
	void shouldRouteVersionsAndSkipEjectedInstancesAfterASwitch() {
		this.registry.addAll(List.of(instance("v1a", "a", null, "1.0"), instance("v2a", "a", null, "2.0"),
				instance("v1b", "b", null, "1.0"), instance("v2b", "b", null, "2.0")));
		ClientPolicy rr = IN_ZONE_A.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN);
		ServiceRoute route = route(rr);
		MeshInstance v2a = RouteTestSupport.instance(route, "v2a");
		route.outlierDetector().eject(v2a, route.instances());
		route.update(rr.withLoadBalancer(LoadBalancerPolicy.LEAST_REQUEST)
			.withZoneAffinity(new ZoneAffinityPolicy(true, 100, "a")));
		assertThat(route.outlierDetector().isEjected(v2a, route.now())).isTrue();
		InstanceFilter notEjected = (instance) -> !route.outlierDetector().isEjected(instance, route.now());
		for (int i = 0; i < 20; i++) {
			assertThat(route.pick(notEjected, route.now(), "2.0").id()).isEqualTo("v2b");
			assertThat(route.pick(notEjected, route.now(), "1.0").id()).isIn("v1a", "v1b");
		}
		assertThat(((ZoneAffinityPicker) route.picker()).localInUse()).as("1 of 2 local: 50% < 100%").isFalse();
	}

	@Test
	void shouldKeepPickingThroughSwitchesRacingPicksAndDiscoveryLists() throws Exception {
		for (int i = 0; i < 8; i++) {
			this.registry
				.add(instance("i" + i, (i % 2 == 0) ? "a" : "b", (i < 3) ? NOW : null, (i % 3 == 0) ? "2.0" : "1.0"));
		}
		ServiceRoute route = route(IN_ZONE_A);
		List<MeshInstance> all = route.instances();
		List<ClientPolicy> policies = new ArrayList<>();
		for (LoadBalancerPolicy balancer : LoadBalancerPolicy.values()) {
			ClientPolicy policy = IN_ZONE_A.withLoadBalancer(balancer);
			policies.add(policy);
			policies.add(policy.withZoneAffinity(new ZoneAffinityPolicy(true, 50, "a")));
			policies.add(policy.withSlowStart(new SlowStartPolicy(true, Duration.ofSeconds(30), 10, 1.0)));
		}
		AtomicBoolean stop = new AtomicBoolean();
		Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
		AtomicLong nulls = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		CountDownLatch start = new CountDownLatch(1);
		for (int t = 0; t < 6; t++) {
			String version = (t % 2 == 0) ? null : "2.0";
			threads.add(racer(start, failures, () -> {
				while (!stop.get()) {
					long now = route.now();
					route.checkZone(now + ServiceRoute.ZONE_RECHECK_NANOS + 1);
					if (route.pick(InstanceFilter.ALL, now, version) == null) {
						nulls.incrementAndGet();
					}
				}
			}));
		}
		// the race lasts a fixed number of policy changes, not a time
		threads.add(racer(start, failures, () -> {
			try {
				for (int i = 0; i < 20 * policies.size() * 7; i++) {
					route.update(policies.get(i % policies.size()));
					if (i % 7 == 0) {
						route.rewarm();
					}
				}
			}
			finally {
				stop.set(true);
			}
		}));
		threads.add(racer(start, failures, () -> {
			for (int i = 0; !stop.get(); i++) {
				route.accept(all.subList(0, 1 + (i % all.size())));
				route.ejectionsChanged();
			}
		}));
		threads.forEach(Thread::start);
		start.countDown();
		for (Thread thread : threads) {
			thread.join(30_000);
			assertThat(thread.isAlive()).as("a racing thread still running").isFalse();
		}
		assertThat(failures).isEmpty();
		assertThat(nulls.get()).isZero();
		// once quiet: the last list, with the last policy
		route.update(policies.get(1));
		route.accept(all);
		assertThat(route.instances()).isEqualTo(all);
		assertThat(route.picker()).isInstanceOf(ZoneAffinityPicker.class);
		assertThat(route.policy()).isEqualTo(policies.get(1));
	}

	/**
	 * A thread that runs {@code body} once {@code start} opens, keeping what it throws.
	 */
	private static Thread racer(CountDownLatch start, Queue<Throwable> failures, Race body) {
		return new Thread(() -> {
			try {
				start.await();
				body.run();
			}
			catch (Throwable ex) {
				failures.add(ex);
			}
		});
	}

	/** What one racing thread does. */
	@FunctionalInterface
	private interface Race {

		void run() throws Exception;

	}

	private List<String> firstPicks(ServiceRoute route, int calls) {
		List<String> picked = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			picked.add(new CallAttempts(route, 3).next().id());
		}
		return picked;
	}

	private ServiceInstanceCache cache() {
		this.cache = new ServiceInstanceCache(new ListDiscoveryClient(this.registry), Duration.ofHours(1));
		return this.cache;
	}

	private ServiceRoute route(ClientPolicy policy) {
		ServiceRoute route = new ServiceRoute("inventory", policy, cache(), null, null, null, AttemptTracer.NONE, null,
				MeshClock.of(this.clock.wall(), this.nanos::get));
		this.cache.ensureLoaded("inventory");
		return route;
	}

	private static ServiceInstance instance(String id, String zone, Instant startedAt, String version) {
		return TestInstances.inventory(id, zone, startedAt, version);
	}

}
