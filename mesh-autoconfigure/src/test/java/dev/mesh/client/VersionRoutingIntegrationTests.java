package dev.mesh.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.TestServer;
import dev.mesh.testsupport.TestServer.Behaviour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.core.env.MapPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Version routing on real servers over loopback: {@code mesh.clients.inventory.versions}
 * splits calls between the versions the instances publish, a version without instances
 * falls back to all, a failing canary fails over to the stable version, the split follows
 * a configuration change, and a {@code Mesh-Route-Version} pin (set on a call, or sent by
 * a trusted caller of a mesh member) takes a request to one version and travels on.
 * Instances: {@code a} and {@code b} publish version 1.4, {@code c} 1.5, {@code d} none.
 */
class VersionRoutingIntegrationTests {

	private static final String INSTANCES = "spring.cloud.discovery.client.simple.instances.inventory";

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void shouldSplitCallsBetweenVersionsByShare() {
		start("mesh.clients.inventory.versions.1.4=50", "mesh.clients.inventory.versions.1.5=50");
		Map<String, Integer> servedBy = calls(400, null);
		// binomial(400, 1/2): 200 ± 10; the bounds are eight deviations wide
		assertThat(servedBy.get("c")).as("the 1.5 canary's half").isBetween(120, 280);
		assertThat(servedBy.getOrDefault("a", 0) + servedBy.getOrDefault("b", 0)).isEqualTo(400 - servedBy.get("c"));
		assertThat(servedBy).as("no version listed, no call").doesNotContainKey("d");
	}

	@Test
	void shouldFailOverFromAFailingCanaryToAnotherVersion() {
		TestServer[] servers = start("mesh.clients.inventory.versions.1.5=1",
				"mesh.clients.inventory.retry.backoff.initial=1ms", "mesh.clients.inventory.retry.budget.ratio=1",
				"mesh.clients.inventory.outlier.consecutive-failures=100");
		servers[2].behave(Behaviour.status(503));
		Map<String, Integer> servedBy = calls(10, null);
		assertThat(servedBy.keySet()).doesNotContain("c").isNotEmpty();
		assertThat(servedBy.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
		assertThat(servers[2].requests()).as("each call tried the canary first").isEqualTo(10);
	}

	/**
	 * One client through three splits, each a configuration change applied without a
	 * restart: a version with share 0 gets nothing, the only version with a share gets
	 * everything, and a drawn version with no instance sends the call to any instance.
	 */
	@Test
	void shouldMoveTheSplitWhenTheConfigurationChangesWithoutARestart() {
		start("mesh.clients.inventory.versions.1.4=1", "mesh.clients.inventory.versions.1.5=0");
		assertThat(calls(10, null)).doesNotContainKeys("c", "d");
		change(Map.of("mesh.clients.inventory.versions.1.4", "0", "mesh.clients.inventory.versions.1.5", "100"));
		assertThat(calls(30, null)).containsExactly(Map.entry("c", 30));
		change(Map.of("mesh.clients.inventory.versions.1.4", "0", "mesh.clients.inventory.versions.1.5", "0",
				"mesh.clients.inventory.versions.2.0", "1"));
		assertThat(calls(40, null).keySet()).as("version 2.0 has no instance: any will do")
			.containsExactlyInAnyOrder("a", "b", "c", "d");
	}

	private void change(Map<String, Object> properties) {
		ConfigurableApplicationContext context = this.mesh.context();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("changed-" + properties.size(), properties));
		context.publishEvent(new EnvironmentChangeEvent(context, properties.keySet()));
	}

	@Test
	void shouldTakeACallToThePinnedVersionAndTheServiceItsOwnPinNames() {
		start("mesh.clients.inventory.versions.1.4=1");
		assertThat(calls(10, "1.5")).containsExactly(Map.entry("c", 10));
		assertThat(calls(10, "billing=1.5, inventory=1.5")).containsExactly(Map.entry("c", 10));
		assertThat(calls(10, "1.5, inventory=1.4")).doesNotContainKeys("c", "d");
		// a pin for another service only: the split decides
		assertThat(calls(10, "billing=1.5")).doesNotContainKeys("c", "d");
	}

	@Test
	void shouldReadTheApiVersionMetadataOfSpringCloudLoadBalancerWhenNoVersionIsPublished() {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		this.mesh.start(List.of(a, b), INSTANCES + "[1].metadata.API_VERSION=2");
		assertThat(calls(10, "2")).containsExactly(Map.entry("b", 10));
	}

	@Test
	void shouldRefuseAMalformedPinOnACallNamingTheHeaderWithoutSendingIt() {
		TestServer[] servers = start();
		for (String bad : List.of("", "1.5, 1.6", "1.5;rm", "inventory=", "a=1,a=2", "x".repeat(2000),
				"1.5,".repeat(20))) {
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> this.mesh.inventory()
					.get()
					.uri("/api/stock/1")
					.header("Mesh-Route-Version", bad)
					.retrieve()
					.body(String.class))
				.withMessageContaining("Mesh-Route-Version");
		}
		for (TestServer server : servers) {
			assertThat(server.requests()).isZero();
		}
	}

	@Test
	void shouldHonourAndPassOnThePinOfACallerWhenAnyCallerIsTrusted() throws Exception {
		TestServer[] servers = startMiddle("mesh.routing.version-pin=any");
		for (int i = 0; i < 5; i++) {
			HttpResponse<String> response = get("/stock", "inventory=1.5");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("stock from c");
		}
		assertThat(servers[2].lastHeaders()).containsEntry("mesh-route-version", "inventory=1.5");
		HttpResponse<String> unpinned = get("/stock", null);
		assertThat(unpinned.statusCode()).isEqualTo(200);
		assertThat(servers[0].lastHeaders().keySet()).doesNotContain("mesh-route-version");
		HttpResponse<String> bad = get("/stock", "1.5;x");
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.body()).contains("Mesh-Route-Version");
	}

	@Test
	void shouldIgnoreAndNotPassOnThePinOfAnUnauthenticatedCallerByDefault() throws Exception {
		TestServer[] servers = startMiddle("mesh.clients.inventory.versions.1.4=1");
		for (int i = 0; i < 10; i++) {
			HttpResponse<String> response = get("/stock", "1.5");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isIn("stock from a", "stock from b");
		}
		// a malformed pin from an untrusted caller is ignored too: it is not theirs to
		// set
		assertThat(get("/stock", "1.5 1.6").statusCode()).isEqualTo(200);
		assertThat(servers[2].requests()).isZero();
		assertThat(servers[0].lastHeaders().keySet()).doesNotContain("mesh-route-version");
	}

	@Test
	void shouldNotTakeAPinFromAnEndUserTheApplicationsOwnSecurityLoggedIn() throws Exception {
		TestServer[] servers = startWith(Consumer.of(EdgeWithLogin.class).servlet(), "mesh.security.enabled=false",
				"mesh.clients.inventory.versions.1.4=1");
		String basic = "Basic " + Base64.getEncoder().encodeToString("shopper:pw".getBytes(StandardCharsets.UTF_8));
		for (int i = 0; i < 5; i++) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.mesh.port() + "/stock"))
				.header("Authorization", basic)
				.header("Mesh-Route-Version", "1.5")
				.build();
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isIn("stock from a", "stock from b");
		}
		assertThat(servers[2].requests()).isZero();
	}

	@Test
	void shouldRefuseVersionsUnderTheClientDefaultsOnARefreshToo() {
		start();
		assertThat(calls(8, null).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
		ConfigurableApplicationContext context = this.mesh.context();
		context.getEnvironment()
			.getPropertySources()
			.addFirst(new MapPropertySource("changed", Map.of("mesh.client-defaults.versions.1.5", "1")));
		context.publishEvent(new EnvironmentChangeEvent(context, Set.of("mesh.client-defaults.versions.1.5")));
		assertThat(calls(8, null).keySet()).containsExactlyInAnyOrder("a", "b", "c", "d");
	}

	private TestServer[] start(String... properties) {
		return startWith(null, properties);
	}

	private TestServer[] startMiddle(String... properties) {
		return startWith(Consumer.of(Middle.class).servlet(), properties);
	}

	private TestServer[] startWith(Consumer consumer, String... properties) {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		TestServer c = this.mesh.server("c");
		TestServer d = this.mesh.server("d");
		List<String> all = new ArrayList<>(
				List.of(INSTANCES + "[0].metadata.version=1.4", INSTANCES + "[1].metadata.version=1.4",
						INSTANCES + "[2].metadata.version=1.5", "mesh.clients.inventory.load-balancer=round-robin"));
		all.addAll(List.of(properties));
		String[] values = all.toArray(String[]::new);
		if (consumer != null) {
			this.mesh.start(consumer, List.of(a, b, c, d), values);
		}
		else {
			this.mesh.start(List.of(a, b, c, d), values);
		}
		return new TestServer[] { a, b, c, d };
	}

	private Map<String, Integer> calls(int count, String pin) {
		RestClient inventory = this.mesh.inventory();
		Map<String, Integer> servedBy = new HashMap<>();
		for (int i = 0; i < count; i++) {
			RestClient.RequestHeadersSpec<?> call = inventory.get().uri("/api/stock/1");
			if (pin != null) {
				call = call.header("Mesh-Route-Version", pin);
			}
			servedBy.merge(call.retrieve().body(String.class), 1, Integer::sum);
		}
		return servedBy;
	}

	private HttpResponse<String> get(String path, String pin) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.mesh.port() + path));
		if (pin != null) {
			request.header("Mesh-Route-Version", pin);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * An edge service with its own login (HTTP Basic, one user) instead of the mesh's
	 * token checks.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(Middle.class)
	static class EdgeWithLogin {

		@Bean
		SecurityFilterChain login(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("shopper").password("{noop}pw").roles("USER").build());
		}

	}

	/** A mesh member whose {@code /stock} calls {@code inventory}. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@RestController
	static class Middle {

		private final RestClient inventory;

		Middle(@MeshClient("inventory") RestClient inventory) {
			this.inventory = inventory;
		}

		@Bean
		@MeshClient("inventory")
		static RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

		@GetMapping("/stock")
		String stock() {
			return "stock from " + this.inventory.get().uri("/api/stock/1").retrieve().body(String.class);
		}

	}

}
