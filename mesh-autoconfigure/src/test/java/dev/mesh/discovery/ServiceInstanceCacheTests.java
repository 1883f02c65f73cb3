package dev.mesh.discovery;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.mesh.discovery.MeshClock;
import dev.mesh.client.ClientPolicy;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.client.NoInstanceAvailableException;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.testsupport.LoopbackRegistry;
import dev.mesh.testsupport.TestServer;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class ServiceInstanceCacheTests {

	private final ChangingDiscoveryClient registry = new ChangingDiscoveryClient();

	private ServiceInstanceCache cache;

	@AfterEach
	void stop() {
		if (this.cache != null) {
			this.cache.stop();
		}
	}

	@Test
	void shouldServeFromTheCacheWithoutARegistryCallPerLookup() {
		this.registry.set(instance("a", "1"), instance("b", "2"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		for (int i = 0; i < 100; i++) {
			assertThat(this.cache.instances("inventory")).extracting(MeshInstance::id).containsExactly("a", "b");
		}
		assertThat(this.registry.calls.get()).isEqualTo(1);
	}

	@Test
	void shouldKeepInstanceObjectsAcrossRefreshesWhileTheirRegistrationIsUnchanged() {
		this.registry.set(instance("a", "1"), instance("b", "2"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		List<List<MeshInstance>> notified = new CopyOnWriteArrayList<>();
		this.cache.watch("inventory", notified::add);
		List<MeshInstance> first = this.cache.instances("inventory");
		this.cache.refreshAll();
		assertThat(notified).hasSize(1);
		this.registry.set(instance("a", "1"), instance("b", "5"));
		this.cache.refreshAll();
		assertThat(notified).hasSize(2);
		List<MeshInstance> second = this.cache.instances("inventory");
		assertThat(second.get(0)).isSameAs(first.get(0));
		assertThat(second.get(1)).isNotSameAs(first.get(1));
		assertThat(second.get(1).weight()).isEqualTo(5);
	}

	@Test
	void shouldKeepTheLastKnownInstancesWhenTheRegistryFails() {
		this.registry.set(instance("a", "1"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		assertThat(this.cache.instances("inventory")).hasSize(1);
		this.registry.failing.set(true);
		this.cache.refreshAll();
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::id).containsExactly("a");
	}

	@Test
	void shouldRefreshInTheBackgroundAndAtOnceOnARegistryChangeEvent() {
		this.registry.set(instance("a", "1"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofMillis(100));
		AtomicReference<List<MeshInstance>> latest = new AtomicReference<>();
		this.cache.watch("inventory", latest::set);
		this.cache.start();
		await().atMost(Duration.ofSeconds(2)).until(() -> latest.get() != null && latest.get().size() == 1);
		this.registry.set(instance("a", "1"), instance("b", "1"));
		await().atMost(Duration.ofSeconds(2)).until(() -> latest.get().size() == 2);
		this.cache.stop();

		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		this.cache.watch("inventory", latest::set);
		this.cache.start();
		await().atMost(Duration.ofSeconds(2)).until(() -> latest.get().size() == 2);
		this.registry.set(instance("c", "1"));
		this.cache.onApplicationEvent(new HeartbeatEvent(this, 42L));
		await().atMost(Duration.ofSeconds(1))
			.until(() -> latest.get().size() == 1 && latest.get().get(0).id().equals("c"));
	}

	@Test
	void shouldRunScheduledTasksOnTheDiscoveryThreadAlsoWhenScheduledBeforeItStarts() throws Exception {
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		List<String> ranOn = new CopyOnWriteArrayList<>();
		this.cache.schedule(() -> ranOn.add("early " + Thread.currentThread().getName()), Duration.ZERO);
		assertThat(ranOn).isEmpty();
		this.cache.start();
		this.cache.schedule(() -> ranOn.add("late " + Thread.currentThread().getName()), Duration.ofMillis(10));
		await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.size() == 2);
		assertThat(ranOn).containsExactly("early mesh-discovery", "late mesh-discovery");
	}

	@Test
	void shouldReadWeightsLeniently() {
		assertThat(MeshInstanceFactory.parseWeight("0")).isZero();
		assertThat(MeshInstanceFactory.parseWeight(" 10000 ")).isEqualTo(10000);
		assertThat(MeshInstanceFactory.parseWeight("10001")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("-5")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("1e99")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("abc")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("٣")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("")).isNull();
		this.registry.set(instance("a", "abc"), instance("b", "0"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::weight).containsExactly(1, 0);
	}

	@Test
	@Timeout(60)
	void shouldBackOffAndFailFastNamingTheRegistryErrorWhileTheRegistryIsDownBeforeTheFirstLoad() {
		try (LoopbackRegistry registry = LoopbackRegistry.start(); TestServer a = TestServer.start("a")) {
			LoopbackRegistry.HttpDiscoveryClient discovery = listInstanceA(registry, a);
			registry.stop();
			AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
			this.cache = new ServiceInstanceCache(discovery, Duration.ofHours(1),
					MeshClock.of(Clock.systemUTC(), nanos::get));
			RestClient inventory = meshClient(this.cache);
			for (int i = 0; i < 1000; i++) {
				nanos.addAndGet(Duration.ofMillis(10).toNanos());
				assertThatExceptionOfType(NoInstanceAvailableException.class)
					.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class))
					.withMessageContaining("could not be read from the registry")
					.withMessageContaining("java.net.ConnectException")
					.withMessageNotContaining("s3cret");
			}
			assertThat(discovery.queries()).as("1000 calls over 10 s: 100 ms doubling, about log2(100) queries")
				.isBetween(5, 9);
			registry.restart();
			nanos.addAndGet(RegistryBackoff.MAX.toNanos());
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
			int queries = discovery.queries();
			for (int i = 0; i < 100; i++) {
				assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
			}
			assertThat(discovery.queries()).as("loaded: calls are served from the cache").isEqualTo(queries);
		}
	}

	@Test
	@Timeout(60)
	void shouldLetOneCallerQueryAFailedRegistryWhileTheOthersFailWithoutWaitingForIt() throws Exception {
		try (LoopbackRegistry registry = LoopbackRegistry.start(); TestServer a = TestServer.start("a")) {
			LoopbackRegistry.HttpDiscoveryClient discovery = listInstanceA(registry, a);
			registry.stop();
			AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
			this.cache = new ServiceInstanceCache(discovery, Duration.ofHours(1),
					MeshClock.of(Clock.systemUTC(), nanos::get));
			RestClient inventory = meshClient(this.cache);
			assertThatExceptionOfType(NoInstanceAvailableException.class)
				.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			registry.restart();
			CountDownLatch hung = hold(registry);
			nanos.addAndGet(RegistryBackoff.MAX.toNanos());
			CompletableFuture<String> querying = CompletableFuture
				.supplyAsync(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			await().atMost(Duration.ofSeconds(10)).until(() -> discovery.queries() == 2);
			for (int i = 0; i < 50; i++) {
				assertThatExceptionOfType(NoInstanceAvailableException.class)
					.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class))
					.withMessageContaining("java.net.ConnectException");
			}
			assertThat(querying).isNotDone();
			assertThat(discovery.queries()).as("one query at a time").isEqualTo(2);
			hung.countDown();
			assertThat(querying.get(10, TimeUnit.SECONDS)).isEqualTo("a");
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		}
	}

	@Test
	@Timeout(60)
	void shouldLetCallersWaitForAFirstQueryInProgressWhileNoQueryHasFailed() throws Exception {
		try (LoopbackRegistry registry = LoopbackRegistry.start(); TestServer a = TestServer.start("a")) {
			LoopbackRegistry.HttpDiscoveryClient discovery = listInstanceA(registry, a);
			CountDownLatch slow = hold(registry);
			this.cache = new ServiceInstanceCache(discovery, Duration.ofHours(1), MeshClock.system());
			RestClient inventory = meshClient(this.cache);
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				calls.add(CompletableFuture
					.supplyAsync(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class)));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> discovery.queries() == 1);
			slow.countDown();
			for (CompletableFuture<String> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("a");
			}
			assertThat(discovery.queries()).isEqualTo(1);
		}
	}

	@Test
	@Timeout(60)
	void shouldLetACallerWaitForTheBackgroundRefreshsFirstQueryOfItsService() throws Exception {
		try (LoopbackRegistry registry = LoopbackRegistry.start(); TestServer a = TestServer.start("a")) {
			LoopbackRegistry.HttpDiscoveryClient discovery = listInstanceA(registry, a);
			CountDownLatch slow = hold(registry);
			this.cache = new ServiceInstanceCache(discovery, Duration.ofHours(1), MeshClock.system());
			this.cache.watch("inventory", (instances) -> {
			});
			this.cache.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> discovery.queries() == 1);
			CompletableFuture<Boolean> caller = CompletableFuture
				.supplyAsync(() -> this.cache.ensureLoaded("inventory", Duration.ofSeconds(30)));
			// done already (the bug: it gave up on the query in progress), or its loader
			// waits for that query
			await().atMost(Duration.ofSeconds(10)).until(() -> caller.isDone() || loaderParked());
			slow.countDown();
			assertThat(caller.get(10, TimeUnit.SECONDS)).as("loaded by the query it waited for").isTrue();
			assertThat(discovery.queries()).isEqualTo(1);
		}
	}

	private static boolean loaderParked() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.anyMatch((thread) -> thread.getName().equals("mesh-discovery-load")
					&& (thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING));
	}

	@Test
	@Timeout(60)
	void shouldNotCountAQueryCutShortByTheCallersInterruptAsARegistryFailure() throws Exception {
		try (LoopbackRegistry registry = LoopbackRegistry.start(); TestServer a = TestServer.start("a")) {
			LoopbackRegistry.HttpDiscoveryClient discovery = listInstanceA(registry, a);
			CountDownLatch hung = hold(registry);
			AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
			this.cache = new ServiceInstanceCache(discovery, Duration.ofHours(1),
					MeshClock.of(Clock.systemUTC(), nanos::get));
			Thread caller = new Thread(() -> this.cache.ensureLoaded("inventory"));
			caller.start();
			await().atMost(Duration.ofSeconds(10)).until(() -> discovery.queries() == 1);
			caller.interrupt();
			caller.join(10_000);
			assertThat(caller.isAlive()).isFalse();
			hung.countDown();
			registry.hold(null);
			assertThat(this.cache.loadFailure("inventory")).isNull();
			assertThat(this.cache.instances("inventory")).as("no backoff: the registry did not fail").hasSize(1);
		}
	}

	/**
	 * Lists instance "a" of inventory at the server's port; returns a client of the
	 * registry that counts queries.
	 */
	private static LoopbackRegistry.HttpDiscoveryClient listInstanceA(LoopbackRegistry registry, TestServer a) {
		registry.register("inventory", List.of(LoopbackRegistry.instance("a", "127.0.0.1", a.port(), Map.of())));
		return registry.client();
	}

	/** Holds every registry answer until the returned latch is counted down. */
	private static CountDownLatch hold(LoopbackRegistry registry) {
		CountDownLatch latch = new CountDownLatch(1);
		registry.hold(latch);
		return latch;
	}

	private static RestClient meshClient(ServiceInstanceCache cache) {
		MeshClientFactory factory = new MeshClientFactory(cache, (serviceId) -> ClientPolicy.DEFAULTS,
				BulkheadRegistry.ofDefaults(), CircuitBreakerRegistry.ofDefaults(), (serviceId) -> null,
				AttemptTracer.NONE, MeshClock.system());
		return factory.configure(RestClient.builder(), "inventory").build();
	}

	private static ServiceInstance instance(String id, String weight) {
		return new DefaultServiceInstance(id, "inventory", "127.0.0.1", 8000 + id.charAt(0), false,
				Map.of("weight", weight));
	}

	static final class ChangingDiscoveryClient implements DiscoveryClient {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicReference<Boolean> failing = new AtomicReference<>(false);

		private volatile List<ServiceInstance> instances = List.of();

		void set(ServiceInstance... instances) {
			this.instances = new ArrayList<>(List.of(instances));
		}

		@Override
		public String description() {
			return "changing";
		}

		@Override
		public List<ServiceInstance> getInstances(String serviceId) {
			this.calls.incrementAndGet();
			if (this.failing.get()) {
				throw new IllegalStateException("registry down");
			}
			return "inventory".equals(serviceId) ? this.instances : List.of();
		}

		@Override
		public List<String> getServices() {
			return List.of("inventory");
		}

	}

}
