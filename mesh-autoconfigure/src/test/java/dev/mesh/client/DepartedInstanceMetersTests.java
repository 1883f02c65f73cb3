package dev.mesh.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.ClientSnapshot;
import dev.mesh.observability.MeshMeterNames;
import dev.mesh.testsupport.ListDiscoveryClient;
import dev.mesh.testsupport.RawHttpServer;
import dev.mesh.testsupport.SettableClock;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The meters of instances that have left the registry: real calls over loopback to
 * instances listed by a registry whose list the test changes, on a settable clock, into a
 * real {@link SimpleMeterRegistry}. Instance ids change with every deploy, so without
 * this each deploy would add time series for ever.
 */
class DepartedInstanceMetersTests {

	private static final Duration RETENTION = Duration.ofMinutes(5);

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T12:00:00Z"));

	private final List<ServiceInstance> registered = new CopyOnWriteArrayList<>();

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final CountDownLatch release = new CountDownLatch(1);

	private final CountDownLatch held = new CountDownLatch(1);

	private RawHttpServer server;

	private final AtomicBoolean holdNext = new AtomicBoolean();

	private ServiceInstanceCache cache;

	private MeshClientFactory factory;

	@BeforeEach
	void startServer() {
		byte[] ok = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
			.getBytes(StandardCharsets.US_ASCII);
		this.server = RawHttpServer.start("inventory", (out, number) -> {
			if (this.holdNext.getAndSet(false)) {
				this.held.countDown();
				try {
					this.release.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			out.write(ok);
		});
	}

	@AfterEach
	void stop() {
		this.release.countDown();
		if (this.factory != null) {
			this.factory.close();
		}
		if (this.cache != null) {
			this.cache.stop();
		}
		this.server.close();
	}

	@Test
	void thousandInstancesComingAndGoingLeaveBoundedMetersAndOnlyTheLiveOnesAfterTheRetention() {
		RestClient client = client(RETENTION, false);
		int maxMeters = 0;
		List<String> live = List.of();
		for (int round = 0; round < 100; round++) {
			live = deploy(round, 10);
			callEach(client, 10);
			maxMeters = Math.max(maxMeters, attemptMeters().size());
			this.clock.advance(Duration.ofSeconds(10));
		}
		// 5 minutes of 10-second deploys: the 31 latest rounds (this one included) at
		// most
		assertThat(maxMeters).isLessThanOrEqualTo(31 * 10);
		assertThat(attemptMeters()).hasSizeGreaterThanOrEqualTo(30 * 10);
		assertThat(this.factory.route("inventory").meters().rememberedDeparted()).isLessThanOrEqualTo(30 * 10);
		assertThat(snapshotIds()).as("endpoint entries: only the live instances")
			.containsExactlyInAnyOrderElementsOf(live);

		this.clock.advance(RETENTION);
		reweigh(); // the list changes (a weight), so the meters are checked
		assertThat(instancesWithMeters()).containsExactlyInAnyOrderElementsOf(live);
		assertThat(this.factory.route("inventory").meters().rememberedDeparted()).isZero();
		assertThat(this.registry.find(MeshMeterNames.CALLS).timers()).as("per-service meters stay")
			.singleElement()
			.satisfies((calls) -> assertThat(calls.count()).isEqualTo(1_000));
	}

	@Test
	void anInstanceThatReturnsWithinTheRetentionKeepsItsMeterAndOneThatReturnsLaterStartsAgain() {
		RestClient client = client(RETENTION, false);
		deployIds("a", "b");
		callEach(client, 4);
		Timer a = attemptTimer("a");
		deployIds("b");
		this.clock.advance(RETENTION.minusSeconds(1));
		deployIds("a", "b");
		callEach(client, 2);
		assertThat(attemptTimer("a")).isSameAs(a);
		assertThat(a.count()).isEqualTo(3);
		assertThat(instancesWithMeters()).containsExactlyInAnyOrder("a", "b");

		deployIds("b");
		this.clock.advance(RETENTION);
		deployIds("b", "c");
		assertThat(instancesWithMeters()).containsExactlyInAnyOrder("b");
		deployIds("a", "b", "c");
		callEach(client, 3);
		assertThat(attemptTimer("a")).isNotSameAs(a);
		assertThat(attemptTimer("a").count()).as("counted again from the instance's return").isEqualTo(1);
	}

	@Test
	void retentionZeroRemovesTheMetersWithTheListThatDropsTheInstance() {
		RestClient client = client(Duration.ZERO, false);
		deployIds("a", "b");
		callEach(client, 2);
		deployIds("b");
		assertThat(instancesWithMeters()).containsExactly("b");
		assertThat(this.factory.route("inventory").meters().rememberedDeparted()).isZero();
	}

	@Test
	void anOverflowingRetentionKeepsTheMetersForEverWithoutFailing() {
		RestClient client = client(Duration.ofSeconds(Long.MAX_VALUE), false);
		deployIds("a");
		callEach(client, 1);
		deployIds("b");
		this.clock.advance(Duration.ofDays(365 * 100));
		deployIds("c");
		assertThat(instancesWithMeters()).containsExactly("a");
		callEach(client, 1);
		assertThat(instancesWithMeters()).containsExactlyInAnyOrder("a", "c");
	}

	@Test
	void aNegativeRetentionIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MeshClientMeterBinder(null, Duration.ofSeconds(-1)))
			.withMessageContaining("expected: >= 0");
	}

	@Test
	void aListThatStopsChangingHasItsDepartedMetersRemovedWhenTheRetentionRunsOut() {
		RestClient client = client(Duration.ofSeconds(1), true);
		deployIds("a", "b");
		callEach(client, 2);
		deployIds("b");
		assertThat(instancesWithMeters()).containsExactlyInAnyOrder("a", "b");
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(await(() -> instancesWithMeters().equals(Set.of("b")))).isTrue();
	}

	@Test
	void anAttemptThatEndsAfterItsInstanceWasRemovedSucceedsAndItsLateMeterGoesToo() throws Exception {
		RestClient client = client(Duration.ZERO, true);
		deployIds("a");
		this.holdNext.set(true);
		CompletableFuture<String> slow = CompletableFuture
			.supplyAsync(() -> client.get().uri("/slow").retrieve().body(String.class));
		assertThat(this.held.await(10, TimeUnit.SECONDS)).isTrue();
		deployIds("b");
		this.release.countDown();
		assertThat(slow.get(10, TimeUnit.SECONDS)).as("the call does not fail").isEqualTo("ok");
		assertThat(await(() -> instancesWithMeters().isEmpty())).as("the late meter of 'a' is removed").isTrue();
		callEach(client, 1);
		assertThat(instancesWithMeters()).containsExactly("b");
	}

	@Test
	void recordingWhileTheMetersOfAFlappingInstanceAreRemovedNeverFailsNorLeavesAStaleTimer() throws Exception {
		client(Duration.ZERO, false);
		ServiceRoute route = this.factory.route("inventory");
		deployIds("a", "b");
		AtomicBoolean stop = new AtomicBoolean();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<Thread> recorders = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread recorder = new Thread(() -> {
				try {
					while (!stop.get()) {
						route.recordAttempt("a", "GET", 1, "200", "SUCCESS", 1_000);
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			recorder.start();
			recorders.add(recorder);
		}
		for (int i = 0; i < 300; i++) {
			deployIds((i % 2 == 0) ? new String[] { "b" } : new String[] { "a", "b" });
		}
		stop.set(true);
		for (Thread recorder : recorders) {
			recorder.join(10_000);
		}
		assertThat(failures).isEmpty();
		// 'a' is live again: its cached timer must be the one in the registry
		route.recordAttempt("a", "GET", 1, "200", "SUCCESS", 1_000);
		long before = attemptTimer("a").count();
		route.recordAttempt("a", "GET", 1, "200", "SUCCESS", 1_000);
		assertThat(attemptTimer("a").count()).isEqualTo(before + 1);
		deployIds("b");
		assertThat(instancesWithMeters()).doesNotContain("a");
	}

	private RestClient client(Duration retention, boolean startCache) {
		this.cache = new ServiceInstanceCache(new ListDiscoveryClient(this.registered), Duration.ofHours(1),
				this.clock);
		if (startCache) {
			this.cache.start();
		}
		this.factory = new MeshClientFactory(this.cache,
				(serviceId) -> ClientPolicy.DEFAULTS.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN),
				BulkheadRegistry.ofDefaults(), CircuitBreakerRegistry.ofDefaults(), (serviceId) -> null,
				AttemptTracer.NONE, this.clock);
		new MeshClientMeterBinder(this.factory, retention).bindTo(this.registry);
		RestClient client = this.factory.configure(RestClient.builder(), "inventory").build();
		this.factory.route("inventory");
		return client;
	}

	private List<String> deploy(int round, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add("inventory-" + round + "-" + i);
		}
		deployIds(ids.toArray(String[]::new));
		return ids;
	}

	private void deployIds(String... ids) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (String id : ids) {
			instances.add(new DefaultServiceInstance(id, "inventory", "127.0.0.1", this.server.port(), false,
					Map.of("weight", "1")));
		}
		this.registered.clear();
		this.registered.addAll(instances);
		refresh();
	}

	/**
	 * Refreshes until the route has the registry's list: a refresh skips a service the
	 * background refresh is querying at the same moment.
	 */
	private void refresh() {
		List<String> expected = this.registered.stream().map(ServiceInstance::getInstanceId).toList();
		assertThat(await(() -> {
			this.cache.refreshAll();
			return this.factory.route("inventory").instances().stream().map((i) -> i.id()).toList().equals(expected);
		})).isTrue();
	}

	private void reweigh() {
		List<ServiceInstance> instances = new ArrayList<>();
		for (ServiceInstance instance : this.registered) {
			instances.add(new DefaultServiceInstance(instance.getInstanceId(), "inventory", instance.getHost(),
					instance.getPort(), false, Map.of("weight", "2")));
		}
		this.registered.clear();
		this.registered.addAll(instances);
		this.cache.refreshAll();
	}

	private void callEach(RestClient client, int calls) {
		for (int i = 0; i < calls; i++) {
			assertThat(client.get().uri("/").retrieve().body(String.class)).isEqualTo("ok");
		}
	}

	private List<Meter> attemptMeters() {
		return List.copyOf(this.registry.find(MeshMeterNames.ATTEMPTS).meters());
	}

	private Set<String> instancesWithMeters() {
		return attemptMeters().stream().map((meter) -> meter.getId().getTag("instance")).collect(Collectors.toSet());
	}

	private Timer attemptTimer(String instance) {
		return this.registry.get(MeshMeterNames.ATTEMPTS).tag("instance", instance).timer();
	}

	private List<String> snapshotIds() {
		ClientSnapshot snapshot = this.factory.clients().get(0);
		return snapshot.instances().stream().map(ClientSnapshot.Instance::id).toList();
	}

	private static boolean await(BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return condition.getAsBoolean();
	}

}
