package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.discovery.MeshClock;
import dev.mesh.security.TokenUnavailableException;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestAuthorizationServer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Mesh clients attach client-credentials tokens from a real Spring Authorization Server
 * running in this JVM, and cache, share, refresh and give them up exactly as they must.
 * Token lifetimes run on a {@link SettableClock}.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenAttachmentTests {

	/**
	 * The application's clock (the test's {@link MeshClock} bean, which replaces the
	 * auto-configured one): token lifetimes pass when the test advances it.
	 */
	static final SettableClock clock = new SettableClock(Instant.now());

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private TestAuthorizationServer auth;

	private ConfigurableApplicationContext context;

	@BeforeEach
	void resetClock() {
		clock.set(Instant.now());
	}

	@Test
	void shouldAttachOneCachedTokenToAThousandCalls() {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(List.of(inventory));
		Set<String> tokens = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			client("inventory").get().uri("/").retrieve().body(String.class);
			tokens.add(inventory.lastHeaders().get("authorization"));
		}
		assertThat(this.auth.tokenRequests()).isEqualTo(1);
		assertThat(tokens).hasSize(1);
		assertThat(tokens.iterator().next()).startsWith("Bearer ey");
	}

	@Test
	void shouldMakeOneTokenRequestWhenManyCallersNeedATokenAtOnce() throws Exception {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(List.of(inventory), "mesh.clients.inventory.oauth2.refresh-before-expiry=1m");
		concurrently(8, () -> client("inventory").get().uri("/").retrieve().body(String.class));
		assertThat(this.auth.tokenRequests()).isEqualTo(1);
		clock.advance(Duration.ofSeconds(250));
		concurrently(8, () -> client("inventory").get().uri("/").retrieve().body(String.class));
		// the refresh runs in the background while the callers keep the still valid token
		await().atMost(Duration.ofSeconds(10)).until(() -> this.auth.tokenRequests() >= 2);
		concurrently(8, () -> client("inventory").get().uri("/").retrieve().body(String.class));
		assertThat(this.auth.tokenRequests()).as("one refresh before expiry, not one per caller").isEqualTo(2);
	}

	@Test
	void shouldReplaceATokenTheServerCallsInvalidAndRetryOnce() {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		Set<String> rejected = ConcurrentHashMap.newKeySet();
		TestServer inventory = track(TestServer.start("inventory-1").behave((server, request, response) -> {
			String authorization = request.getHeader("Authorization");
			if (rejected.contains(authorization)) {
				response.setStatus(401);
				response.setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"revoked\"");
				return true;
			}
			return false;
		}));
		start(List.of(inventory), "mesh.clients.inventory.retry.max-attempts=1");
		assertThat(client("inventory").get().uri("/").retrieve().body(String.class)).isEqualTo("inventory-1");
		rejected.add(inventory.lastHeaders().get("authorization"));
		// older than oauth2.invalid-token-refetch-interval (10s), so the rejection
		// replaces it
		clock.advance(Duration.ofSeconds(11));
		assertThat(client("inventory").get().uri("/").retrieve().body(String.class)).isEqualTo("inventory-1");
		assertThat(inventory.requests()).isEqualTo(3);
		assertThat(this.auth.tokenRequests()).isEqualTo(2);
		assertThat(inventory.lastHeaders().get("authorization")).isNotIn(rejected);
	}

	@Test
	void shouldKeepUsingTheCachedTokenWhileTheTokenEndpointIsDownThenFailWithoutSending(CapturedOutput output)
			throws Exception {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(List.of(inventory));
		client("inventory").get().uri("/").retrieve().body(String.class);
		String token = inventory.lastHeaders().get("authorization");
		this.auth.close();
		clock.advance(Duration.ofSeconds(250));
		assertThat(client("inventory").get().uri("/").retrieve().body(String.class)).isEqualTo("inventory-1");
		assertThat(inventory.lastHeaders().get("authorization")).isEqualTo(token);
		// the refresh runs (and fails) in the background
		await().atMost(Duration.ofSeconds(10))
			.until(() -> output.toString().contains("using the cached token until it expires"));
		clock.advance(Duration.ofSeconds(60));
		int served = inventory.requests();
		assertThatExceptionOfType(TokenUnavailableException.class)
			.isThrownBy(() -> client("inventory").get().uri("/").retrieve().body(String.class))
			.withMessageContaining("registration 'mesh'")
			.withMessageContaining("'inventory'");
		assertThat(inventory.requests()).as("nothing is sent without a token").isEqualTo(served);
	}

	@Test
	void shouldGetASeparateTokenForEachServiceWithItsOwnScopes() {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		TestServer payments = track(TestServer.start("payments-1"));
		start(List.of(inventory), "spring.cloud.discovery.client.simple.instances.payments[0].uri=" + payments.uri(),
				"mesh.clients.payments.oauth2.scopes=payments.write");
		client("inventory").get().uri("/").retrieve().body(String.class);
		client("payments").get().uri("/").retrieve().body(String.class);
		String inventoryToken = inventory.lastHeaders().get("authorization");
		String paymentsToken = payments.lastHeaders().get("authorization");
		assertThat(inventoryToken).isNotEqualTo(paymentsToken);
		assertThat(scopeOf(inventoryToken)).contains("inventory.read").doesNotContain("payments.write");
		assertThat(scopeOf(paymentsToken)).contains("payments.write").doesNotContain("inventory.read");
		assertThat(this.auth.tokenRequests()).isEqualTo(2);
	}

	@Test
	void shouldSendNoTokenWhenTurnedOffForAClient() {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		start(List.of(inventory), "mesh.clients.inventory.oauth2.enabled=false");
		client("inventory").get().uri("/").retrieve().body(String.class);
		assertThat(inventory.lastHeaders()).doesNotContainKey("authorization");
		assertThat(this.auth.tokenRequests()).isZero();
	}

	@Test
	void shouldSendNoTokenAndWarnOnceWhenNoRegistrationIsConfigured(CapturedOutput output) {
		TestServer inventory = track(TestServer.start("inventory-1"));
		this.context = this.mesh.start(Consumer.of(Clients.class), List.of(inventory));
		client("inventory").get().uri("/").retrieve().body(String.class);
		client("payments");
		assertThat(inventory.lastHeaders()).doesNotContainKey("authorization");
		assertThat(output.getAll().split("Mesh clients send calls without OAuth2 tokens", -1)).hasSize(2);
	}

	@Test
	void shouldRequestTokensWithTheApplicationsOwnTokenResponseClient(CapturedOutput output) {
		this.auth = track(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer inventory = track(TestServer.start("inventory-1"));
		List<String> properties = new ArrayList<>(TestAuthorizationServer.meshRegistration(this.auth.tokenUri()));
		// would fail every token request made with the mesh's own token response client
		properties.add("mesh.client-defaults.oauth2.read-timeout=1ms");
		this.context = this.mesh.start(Consumer.of(OwnTokenClient.class), List.of(inventory),
				properties.toArray(String[]::new));
		assertThat(client("inventory").get().uri("/").retrieve().body(String.class)).isEqualTo("inventory-1");
		assertThat(inventory.lastHeaders().get("authorization")).startsWith("Bearer ey");
		assertThat(this.context.getBean(OwnTokenClient.class).requests).hasValue(1);
		assertThat(output).contains("OAuth2AccessTokenResponseClient bean: its timeouts apply");
	}

	private String scopeOf(String bearer) {
		String payload = bearer.substring("Bearer ".length()).split("\\.")[1];
		return new String(java.util.Base64.getUrlDecoder().decode(payload));
	}

	private void concurrently(int threads, Runnable call) throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch gate = new CountDownLatch(1);
		List<Future<?>> futures = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			futures.add(pool.submit(() -> {
				gate.await();
				call.run();
				return null;
			}));
		}
		gate.countDown();
		for (Future<?> future : futures) {
			future.get(30, TimeUnit.SECONDS);
		}
		pool.shutdown();
	}

	private RestClient client(String service) {
		return this.context.getBean(service, RestClient.class);
	}

	private <T extends AutoCloseable> T track(T closeable) {
		return this.mesh.keep(closeable);
	}

	private void start(List<TestServer> inventory, String... extra) {
		List<String> properties = new ArrayList<>(TestAuthorizationServer.meshRegistration(this.auth.tokenUri()));
		properties.addAll(List.of(extra));
		this.context = this.mesh.start(Consumer.of(Clients.class), inventory, properties.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OwnTokenClient {

		final AtomicInteger requests = new AtomicInteger();

		@Bean
		OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> tokenResponseClient() {
			RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();
			return (grant) -> {
				this.requests.incrementAndGet();
				return client.getTokenResponse(grant);
			};
		}

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

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

		@Bean
		@MeshClient("payments")
		RestClient payments(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
