package dev.mesh.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.observability.MeshMeterNames;
import dev.mesh.observability.MeshOutcome;
import dev.mesh.testsupport.BootHttpClientProperties;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.ServerPorts;
import dev.mesh.testsupport.TestAuthorizationServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real TLS on loopback, on each transport a mesh client can run on
 * ({@code spring.http.client.factory}): providers are Spring Boot applications on
 * embedded Tomcat with {@code server.ssl.bundle} and {@code server.ssl.client-auth=need},
 * registered as {@code https} instances in simple discovery; consumers are real
 * {@code @MeshClient} applications with (or without)
 * {@code mesh.clients.inventory.ssl-bundle}. Certificates are the test-only PEMs in
 * {@code src/test/resources/tls} ({@code ca} signed the provider's and {@code client}'s,
 * {@code other-ca} signed {@code stranger}'s).
 */
@Timeout(60)
class TransportTlsTests {

	private static final String PEM = "spring.ssl.bundle.pem.";

	/** The bundle a mesh member calls with: its own key and the mesh's CA. */
	private static final List<String> CLIENT_BUNDLE = bundle("client", "client", "ca");

	private static ConfigurableApplicationContext inventoryA;

	private static ConfigurableApplicationContext inventoryB;

	private static TestAuthorizationServer auth;

	private static ConfigurableApplicationContext secured;

	private final List<AutoCloseable> started = new ArrayList<>();

	@BeforeAll
	static void startProviders() {
		inventoryA = provider(ProviderApplication.class);
		inventoryB = provider(ProviderApplication.class);
	}

	@AfterAll
	static void stopProviders() throws Exception {
		if (inventoryA != null) {
			inventoryA.close();
		}
		for (AutoCloseable closeable : new AutoCloseable[] { inventoryB, secured, auth }) {
			if (closeable != null) {
				closeable.close();
			}
		}
	}

	@AfterEach
	void stop() throws Exception {
		for (AutoCloseable closeable : this.started) {
			closeable.close();
		}
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void callsWithTheBundleReachAProviderThatNeedsClientCertificatesAndItSeesTheKey(String transport) {
		int before = requests(inventoryA);
		ConfigurableApplicationContext consumer = consumer(transport, List.of(inventoryA), CLIENT_BUNDLE,
				"mesh.clients.inventory.ssl-bundle=client");
		for (int i = 0; i < 3; i++) {
			assertThat(inventory(consumer).get().uri("/api/whoami").retrieve().body(String.class))
				.isEqualTo("CN=order over https");
		}
		assertThat(requests(inventoryA) - before).isEqualTo(3);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void withoutABundleTheCallFailsNamingThePropertyAndNothingReachesTheProvider(String transport) {
		int before = requests(inventoryA);
		ConfigurableApplicationContext consumer = consumer(transport, List.of(inventoryA), List.of(),
				"mesh.clients.inventory.retry.max-attempts=1");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory(consumer).get().uri("/api/whoami").retrieve().body(String.class))
			.withMessageContaining("mesh.clients.inventory.ssl-bundle");
		assertThat(requests(inventoryA)).isEqualTo(before);
	}

	/**
	 * A raw socket stands in for an instance registered as {@code https}: the first bytes
	 * the mesh sends it must be a TLS handshake record, never a plain-text request with
	 * its path and headers.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void nothingIsSentInClearTextToAnHttpsInstance(String transport) throws Exception {
		try (ServerSocket instance = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			CompletableFuture<byte[]> firstBytes = CompletableFuture.supplyAsync(() -> {
				try (Socket connection = instance.accept()) {
					InputStream in = connection.getInputStream();
					byte[] buffer = new byte[512];
					int read = in.read(buffer);
					return Arrays.copyOf(buffer, Math.max(read, 0));
				}
				catch (IOException ex) {
					return new byte[0];
				}
			});
			ConfigurableApplicationContext consumer = consumerOf(transport,
					List.of("spring.cloud.discovery.client.simple.instances.inventory[0].uri=https://127.0.0.1:"
							+ instance.getLocalPort()),
					CLIENT_BUNDLE, "mesh.clients.inventory.ssl-bundle=client",
					"mesh.clients.inventory.retry.max-attempts=1");
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(
					() -> inventory(consumer).get().uri("/api/secret?token=s3cr3t").retrieve().body(String.class));
			byte[] sent = firstBytes.get(10, TimeUnit.SECONDS);
			assertThat(sent).isNotEmpty();
			assertThat(sent[0]).as("a TLS handshake record").isEqualTo((byte) 0x16);
			assertThat(new String(sent, StandardCharsets.ISO_8859_1)).doesNotContain("/api/secret")
				.doesNotContain("s3cr3t");
		}
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aKeyFromAnotherCaIsRefusedByAProviderThatNeedsClientCertificates(String transport) {
		int before = requests(inventoryA);
		ConfigurableApplicationContext consumer = consumer(transport, List.of(inventoryA),
				bundle("stranger", "stranger", "ca"), "mesh.clients.inventory.ssl-bundle=stranger");
		for (int i = 0; i < 3; i++) {
			// under TLS 1.3 the provider refuses the key after the consumer's side of the
			// handshake: the consumer reads its alert (a handshake failure naming the
			// bundle), or, when the provider has closed before the request is written,
			// sees the connection broken (a reset)
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> inventory(consumer).get().uri("/api/whoami").retrieve().body(String.class))
				.satisfies((ex) -> assertThat(ex.getMessage()).satisfiesAnyOf(
						(message) -> assertThat(message).contains("TLS handshake")
							.contains("mesh.clients.inventory.ssl-bundle"),
						(message) -> assertThat(message).containsAnyOf("Broken pipe", "Connection reset",
								// simple: HttpURLConnection hides the broken pipe
								"Error writing to server")));
		}
		// each call (a GET) tried retry.max-attempts (3) times, each a connect failure or
		// a reset
		assertThat(attempts(consumer, MeshOutcome.CONNECT_FAILURE) + attempts(consumer, MeshOutcome.RESET))
			.isEqualTo(9);
		assertThat(attempts(consumer, null)).isEqualTo(9);
		assertThat(requests(inventoryA)).isEqualTo(before);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aProviderFromAnUntrustedCaIsAConnectFailureRetriedOnlyWithinMaxAttempts(String transport) {
		int before = requests(inventoryA) + requests(inventoryB);
		ConfigurableApplicationContext consumer = consumer(transport, List.of(inventoryA, inventoryB),
				bundle("wrong-ca", "client", "other-ca"), "mesh.clients.inventory.ssl-bundle=wrong-ca",
				"mesh.clients.inventory.retry.max-attempts=3");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory(consumer).get().uri("/api/whoami").retrieve().body(String.class))
			.withMessageContaining("TLS handshake")
			.withMessageContaining("mesh.clients.inventory.ssl-bundle");
		double failed = attempts(consumer, MeshOutcome.CONNECT_FAILURE);
		assertThat(failed).isBetween(2.0, 3.0);
		assertThat(attempts(consumer, null)).isEqualTo(failed);
		assertThat(consumer.getBean(ServiceInstanceCache.class).instances("inventory"))
			.allSatisfy((instance) -> assertThat(instance.state().failures()).isPositive())
			.extracting(MeshInstance::baseUri)
			.allSatisfy((uri) -> assertThat(uri).startsWith("https://127.0.0.1:"));
		assertThat(requests(inventoryA) + requests(inventoryB)).isEqualTo(before);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void anSslBundleThatDoesNotExistFailsStartupNamingThePropertyTheValueAndTheDefinedBundles(String transport) {
		assertThatThrownBy(
				() -> consumer(transport, List.of(inventoryA), CLIENT_BUNDLE, "mesh.clients.inventory.ssl-bundle=nope"))
			.satisfies(
					(failure) -> assertThat(messages(failure)).contains("mesh.clients.inventory.ssl-bundle is 'nope'")
						.contains("defined: client"));
	}

	/**
	 * The consumers take the bundle from {@code spring.http.client.ssl.bundle} and from
	 * {@code mesh.client-defaults.ssl-bundle}: a call only gets an answer with the
	 * bundle's key.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void tokensAndCallerRulesKeepWorkingOverMutualTls(String transport) {
		ConfigurableApplicationContext secured = securedProvider();
		int before = requests(secured);
		ConfigurableApplicationContext order = consumer(transport, List.of(secured), CLIENT_BUNDLE,
				tokenOf("order", "inventory.read", BootHttpClientProperties.PREFIX + "ssl.bundle=client"));
		assertThat(inventory(order).get().uri("/api/whoami").retrieve().body(String.class))
			.isEqualTo("CN=order over https");
		ConfigurableApplicationContext billing = consumer(transport, List.of(secured), CLIENT_BUNDLE,
				tokenOf("billing", "inventory.write", "mesh.client-defaults.ssl-bundle=client"));
		assertThatExceptionOfType(HttpClientErrorException.Forbidden.class)
			.isThrownBy(() -> inventory(billing).get().uri("/api/whoami").retrieve().body(String.class))
			.satisfies((forbidden) -> assertThat(forbidden.getResponseBodyAsString())
				.contains("caller 'billing' is not allowed"));
		ConfigurableApplicationContext anonymous = consumer(transport, List.of(secured), CLIENT_BUNDLE,
				"mesh.clients.inventory.ssl-bundle=client");
		assertThatExceptionOfType(HttpClientErrorException.Unauthorized.class)
			.isThrownBy(() -> inventory(anonymous).get().uri("/api/whoami").retrieve().body(String.class));
		assertThat(requests(secured) - before).isEqualTo(3);
	}

	/**
	 * A provider needing client certificates and tokens, where only {@code order} may
	 * call /api/whoami.
	 */
	private static synchronized ConfigurableApplicationContext securedProvider() {
		if (secured == null) {
			auth = TestAuthorizationServer.start();
			secured = provider(ProviderApplication.class,
					"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + auth.issuer(),
					"mesh.security.rules[0].path=/api/whoami", "mesh.security.rules[0].callers=order");
		}
		return secured;
	}

	private static String[] tokenOf(String clientId, String scope, String... extra) {
		String registration = "spring.security.oauth2.client.registration.mesh.";
		List<String> properties = new ArrayList<>(
				List.of(registration + "client-id=" + clientId, registration + "client-secret=" + clientId + "-secret",
						registration + "authorization-grant-type=client_credentials", registration + "scope=" + scope,
						"spring.security.oauth2.client.provider.mesh.token-uri=" + auth.issuer() + "/oauth2/token"));
		properties.addAll(List.of(extra));
		return properties.toArray(String[]::new);
	}

	private static List<String> bundle(String name, String key, String ca) {
		return List.of(PEM + name + ".keystore.certificate=classpath:tls/" + key + ".crt",
				PEM + name + ".keystore.private-key=classpath:tls/" + key + ".key",
				PEM + name + ".truststore.certificate=classpath:tls/" + ca + ".crt");
	}

	/** A provider that needs a client certificate signed by {@code ca}. */
	private static ConfigurableApplicationContext provider(Class<?> application, String... extra) {
		List<String> properties = new ArrayList<>(List.of("server.address=127.0.0.1", "server.port=0",
				"spring.main.banner-mode=off", "spring.application.name=inventory", "spring.cloud.consul.enabled=false",
				"server.ssl.bundle=server", "server.ssl.client-auth=need",
				PEM + "server.keystore.certificate=classpath:tls/server.crt",
				PEM + "server.keystore.private-key=classpath:tls/server.key",
				PEM + "server.truststore.certificate=classpath:tls/ca.crt"));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(application).web(WebApplicationType.SERVLET)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	private ConfigurableApplicationContext consumer(String transport, List<ConfigurableApplicationContext> providers,
			List<String> bundles, String... extra) {
		List<String> instances = new ArrayList<>();
		for (int i = 0; i < providers.size(); i++) {
			String prefix = "spring.cloud.discovery.client.simple.instances.inventory[" + i + "].";
			instances.add(prefix + "instance-id=inventory-" + i);
			instances.add(prefix + "uri=https://127.0.0.1:" + port(providers.get(i)));
		}
		return consumerOf(transport, instances, bundles, extra);
	}

	private ConfigurableApplicationContext consumerOf(String transport, List<String> instances, List<String> bundles,
			String... extra) {
		List<String> properties = new ArrayList<>(List.of("spring.cloud.consul.enabled=false",
				"spring.main.banner-mode=off", BootHttpClientProperties.FACTORY + "=" + transport,
				"mesh.clients.inventory.retry.backoff.initial=1ms"));
		properties.addAll(instances);
		properties.addAll(bundles);
		properties.addAll(List.of(extra));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(MeshFixture.InventoryClient.class)
			.web(WebApplicationType.NONE)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
		this.started.add(context);
		return context;
	}

	private static RestClient inventory(ConfigurableApplicationContext consumer) {
		return consumer.getBean("inventory", RestClient.class);
	}

	/**
	 * @return attempts the consumer timed, with the given outcome or (for {@code null})
	 * any
	 */
	private static double attempts(ConfigurableApplicationContext consumer, String outcome) {
		return consumer.getBean(MeterRegistry.class)
			.find(MeshMeterNames.ATTEMPTS)
			.tags((outcome != null) ? new String[] { "outcome", outcome } : new String[0])
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static int port(ConfigurableApplicationContext provider) {
		return ServerPorts.of(provider);
	}

	private static int requests(ConfigurableApplicationContext provider) {
		return provider.getBean(RequestCounter.class).count.get();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(WhoAmIController.class)
	static class ProviderApplication {

		@Bean
		RequestCounter requestCounter() {
			return new RequestCounter();
		}

	}

	/**
	 * Counts every request that reached the provider's servlet container, before its
	 * security.
	 */
	@Order(Ordered.HIGHEST_PRECEDENCE)
	static class RequestCounter extends OncePerRequestFilter {

		final AtomicInteger count = new AtomicInteger();

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			if (request.getRequestURI().startsWith("/api/")) {
				this.count.incrementAndGet();
			}
			chain.doFilter(request, response);
		}

	}

	@RestController
	static class WhoAmIController {

		@GetMapping("/api/whoami")
		String whoami(HttpServletRequest request) {
			X509Certificate[] chain = (X509Certificate[]) request
				.getAttribute("jakarta.servlet.request.X509Certificate");
			String subject = (chain != null && chain.length > 0) ? chain[0].getSubjectX500Principal().getName()
					: "nobody";
			return subject + " over " + request.getScheme();
		}

	}

}
