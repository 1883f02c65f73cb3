package dev.mesh.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.testsupport.ServerPorts;
import dev.mesh.testsupport.TestAuthorizationServer;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Plays a caller that holds a valid mesh token but that the caller rules shut out,
 * against a real application (embedded Tomcat, Spring MVC, the starter's resource server)
 * and real tokens from a real authorization server, sending raw HTTP so that no client
 * library tidies the request first. Each test asserts what a service owner relies on: a
 * caller a rule denies never reaches the handler the rule guards, however the method or
 * path is spelled.
 * <p>
 * Rules: only {@code order} may GET (and so HEAD) {@code /api/stock/**}; only
 * {@code order} may call {@code /api/admin/reset} (any method); only {@code order} may
 * GET {@code /api/orders/{id}}. The attacker is {@code billing}, whose token for
 * {@code inventory} is valid.
 */
class CallerRulesAttackTests {

	private static final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();

	private static TestAuthorizationServer auth;

	private static ConfigurableApplicationContext inventory;

	private static String attacker;

	private static String allowed;

	@BeforeAll
	static void start() {
		auth = TestAuthorizationServer.start();
		inventory = new SpringApplicationBuilder(InventoryApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
					"spring.application.name=inventory", "spring.cloud.consul.enabled=false",
					"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + auth.issuer(),
					"mesh.security.rules[0].path=/api/stock/**", "mesh.security.rules[0].methods=GET",
					"mesh.security.rules[0].callers=order", "mesh.security.rules[1].path=/api/admin/reset",
					"mesh.security.rules[1].callers=order", "mesh.security.rules[2].path=/api/orders/{id}",
					"mesh.security.rules[2].methods=GET", "mesh.security.rules[2].callers=order")
			.run();
		attacker = auth.token("billing", "inventory.write");
		allowed = auth.token("order", "inventory.read inventory.write");
	}

	@AfterAll
	static void stop() {
		if (inventory != null) {
			inventory.close();
		}
		if (auth != null) {
			auth.close();
		}
	}

	@BeforeEach
	void resetCounts() {
		handled.clear();
	}

	@Test
	void shouldDenyHeadToACallerTheRuleDeniesGetBecauseSpringRunsTheGetHandlerForHead() {
		Response response = send("HEAD", "/api/stock/sku-1", attacker);
		assertThat(response.status()).isEqualTo(403);
		assertThat(handled("stock")).isZero();
	}

	@Test
	void shouldLetTheAllowedCallerHeadWhatItMayGet() {
		Response response = send("HEAD", "/api/stock/sku-1", allowed);
		assertThat(response.status()).isEqualTo(200);
		assertThat(handled("stock")).isEqualTo(1);
	}

	@Test
	void shouldDenyHeadOnATemplatedPathToACallerTheRuleDeniesGet() {
		assertThat(send("HEAD", "/api/orders/7", attacker).status()).isEqualTo(403);
		assertThat(send("GET", "/api/orders/7", attacker).status()).isEqualTo(403);
		assertThat(handled("order")).isZero();
	}

	@Test
	void shouldDenyOptionsToACallerTheFirstMatchingRuleDeniesWhateverMethodsItNames() {
		Response response = send("OPTIONS", "/api/stock/sku-1", attacker);
		assertThat(response.status()).isEqualTo(403);
		assertThat(response.header("Allow")).isNull();
		assertThat(handled("stock")).isZero();
	}

	@Test
	void shouldAnswerOptionsToTheAllowedCallerWithSpringsAllowListAndRunNoHandler() {
		Response response = send("OPTIONS", "/api/stock/sku-1", allowed);
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("Allow")).isEqualTo("GET,HEAD,OPTIONS");
		assertThat(response.body()).isEmpty();
		assertThat(handled("stock")).isZero();
	}

	@Test
	void shouldAnswerOptionsWithoutATokenWith401() {
		Response response = send("OPTIONS", "/api/stock/sku-1", null);
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("Allow")).isNull();
	}

	@Test
	void shouldNeverRunAHandlerForTrace() {
		// Spring Security 6's firewall refuses TRACE (400) before any rule or handler
		// sees it; on Security 7 it reaches the DispatcherServlet, which does not
		// dispatch TRACE (405)
		assertThat(send("TRACE", "/api/stock/sku-1", allowed).status()).isIn(400, 405);
		assertThat(send("TRACE", "/api/admin/reset", attacker).status()).isIn(400, 405);
		assertThat(handled("stock")).isZero();
		assertThat(handled("reset")).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "get", "Get", "hEAD", "PoSt" })
	void shouldNotReachAGuardedHandlerWithAMethodSpelledInAnotherCase(String method) {
		// Spring Security's firewall allows only the standard methods, spelled in
		// capitals
		assertThat(send(method, "/api/stock/sku-1", attacker).status()).isEqualTo(400);
		assertThat(send(method, "/api/admin/reset", attacker).status()).isEqualTo(400);
		assertThat(handled("stock")).isZero();
		assertThat(handled("reset")).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/admin/reset/", "/api/admin/reset;x=1", "/api/admin;x=1/reset",
			"/api/admin/reset;jsessionid=1", "/api/admin%2Freset", "/api/admin%2freset", "//api/admin/reset",
			"/api//admin/reset", "/api/admin//reset", "/API/admin/reset", "/api/ADMIN/reset", "/api/x/../admin/reset",
			"/api/./admin/reset", "/api/admin/./reset", "/api/x/%2e%2e/admin/reset", "/api/admin/res%65t",
			"/api/%61dmin/reset", "/api/admin/reset%3B", "/api/admin/reset.json", "/api/admin/reset%00",
			"/api/admin/reset/.", "/api/admin\\reset", "/api/admin%5Creset", "/api/admin/reset%20",
			"/api/admin/reset?x=/api/other", "/api/admin/reset#frag", "/./api/admin/reset", "/api/admin/reset%2F" })
	void shouldNeverLetADeniedCallerReachAGuardedHandlerThroughAPathSpelling(String path) {
		Response response = send("POST", path, attacker);
		assertThat(handled("reset")).as("handler reached with %s (status %s)", path, response.status()).isZero();
		assertThat(response.status()).as(path).isNotEqualTo(200);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/api/stock/sku-1/", "/api/stock/sku-1;x=1", "/api/stock;x=1/sku-1", "/api/stock%2Fsku-1",
			"//api/stock/sku-1", "/api/st%6Fck/sku-1", "/api/x/../stock/sku-1", "/api/stock/./sku-1",
			"/api/stock/sku-1%3B", "/API/stock/sku-1" })
	void shouldNeverLetADeniedCallerReadThroughAPathSpelling(String path) {
		for (String method : List.of("GET", "HEAD")) {
			Response response = send(method, path, attacker);
			assertThat(handled("stock")).as("%s %s reached the handler (status %s)", method, path, response.status())
				.isZero();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "/actuator/health/../../api/admin/reset", "/actuator/health/%2e%2e/%2e%2e/api/admin/reset",
			"/actuator/health/..;/..;/api/admin/reset", "/actuator/health;/../../api/admin/reset",
			"/actuator/info/../../api/admin/reset", "/actuator/health/%2E%2E%2F%2E%2E%2Fapi/admin/reset",
			"/actuator/health/..%2F..%2Fapi/admin/reset", "/actuator/health/..\\..\\api/admin/reset" })
	void shouldNeverLetAnAnonymousCallerReachAHandlerThroughAPublicPath(String path) {
		for (String method : List.of("GET", "POST")) {
			Response response = send(method, path, null);
			assertThat(handled("reset")).as("%s %s reached the handler (status %s)", method, path, response.status())
				.isZero();
			assertThat(response.status()).as(path).isNotEqualTo(200);
		}
	}

	@Test
	void shouldLetTheAllowedCallerReachTheGuardedHandlersSoTheDenialsAboveAreTheRules() {
		assertThat(send("POST", "/api/admin/reset", allowed).status()).isEqualTo(200);
		assertThat(send("GET", "/api/stock/sku-1", allowed).status()).isEqualTo(200);
		assertThat(send("GET", "/api/st%6Fck/sku-1", allowed).status()).isEqualTo(200);
		assertThat(send("GET", "/api/orders/7", allowed).status()).isEqualTo(200);
		assertThat(handled("reset")).isEqualTo(1);
		assertThat(handled("stock")).isEqualTo(2);
		assertThat(handled("order")).isEqualTo(1);
	}

	@Test
	void shouldNotEchoAHostilePathIntoTheProblemAsAnythingButAJsonString() {
		Response response = send("POST", "/api/admin/reset%22,%22status%22:200", attacker);
		assertThat(handled("reset")).isZero();
		if (response.status() == 403) {
			assertThat(response.body()).doesNotContain("\"status\":200").contains("\"status\":403");
		}
	}

	@Test
	void shouldRefuseATokenFromAnotherIssuerSignedWithTheSameKeysWhenOnlyAJwkSetAndTheIssuerAreConfigured() {
		try (ConfigurableApplicationContext service = startInventory(InventoryApplication.class,
				"spring.security.oauth2.resourceserver.jwt.jwk-set-uri=" + auth.jwkSetUri(),
				"mesh.security.issuer=" + auth.issuer())) {
			String foreign = auth.sign(auth.claims("order", "inventory").issuer("https://staging.example"));
			Response refused = send(service, "GET", "/api/stock/sku-1", foreign);
			assertThat(refused.status()).isEqualTo(401);
			assertThat(refused.header("WWW-Authenticate")).startsWith("Bearer error=\"invalid_token\"").contains("iss");
			assertThat(send(service, "GET", "/api/stock/sku-1", auth.sign(auth.claims("order", "inventory"))).status())
				.isEqualTo(200);
			assertThat(handled("stock")).isEqualTo(1);
		}
	}

	@Test
	void shouldRefuseATokenForAnotherAudienceOrIssuerWhenTheDecoderIsTheApplicationsOwn() {
		try (ConfigurableApplicationContext service = startInventory(UserDecoderApplication.class,
				"test.jwk-set-uri=" + auth.jwkSetUri(), "mesh.security.issuer=" + auth.issuer())) {
			Response otherAudience = send(service, "GET", "/api/stock/sku-1", auth.token("inventory", "order.read"));
			assertThat(otherAudience.status()).isEqualTo(401);
			assertThat(otherAudience.header("WWW-Authenticate"))
				.contains("The token's audience does not include 'inventory'");
			String foreign = auth.sign(auth.claims("order", "inventory").issuer("https://staging.example"));
			assertThat(send(service, "GET", "/api/stock/sku-1", foreign).status()).isEqualTo(401);
			assertThat(send(service, "GET", "/api/stock/sku-1", allowed).status()).isEqualTo(200);
			assertThat(handled("stock")).isEqualTo(1);
		}
	}

	@Test
	void shouldApplyARuleToTheHandlerItNamesWhenSpringMvcServesUnderAServletPath() {
		// spring.mvc.servlet.path moves every handler (actuator too) under /mvc; rules
		// and public paths are
		// written as the handler mappings read them, so /api/admin/reset must still guard
		// /mvc/api/admin/reset
		try (ConfigurableApplicationContext service = startInventory(InventoryApplication.class,
				"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + auth.issuer(), "spring.mvc.servlet.path=/mvc",
				"mesh.security.rules[0].path=/api/admin/reset", "mesh.security.rules[0].callers=order")) {
			Response response = send(service, "POST", "/mvc/api/admin/reset", attacker);
			assertThat(handled("reset")).as("handler reached (status %s)", response.status()).isZero();
			assertThat(response.status()).isEqualTo(403);
			assertThat(send(service, "POST", "/mvc/api/admin/reset", allowed).status()).isEqualTo(200);
			assertThat(handled("reset")).isEqualTo(1);
			// the public paths move with it: health is open at /mvc/actuator/health,
			// nothing else is
			assertThat(send(service, "GET", "/mvc/actuator/health", null).status()).isEqualTo(200);
			assertThat(send(service, "GET", "/mvc/api/stock/sku-1", null).status()).isEqualTo(401);
		}
	}

	@Test
	void shouldNotStartOpenWhenRulesOrAnIssuerAreConfiguredButNoKeysToCheckTokensWith() {
		// e.g. ISSUER_URI missing from one deployment's environment: the rules are never
		// applied and every
		// anonymous caller reaches every handler, with one warning in the log
		assertThatException()
			.isThrownBy(() -> startInventory(InventoryApplication.class, "mesh.security.issuer=" + auth.issuer(),
					"mesh.security.rules[0].path=/api/admin/reset", "mesh.security.rules[0].callers=order")
				.close())
			.withStackTraceContaining("mesh.security.rules");
		// the same with issuer-uri: ${AUTH_ISSUER:} and the variable missing (an empty
		// issuer-uri counts as none)
		assertThatException()
			.isThrownBy(() -> startInventory(InventoryApplication.class,
					"spring.security.oauth2.resourceserver.jwt.issuer-uri=", "mesh.security.issuer=" + auth.issuer())
				.close())
			.withStackTraceContaining("issuer");
		assertThat(handled("reset")).isZero();
	}

	private static ConfigurableApplicationContext startInventory(Class<?> application, String... properties) {
		List<String> all = new java.util.ArrayList<>(
				List.of("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
						"spring.application.name=inventory", "spring.cloud.consul.enabled=false"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(application).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
	}

	private static int handled(String handler) {
		AtomicInteger count = handled.get(handler);
		return (count != null) ? count.get() : 0;
	}

	private static Response send(String method, String target, String token) {
		return send(inventory, method, target, token);
	}

	/** Sends one request as raw HTTP/1.1 bytes, the target exactly as given. */
	private static Response send(ConfigurableApplicationContext service, String method, String target, String token) {
		int port = ServerPorts.of(service);
		StringBuilder request = new StringBuilder(method).append(' ')
			.append(target)
			.append(" HTTP/1.1\r\n")
			.append("Host: 127.0.0.1:")
			.append(port)
			.append("\r\n")
			.append("Connection: close\r\n");
		if (token != null) {
			request.append("Authorization: Bearer ").append(token).append("\r\n");
		}
		if ("POST".equalsIgnoreCase(method)) {
			request.append("Content-Length: 0\r\n");
		}
		request.append("\r\n");
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream received = new ByteArrayOutputStream();
			in.transferTo(received);
			return Response.parse(received.toString(StandardCharsets.ISO_8859_1));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Response(int status, Map<String, String> headers, String body) {

		static Response parse(String raw) {
			int end = raw.indexOf("\r\n\r\n");
			String head = (end >= 0) ? raw.substring(0, end) : raw;
			String body = (end >= 0) ? raw.substring(end + 4) : "";
			String[] lines = head.split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ")[1]);
			Map<String, String> headers = new ConcurrentHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers.put(lines[i].substring(0, colon).trim().toLowerCase(),
							lines[i].substring(colon + 1).trim());
				}
			}
			return new Response(status, headers, body);
		}

		String header(String name) {
			return this.headers.get(name.toLowerCase());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(InventoryController.class)
	static class InventoryApplication {

	}

	/** The same service with a decoder of its own, which checks signatures only. */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(InventoryController.class)
	static class UserDecoderApplication {

		@Bean
		JwtDecoder userDecoder(@Value("${test.jwk-set-uri}") String jwkSetUri) {
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwkSetUri).build();
			decoder.setJwtValidator((jwt) -> OAuth2TokenValidatorResult.success());
			return decoder;
		}

	}

	@RestController
	static class InventoryController {

		@GetMapping("/api/stock/{sku}")
		String stock(@PathVariable String sku) {
			return count("stock", "stock of " + sku);
		}

		@RequestMapping("/api/admin/reset")
		String reset(HttpServletRequest request) {
			return count("reset", "reset by " + request.getMethod());
		}

		@GetMapping("/api/orders/{id}")
		String order(@PathVariable String id) {
			return count("order", "order " + id);
		}

		private static String count(String handler, String answer) {
			handled.computeIfAbsent(handler, (key) -> new AtomicInteger()).incrementAndGet();
			return answer;
		}

	}

}
