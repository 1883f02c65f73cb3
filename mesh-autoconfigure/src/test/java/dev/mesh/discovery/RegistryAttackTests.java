package dev.mesh.discovery;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.MeshClock;
import dev.mesh.client.ClientPolicy;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.client.NoInstanceAvailableException;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.testsupport.LoopbackRegistry;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestServer;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Plays a hostile or broken registry: what a registration (or whoever can write to the
 * registry) can put in an instance's address and metadata, served over real HTTP by a
 * {@link LoopbackRegistry} and read by a real discovery client, with calls through the
 * real {@code @MeshClient} pipeline to real servers. Every bad entry is rejected or
 * defaulted on its own: the good instances keep taking calls, the refresh keeps working,
 * and nothing a registration says reaches a log line raw.
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistryAttackTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private final LoopbackRegistry registry = LoopbackRegistry.start();

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

	private ServiceInstanceCache cache;

	@AfterEach
	void stop() {
		if (this.cache != null) {
			this.cache.stop();
		}
		this.registry.close();
	}

	@Test
	void garbageWeightsCountAsTheDefaultWeightPerInstance(CapturedOutput output) {
		TestServer a = this.mesh.server("a");
		List<Map<String, Object>> instances = new ArrayList<>();
		instances.add(LoopbackRegistry.instance("good", "127.0.0.1", a.port(), Map.of("weight", "3")));
		String[] garbage = { "-1", "1e30", "NaN", "10001", "99999999999999999999", "0x10", "",
				"1\r\n2026 WARN forged" };
		for (int i = 0; i < garbage.length; i++) {
			instances.add(LoopbackRegistry.instance("bad-" + i, "127.0.0.1", a.port(), Map.of("weight", garbage[i])));
		}
		this.registry.register("inventory", instances);
		RestClient inventory = meshClient();
		for (int i = 0; i < 50; i++) {
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		}
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::weight)
			.containsExactly(3, 1, 1, 1, 1, 1, 1, 1, 1);
		assertThat(output).contains("weight='1e30'").doesNotContain("\nWARN forged").doesNotContain("\r");
	}

	@Test
	void hugeOrControlCharacterZonesAndVersionsCountAsNone(CapturedOutput output) {
		TestServer a = this.mesh.server("a");
		Map<String, String> hostile = Map.of("zone", "z".repeat(100_000), "version", "1.0\r\n2026 WARN forged",
				"weight", "1");
		this.registry.register("inventory",
				List.of(LoopbackRegistry.instance("hostile", "127.0.0.1", a.port(), hostile), LoopbackRegistry
					.instance("good", "127.0.0.1", a.port(), Map.of("zone", "eu-1a", "version", "1.2.3-rc.1+b45"))));
		RestClient inventory = meshClient();
		assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		List<MeshInstance> loaded = this.cache.instances("inventory");
		assertThat(loaded.get(0).zone()).isNull();
		assertThat(loaded.get(0).version()).isNull();
		assertThat(loaded.get(1).zone()).isEqualTo("eu-1a");
		assertThat(loaded.get(1).version()).isEqualTo("1.2.3-rc.1+b45");
		assertThat(output).contains("publishes metadata zone='zzzz")
			.doesNotContain("z".repeat(1000))
			.doesNotContain("\nWARN forged")
			.doesNotContain("\r");
	}

	@Test
	void unusableAddressesAreRejectedPerInstanceOnceAndTheOthersKeepTakingCalls(CapturedOutput output) {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		List<Map<String, Object>> instances = new ArrayList<>();
		instances.add(LoopbackRegistry.instance("port-0", "127.0.0.1", 0, Map.of()));
		instances.add(LoopbackRegistry.instance("port-65536", "127.0.0.1", 65536, Map.of()));
		instances.add(LoopbackRegistry.instance("userinfo", "mesh:pw-s3cret@127.0.0.1", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("path", "127.0.0.1/admin", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("query", "127.0.0.1?x=", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("space", "127.0.0.1 evil", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("control", "127.0.0.1\r\nWARN forged", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("empty", "", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("null-host", null, b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("brackets", "[[::1", b.port(), Map.of()));
		instances.add(LoopbackRegistry.instance("good", "127.0.0.1", a.port(), null));
		this.registry.register("inventory", instances);
		RestClient inventory = meshClient();
		for (int i = 0; i < 30; i++) {
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		}
		assertThat(b.requests()).isZero();
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::id).containsExactly("good");
		assertThat(this.cache.instances("inventory").get(0).weight()).as("no metadata: the default").isEqualTo(1);
		this.cache.refreshAll();
		this.cache.refreshAll();
		assertThat(output).containsOnlyOnce("Instance 'port-0' of service 'inventory'")
			.containsOnlyOnce("Instance 'path' of service 'inventory'")
			.doesNotContain("pw-s3cret")
			.doesNotContain("\nWARN forged");
	}

	@Test
	void aNegativePortMeansTheSchemesDefaultAsSpringCloudReadsIt() {
		this.registry.register("inventory",
				List.of(LoopbackRegistry.instance("default-port", "127.0.0.1", -1, Map.of())));
		this.cache = new ServiceInstanceCache(this.registry.client(), Duration.ofHours(1),
				MeshClock.of(new SettableClock(NOW).wall(), this.nanos::get));
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::baseUri)
			.containsExactly("http://127.0.0.1:80");
	}

	@Test
	void ofDuplicateInstanceIdsTheFirstIsKept() {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		this.registry.register("inventory", List.of(LoopbackRegistry.instance("same", "127.0.0.1", a.port(), Map.of()),
				LoopbackRegistry.instance("same", "127.0.0.1", b.port(), Map.of("weight", "10000"))));
		RestClient inventory = meshClient();
		for (int i = 0; i < 20; i++) {
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		}
		assertThat(b.requests()).isZero();
	}

	@Test
	@Timeout(120)
	void aHundredThousandInstancesNeitherHangTheRefreshNorFailACall(CapturedOutput output) {
		TestServer a = this.mesh.server("a");
		List<Map<String, Object>> instances = new ArrayList<>();
		for (int i = 0; i < 100_000; i++) {
			instances.add(LoopbackRegistry.instance("i-" + i, "127.0.0.1", a.port(),
					Map.of("weight", Integer.toString(1 + (i * 7919) % 10_000))));
		}
		this.registry.register("inventory", instances);
		RestClient inventory = meshClient();
		assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		instances.remove(0);
		this.registry.register("inventory", instances);
		this.cache.refreshAll();
		assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		assertThat(this.cache.instances("inventory")).hasSize(ServiceInstanceCache.MAX_INSTANCES_PER_SERVICE)
			.first()
			.extracting(MeshInstance::id)
			.isEqualTo("i-1");
		assertThat(output)
			.containsOnlyOnce("The registry lists 100000 instances of service 'inventory'; using the first 5000");
	}

	@Test
	void aFarFutureStartTimeRampsForOneWindowFromWhenTheCallerFirstSeesIt() {
		TestServer a = this.mesh.server("a");
		SettableClock clock = new SettableClock(NOW);
		this.registry.register("inventory", List.of(LoopbackRegistry.instance("forever-cold", "127.0.0.1", a.port(),
				Map.of("started-at", "9999-12-31T23:59:59Z", "warmup", "30s"))));
		this.cache = new ServiceInstanceCache(this.registry.client(), Duration.ofHours(1),
				MeshClock.of(clock.wall(), this.nanos::get));
		assertThat(this.cache.instances("inventory").get(0).startedAt()).isEqualTo(NOW);
	}

	@Test
	void registryErrorsNeverCarryCredentialsOrControlCharactersIntoACallersException(CapturedOutput output) {
		SimpleDiscoveryClient failing = new SimpleDiscoveryClient(new SimpleDiscoveryProperties()) {
			@Override
			public List<ServiceInstance> getInstances(String serviceId) {
				throw new ResourceAccessException("I/O error on GET request for "
						+ "\"http://mesh:s3cret@consul:8500/v1/health/service/inventory?token=s3cret&passing\": refused\r\nWARN forged",
						new ConnectException("Connection refused: http://admin:s3cret@consul:8500/"));
			}
		};
		this.cache = new ServiceInstanceCache(failing, Duration.ofHours(1),
				MeshClock.of(new SettableClock(NOW).wall(), this.nanos::get));
		RestClient inventory = meshClient(this.cache);
		assertThatExceptionOfType(NoInstanceAvailableException.class)
			.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class))
			.withMessageContaining("ResourceAccessException")
			.withMessageContaining("http://consul:8500/v1/health/service/inventory?...")
			.withMessageContaining("caused by java.net.ConnectException")
			.withMessageNotContaining("s3cret")
			.withMessageNotContaining("\n");
		assertThat(output).doesNotContain("s3cret").doesNotContain("\nWARN forged");
		String huge = RegistryBackoff.describe(new IllegalStateException("x".repeat(1_000_000)));
		assertThat(huge).hasSizeLessThan(400);
		String longCredentials = RegistryBackoff
			.describe(new IllegalStateException("GET http://mesh:" + "s3cret".repeat(1000) + "@consul:8500/ refused"));
		assertThat(longCredentials).doesNotContain("s3cret").contains("GET");
		for (String pathological : new String[] { "://".repeat(300_000), "http://a?".repeat(100_000),
				"@".repeat(1_000_000) }) {
			assertThat(RegistryBackoff.describe(new IllegalStateException(pathological))).hasSizeLessThan(400);
		}
	}

	@Test
	void credentialsWithAnUnencodedAtSignNeverReachAMessage() {
		// a password with a literal '@' (not %40), as people write them into registry and
		// token URLs
		String registry = RegistryBackoff
			.describe(new IllegalStateException("GET http://mesh:pa@ss@consul:8500/v1/x refused"));
		assertThat(registry).doesNotContain("pa").doesNotContain("ss@").contains("http://consul:8500/v1/x");
		String token = new dev.mesh.security.TokenUnavailableException("mesh", "inventory",
				"POST http://order:pa@ss@auth:9000/oauth2/token failed", null)
			.getMessage();
		assertThat(token).doesNotContain("pa@").doesNotContain("ss@").contains("http://auth:9000/oauth2/token");
		assertThat(RedactedUris.of("http://order:pa@ss@auth:9000/oauth2/token?x=1"))
			.isEqualTo("http://auth:9000/oauth2/token");
	}

	@Test
	@Timeout(60)
	void aHungRegistryHoldsTheFirstCallNoLongerThanItsTimeout() throws Exception {
		TestServer a = this.mesh.server("a");
		this.registry.register("inventory", List.of(LoopbackRegistry.instance("a", "127.0.0.1", a.port(), Map.of())));
		java.util.concurrent.CountDownLatch hung = new java.util.concurrent.CountDownLatch(1);
		this.registry.hold(hung);
		try {
			// the loopback discovery client gives up after 30s; the call's own timeout is
			// 1s
			this.cache = new ServiceInstanceCache(this.registry.client(), Duration.ofHours(1),
					MeshClock.of(new SettableClock(NOW).wall(), System::nanoTime));
			ClientPolicy d = ClientPolicy.DEFAULTS;
			ClientPolicy oneSecond = new ClientPolicy(d.loadBalancer(), Duration.ofSeconds(1), d.perAttemptTimeout(),
					d.connectTimeout(), d.retry(), d.outlier(), d.maxConcurrentRequests(), d.oauth2(),
					d.circuitBreaker(), d.zoneAffinity(), d.slowStart(), d.maxResponseSize(), d.transport());
			RestClient inventory = new MeshClientFactory(this.cache, (serviceId) -> oneSecond,
					BulkheadRegistry.ofDefaults(), CircuitBreakerRegistry.ofDefaults(), (serviceId) -> null,
					AttemptTracer.NONE, MeshClock.system())
				.configure(RestClient.builder(), "inventory")
				.build();
			java.util.concurrent.CompletableFuture<Object> first = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			// ends (with an exception) while the registry still hangs, not when the
			// discovery client gives up
			assertThat(first).failsWithin(Duration.ofSeconds(15))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(NoInstanceAvailableException.class);
			// once the registry answers, the query the call started has loaded the
			// service for the next call
			hung.countDown();
			this.registry.hold(null);
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> this.cache.ensureLoaded("inventory"));
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
		}
		finally {
			hung.countDown();
		}
	}

	/**
	 * A first registry load that takes most of the call's timeout leaves the attempt only
	 * the rest: its timeout is the slow registry's doing, not the instance's, and must
	 * not count against it.
	 */
	@Test
	void aSlowFirstLoadDoesNotCountTheShortenedAttemptsTimeoutAgainstTheInstance() throws Exception {
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		TestServer slow = this.mesh.server("slow").behave((server, request, response) -> {
			try {
				release.await(30, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return false;
		});
		this.registry.register("inventory",
				List.of(LoopbackRegistry.instance("slow", "127.0.0.1", slow.port(), Map.of())));
		java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
		this.registry.hold(held);
		java.util.concurrent.ScheduledExecutorService releaser = java.util.concurrent.Executors
			.newSingleThreadScheduledExecutor();
		try {
			this.cache = new ServiceInstanceCache(this.registry.client(), Duration.ofHours(1),
					MeshClock.of(new SettableClock(NOW).wall(), System::nanoTime));
			// timeout and per-attempt-timeout 3s (the default); the registry answers
			// after 2 of them
			ClientPolicy d = ClientPolicy.DEFAULTS;
			ClientPolicy oneAttempt = new ClientPolicy(d.loadBalancer(), Duration.ofSeconds(3), d.perAttemptTimeout(),
					d.connectTimeout(),
					new dev.mesh.resilience.RetryPolicy(1, d.retry().on(), d.retry().backoff(), d.retry().budget()),
					d.outlier(), d.maxConcurrentRequests(), d.oauth2(), d.circuitBreaker(), d.zoneAffinity(),
					d.slowStart(), d.maxResponseSize(), d.transport());
			CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
			MeshClientFactory factory = new MeshClientFactory(this.cache, (serviceId) -> oneAttempt,
					BulkheadRegistry.ofDefaults(), breakers, (serviceId) -> null, AttemptTracer.NONE,
					MeshClock.system());
			RestClient inventory = factory.configure(RestClient.builder(), "inventory").build();
			releaser.schedule(held::countDown, 2, java.util.concurrent.TimeUnit.SECONDS);
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			dev.mesh.discovery.MeshInstance instance = this.cache.instances("inventory").get(0);
			assertThat(instance.state().failures()).as("failures of the instance the slow registry left ~1s").isZero();
			assertThat(instance.state().inFlight()).isZero();
			assertThat(breakers.circuitBreaker(MeshClientFactory.resilience4jName("inventory"))
				.getMetrics()
				.getNumberOfFailedCalls()).isZero();
			factory.close();
		}
		finally {
			release.countDown();
			held.countDown();
			releaser.shutdownNow();
		}
	}

	private RestClient meshClient() {
		this.cache = new ServiceInstanceCache(this.registry.client(), Duration.ofHours(1),
				MeshClock.of(new SettableClock(NOW).wall(), this.nanos::get));
		return meshClient(this.cache);
	}

	private static RestClient meshClient(ServiceInstanceCache cache) {
		MeshClientFactory factory = new MeshClientFactory(cache, (serviceId) -> ClientPolicy.DEFAULTS,
				BulkheadRegistry.ofDefaults(), CircuitBreakerRegistry.ofDefaults(), (serviceId) -> null,
				AttemptTracer.NONE, MeshClock.system());
		return factory.configure(RestClient.builder(), "inventory").build();
	}

}
