package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.security.TokenUnavailableException;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.RawTokenEndpoint;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestAuthorizationServer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The calling side's client-credentials tokens against a token endpoint and instances
 * that misbehave: an endpoint that hangs, one that issues tokens shorter-lived than the
 * refresh window or leaves out {@code expires_in}, and an instance that calls every token
 * invalid. Token lifetimes run on a {@link SettableClock}; the endpoints are real servers
 * on loopback.
 */
class TokenAttackTests {

	/**
	 * The application's clock (the test's {@link MeshClock} bean, which replaces the
	 * auto-configured one): token lifetimes pass when the test advances it.
	 */
	static final SettableClock clock = new SettableClock(Instant.now());

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private final ExecutorService callers = Executors.newCachedThreadPool();

	private ConfigurableApplicationContext context;

	@BeforeEach
	void resetClock() {
		clock.set(Instant.now());
	}

	@AfterEach
	void stop() {
		this.callers.shutdownNow();
	}

	@Test
	void shouldHandOutTheStillValidTokenAtOnceWhileARefreshHangsOnTheTokenEndpoint() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.answering(300));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=60s");
		call();
		endpoint.hang();
		clock.advance(Duration.ofSeconds(250));
		Future<String> first = async(this::call);
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungOpen() == 1);
		Future<String> second = async(this::call);
		assertThat(second.get(10, TimeUnit.SECONDS)).as("a caller with a valid token does not wait for the refresh")
			.isEqualTo("inventory-1");
		assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("inventory-1");
		assertThat(inventory.lastHeaders().get("authorization")).isEqualTo("Bearer raw-token-1");
		assertThat(endpoint.requests()).as("one refresh, not one per caller").isEqualTo(2);
	}

	@Test
	void shouldFailACallWithoutATokenWithinItsDeadlineWhileTheTokenEndpointHangs() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=60s",
				"mesh.clients.inventory.timeout=300ms");
		Throwable failure = async(() -> catchThrowable(this::call)).get(10, TimeUnit.SECONDS);
		assertThat(failure).isInstanceOf(TokenUnavailableException.class)
			.hasMessageContaining("'inventory'")
			.hasMessageContaining(endpoint.tokenUri())
			.hasMessageContaining("deadline");
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungOpen() == 1);
		assertThat(endpoint.hungClosedByClient()).as("the token request goes on for the callers after it").isZero();
		assertThat(inventory.requests()).as("nothing is sent without a token").isZero();
	}

	@Test
	void shouldGiveUpATokenRequestAfterTheConfiguredReadTimeout() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=300ms",
				"mesh.clients.inventory.timeout=60s");
		Throwable failure = async(() -> catchThrowable(this::call)).get(10, TimeUnit.SECONDS);
		assertThat(failure).isInstanceOf(TokenUnavailableException.class).hasMessageContaining("'inventory'");
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungClosedByClient() == 1);
		assertThat(inventory.requests()).isZero();
	}

	@Test
	void shouldGiveUpATokenEndpointThatTricklesItsAnswer() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		endpoint.trickle();
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=500ms",
				"mesh.clients.inventory.timeout=60s");
		Throwable failure = async(() -> catchThrowable(this::call)).get(10, TimeUnit.SECONDS);
		assertThat(failure).isInstanceOf(TokenUnavailableException.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungClosedByClient() == 1);
	}

	@Test
	void shouldReleaseAnInterruptedCallerAndLetTheTokenRequestGoOn() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=60s",
				"mesh.clients.inventory.timeout=60s");
		List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		Thread caller = new Thread(() -> {
			seen.add(catchThrowable(this::call));
			seen.add(Thread.currentThread().isInterrupted());
		});
		caller.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungOpen() == 1);
		caller.interrupt();
		caller.join(10_000);
		assertThat(seen).hasSize(2);
		assertThat(seen.get(0)).isInstanceOf(TokenUnavailableException.class);
		assertThat(seen.get(1)).as("the interrupt is kept").isEqualTo(true);
		assertThat(endpoint.hungOpen()).as("the token request goes on for the callers after it").isEqualTo(1);
	}

	@Test
	void shouldStopTokenRequestsAndTheirThreadsWhenTheContextCloses() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=60s",
				"mesh.clients.inventory.timeout=200ms");
		assertThat(catchThrowable(this::call)).isInstanceOf(TokenUnavailableException.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungOpen() == 1);
		this.context.close();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.noneMatch((thread) -> thread.getName().startsWith("mesh-token-")));
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.hungClosedByClient() == 1);
	}

	@Test
	void shouldFailOneCallAndRecoverWhenTheTokenEndpointSendsAnOverflowingExpiresIn() {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		endpoint.answer("9223372036854775807");
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory));
		assertThat(catchThrowable(this::call)).isInstanceOf(TokenUnavailableException.class);
		assertThat(inventory.requests()).isZero();
		endpoint.answer("300");
		clock.advance(Duration.ofSeconds(2));
		assertThat(call()).isEqualTo("inventory-1");
	}

	@Test
	@org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
	void shouldFailACallPromptlyAndCleanlyWhenTheTokenEndpointRefusesWithAHugeOrForgedDescription() {
		// the refusal's text reaches the exception message: it must be cheap to clean
		// whatever its size, and
		// must not carry a forged log line
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		endpoint.refuse("x\\r\\nWARN forged " + "a".repeat(300_000));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory));
		Throwable failure = catchThrowable(this::call);
		assertThat(failure).isInstanceOf(TokenUnavailableException.class);
		assertThat(failure.getMessage()).contains("invalid_client")
			.doesNotContain("\nWARN forged")
			.hasSizeLessThan(3_000);
		assertThat(inventory.requests()).isZero();
	}

	@Test
	void shouldKeepATokenWhoseExpiresInReachesTheEndOfTime() {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		// two days below what Instant can hold from now: an expiry Spring Security can
		// read, but past the end
		// of time on a clock a year ahead
		endpoint.answer(String.valueOf(Instant.MAX.getEpochSecond() - clock.instant().getEpochSecond() - 2 * 86400));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory));
		clock.advance(Duration.ofDays(365));
		for (int i = 0; i < 10; i++) {
			assertThat(call()).isEqualTo("inventory-1");
		}
		assertThat(endpoint.requests()).isEqualTo(1);
	}

	@Test
	void shouldMakeOneTokenRequestPerBurstWhenTokensLiveShorterThanTheRefreshWindow() {
		TestAuthorizationServer auth = track(TestAuthorizationServer.start(Duration.ofSeconds(30)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(auth.tokenUri(), List.of(inventory));
		for (int i = 0; i < 50; i++) {
			call();
		}
		assertThat(auth.tokenRequests()).isEqualTo(1);
		clock.advance(Duration.ofSeconds(16));
		for (int i = 0; i < 50; i++) {
			call();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> auth.tokenRequests() == 2);
		for (int i = 0; i < 50; i++) {
			call();
		}
		assertThat(auth.tokenRequests()).as("refreshed once, half way through its 30s life").isEqualTo(2);
	}

	@Test
	void shouldMakeOneTokenRequestPerBurstWhenTheTokenEndpointLeavesOutExpiresIn() {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.answering(null));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(endpoint.tokenUri(), List.of(inventory));
		for (int i = 0; i < 50; i++) {
			call();
		}
		assertThat(endpoint.requests()).isEqualTo(1);
		assertThat(inventory.lastHeaders().get("authorization")).isEqualTo("Bearer raw-token-1");
	}

	@Test
	void shouldFetchAtMostOneTokenPerIntervalForAnInstanceThatCallsEveryTokenInvalid() {
		TestAuthorizationServer auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer liar = track(TestServer.start("liar").behave(TokenAttackTests::rejectEveryToken));
		start(auth.tokenUri(), List.of(liar), "mesh.clients.inventory.retry.max-attempts=1");
		for (int i = 0; i < 30; i++) {
			assertThat(catchThrowable(this::call)).isInstanceOf(HttpClientErrorException.Unauthorized.class);
		}
		assertThat(auth.tokenRequests()).isEqualTo(1);
		clock.advance(Duration.ofSeconds(11));
		for (int i = 0; i < 30; i++) {
			assertThat(catchThrowable(this::call)).isInstanceOf(HttpClientErrorException.Unauthorized.class);
		}
		assertThat(auth.tokenRequests()).as("one new token once the last is 10s old").isEqualTo(2);
	}

	@Test
	void shouldEjectAnInstanceThatCallsFreshTokensInvalid() {
		TestAuthorizationServer auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer liar = track(TestServer.start("liar").behave(TokenAttackTests::rejectEveryToken));
		TestServer honest = track(TestServer.start("honest"));
		start(auth.tokenUri(), List.of(liar, honest), "mesh.clients.inventory.retry.max-attempts=1",
				"mesh.clients.inventory.load-balancer=round-robin");
		for (int i = 0; i < 20; i++) {
			catchThrowable(this::call);
		}
		MeshInstance lying = this.context.getBean(MeshClientFactory.class)
			.route("inventory")
			.instances()
			.stream()
			.filter((instance) -> instance.id().equals("liar"))
			.findFirst()
			.orElseThrow();
		assertThat(lying.state().ejectedUntilNanos()).as("the liar is ejected").isNotZero();
		int lies = liar.requests();
		for (int i = 0; i < 20; i++) {
			assertThat(call()).isEqualTo("honest");
		}
		assertThat(liar.requests()).isEqualTo(lies);
		assertThat(auth.tokenRequests()).isEqualTo(1);
	}

	@Test
	void shouldKeepCallsToOtherInstancesGoingWhileALiarForcesARefreshFromAHungTokenEndpoint() {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.answering(300));
		TestServer liar = track(TestServer.start("liar"));
		TestServer honest = track(TestServer.start("honest"));
		start(endpoint.tokenUri(), List.of(liar, honest), "mesh.clients.inventory.retry.max-attempts=1",
				"mesh.clients.inventory.load-balancer=round-robin", "mesh.clients.inventory.timeout=300ms",
				"mesh.clients.inventory.outlier.consecutive-failures=1000",
				"mesh.client-defaults.oauth2.read-timeout=60s");
		// the first token request may take longer than the 300ms deadline; it goes on for
		// the calls after it
		await().atMost(Duration.ofSeconds(10)).until(() -> catchThrowable(this::call) == null);
		call();
		endpoint.hang();
		liar.behave(TokenAttackTests::rejectEveryToken);
		// old enough for the liar's 401 to make it due for refresh
		clock.advance(Duration.ofSeconds(11));
		int served = honest.requests();
		int lies = liar.requests();
		int failures = 0;
		for (int i = 0; i < 10; i++) {
			Throwable failure = catchThrowable(this::call);
			if (failure != null) {
				assertThat(failure).isInstanceOf(TokenUnavailableException.class);
				failures++;
			}
		}
		assertThat(honest.requests() - served).as("calls to the honest instance keep the valid token")
			.isEqualTo(10 - failures);
		assertThat(liar.requests() - lies).as("only calls to the liar wait for the new token").isEqualTo(failures);
		assertThat(endpoint.requests()).isEqualTo(2);
	}

	@Test
	void shouldNotOpenTheCircuitOfAHealthyServiceWhenTheTokenEndpointHangs() throws Exception {
		RawTokenEndpoint endpoint = track(RawTokenEndpoint.hanging());
		TestServer inventory = track(TestServer.start("inventory-1"));
		String breaker = "resilience4j.circuitbreaker.instances.mesh-inventory.";
		start(endpoint.tokenUri(), List.of(inventory), "mesh.client-defaults.oauth2.read-timeout=60s",
				"mesh.clients.inventory.timeout=200ms", breaker + "sliding-window-size=10",
				breaker + "minimum-number-of-calls=4", breaker + "failure-rate-threshold=50",
				breaker + "wait-duration-in-open-state=60s");
		for (int i = 0; i < 6; i++) {
			assertThat(async(() -> catchThrowable(this::call)).get(10, TimeUnit.SECONDS))
				.isInstanceOf(TokenUnavailableException.class);
		}
		io.github.resilience4j.circuitbreaker.CircuitBreaker circuit = this.context.getBean(MeshClientFactory.class)
			.route("inventory")
			.circuitBreaker();
		assertThat(circuit.getMetrics().getNumberOfFailedCalls()).as("inventory never answered badly").isZero();
		assertThat(circuit.getState()).isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
	}

	private static boolean rejectEveryToken(TestServer server, jakarta.servlet.http.HttpServletRequest request,
			jakarta.servlet.http.HttpServletResponse response) {
		response.setStatus(401);
		response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"I say so\"");
		return true;
	}

	private String call() {
		return this.context.getBean("inventory", RestClient.class).get().uri("/").retrieve().body(String.class);
	}

	private <T> Future<T> async(Callable<T> task) {
		return this.callers.submit(task);
	}

	private <T extends AutoCloseable> T track(T closeable) {
		return this.mesh.keep(closeable);
	}

	private void start(String tokenUri, List<TestServer> instances, String... extra) {
		List<String> properties = new ArrayList<>(TestAuthorizationServer.meshRegistration(tokenUri));
		properties.addAll(List.of(extra));
		this.context = this.mesh.start(Consumer.of(Clients.class), instances, properties.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Clients {

		@Bean
		MeshClock meshClock() {
			return clock;
		}

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
