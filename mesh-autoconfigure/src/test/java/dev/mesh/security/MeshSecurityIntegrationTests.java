package dev.mesh.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.mesh.routing.VersionPin;
import dev.mesh.testsupport.ServerPorts;
import dev.mesh.testsupport.TestAuthorizationServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real resource server ("inventory") with the mesh starter's security, called over real
 * HTTP with tokens from a real in-process authorization server. Rules: only {@code order}
 * may POST /api/reservations, with scope {@code inventory.write}; GET /api/stock/** needs
 * {@code inventory.read}; anything else needs just a valid token.
 * <p>
 * Expired, wrong-issuer and otherwise-valid tokens are minted here with the authorization
 * server's own signing key (the test server takes its key from the test): each such token
 * is a real, correctly signed token that differs from an accepted one in exactly one
 * claim, so its 401 proves that claim is checked.
 * {@link #shouldAcceptATokenMintedHereWithTheServersKeyAndRightClaims()} is the control
 * proving the minting itself is faithful. Waiting for a short-lived real token to expire
 * would test the same thing, slower.
 */
class MeshSecurityIntegrationTests {

	private static TestAuthorizationServer auth;

	private static ConfigurableApplicationContext inventory;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		auth = TestAuthorizationServer.start();
		inventory = new SpringApplicationBuilder(InventoryApplication.class).web(WebApplicationType.SERVLET)
			.properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
					"spring.application.name=inventory", "spring.cloud.consul.enabled=false",
					"spring.security.oauth2.resourceserver.jwt.issuer-uri=" + auth.issuer(),
					"mesh.security.rules[0].path=/api/reservations/**", "mesh.security.rules[0].methods=POST",
					"mesh.security.rules[0].callers=order", "mesh.security.rules[0].scopes=inventory.write",
					"mesh.security.rules[1].path=/api/stock/**", "mesh.security.rules[1].scopes=inventory.read",
					"mesh.security.public-paths=/actuator/health/**,/actuator/info,/public/**")
			.run();
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

	@Test
	void shouldLetTheRightCallerWithTheRightScopeIn() {
		HttpResponse<String> response = call("POST", "/api/reservations", auth.token("order", "inventory.write"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("reserved for order");
	}

	@Test
	void shouldGiveControllersTheCallerAndNameTheAuthenticationAfterTheClientId() {
		HttpResponse<String> response = call("GET", "/api/whoami",
				auth.token("order", "inventory.read inventory.write"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("caller=order scopes=[inventory.read, inventory.write] name=order "
				+ "authorities=[SCOPE_inventory.read, SCOPE_inventory.write]");
	}

	@Test
	void shouldHonourTheVersionPinOfAnAuthenticatedCallerOnly() {
		String token = auth.token("order", "inventory.read");
		HttpResponse<String> pinned = call("GET", "/api/pin", token, "inventory=1.5");
		assertThat(pinned.statusCode()).isEqualTo(200);
		assertThat(pinned.body()).isEqualTo("inventory=1.5");
		HttpResponse<String> anonymous = call("GET", "/public/pin", null, "inventory=1.5");
		assertThat(anonymous.statusCode()).isEqualTo(200);
		assertThat(anonymous.body()).as("no token, no pin").isEqualTo("none");
		HttpResponse<String> malformed = call("GET", "/api/pin", token, "inventory=1.5;x");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(malformed.body()).contains("Mesh-Route-Version");
		assertThat(call("GET", "/public/pin", null, "inventory=1.5;x").statusCode()).isEqualTo(200);
	}

	@Test
	void shouldAnswer401WithABearerChallengeWithoutAToken() {
		HttpResponse<String> response = call("GET", "/api/stock/sku-1", null);
		assertThat(response.statusCode()).isEqualTo(401);
		// Spring Security 7 adds the protected resource's metadata (RFC 9728)
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValueSatisfying((challenge) -> assertThat(challenge).matches("Bearer( resource_metadata=\"[^\"]+\")?"));
	}

	@Test
	void shouldAnswer401InvalidTokenToAMalformedToken() {
		assertInvalidToken(call("GET", "/api/stock/sku-1", "not-a-jwt"));
	}

	@Test
	void shouldAnswer401ToATokenSignedWithAnotherKeyUnderTheSameKeyId() {
		RSAKey impostor = TestAuthorizationServer.newKey(auth.signingKey().getKeyID());
		assertInvalidToken(call("GET", "/api/stock/sku-1", sign(impostor, claims())));
	}

	@Test
	void shouldAnswer401ToAnUnsignedTokenWithAlgNone() {
		String unsigned = new PlainJWT(claims().build()).serialize();
		assertThat(unsigned).endsWith(".");
		assertInvalidToken(call("GET", "/api/stock/sku-1", unsigned));
	}

	@Test
	void shouldAcceptATokenMintedHereWithTheServersKeyAndRightClaims() {
		HttpResponse<String> response = call("GET", "/api/stock/sku-1", sign(auth.signingKey(), claims()));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("stock of sku-1");
	}

	@Test
	void shouldAnswer401ToAnExpiredTokenBeyondTheClockSkew() {
		Instant expired = Instant.now().minusSeconds(60);
		JWTClaimsSet.Builder claims = claims().issueTime(Date.from(expired.minusSeconds(300)))
			.expirationTime(Date.from(expired));
		assertInvalidToken(call("GET", "/api/stock/sku-1", sign(auth.signingKey(), claims)));
	}

	@Test
	void shouldAcceptATokenExpiredWithinTheDefaultClockSkewOf30Seconds() {
		Instant expired = Instant.now().minusSeconds(10);
		JWTClaimsSet.Builder claims = claims().issueTime(Date.from(expired.minusSeconds(300)))
			.expirationTime(Date.from(expired));
		assertThat(call("GET", "/api/stock/sku-1", sign(auth.signingKey(), claims)).statusCode()).isEqualTo(200);
	}

	@Test
	void shouldAnswer401ToATokenFromAnotherIssuer() {
		assertInvalidToken(
				call("GET", "/api/stock/sku-1", sign(auth.signingKey(), claims().issuer("http://127.0.0.1:1"))));
	}

	@Test
	void shouldAnswer401ToATokenForAnotherService() {
		HttpResponse<String> response = call("GET", "/api/whoami", auth.token("inventory", "order.read"));
		assertInvalidToken(response);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
			.contains("The token's audience does not include 'inventory'");
	}

	@Test
	void shouldAnswer403WithAProblemNamingTheMissingScope() {
		String token = auth.token("order", "inventory.read");
		HttpResponse<String> response = call("POST", "/api/reservations", token);
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.headers().firstValue("WWW-Authenticate"))
			.hasValue("Bearer error=\"insufficient_scope\", scope=\"inventory.write\"");
		assertThat(response.body()).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
				+ "\"detail\":\"missing scope inventory.write to POST /api/reservations\",\"instance\":\"/api/reservations\"}");
		assertThat(response.body()).doesNotContain(token);
	}

	@Test
	void shouldAnswer403WithAProblemNamingACallerTheRuleDoesNotAllow() {
		HttpResponse<String> response = call("POST", "/api/reservations", auth.token("billing", "inventory.write"));
		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(response.body())
			.contains("\"detail\":\"caller 'billing' is not allowed to POST /api/reservations (allowed: order)\"");
	}

	@Test
	void shouldLetAnyValidTokenThroughWhereNoRuleMatches() {
		HttpResponse<String> response = call("GET", "/api/reservations", auth.token("billing", "inventory.write"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("reservations seen by billing");
	}

	@Test
	void shouldServeHealthWithoutAToken() {
		HttpResponse<String> response = call("GET", "/actuator/health", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("UP");
	}

	@Test
	void shouldKeepNoSession() {
		HttpResponse<String> response = call("POST", "/api/reservations", auth.token("order", "inventory.write"));
		assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
	}

	private static void assertInvalidToken(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(401);
		assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
			.startsWith("Bearer error=\"invalid_token\"");
	}

	/** Claims of a token the inventory service would accept from order. */
	private static JWTClaimsSet.Builder claims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(auth.issuer())
			.subject("order")
			.audience(List.of("inventory"))
			.claim("client_id", "order")
			.claim("scope", List.of("inventory.read"))
			.issueTime(java.util.Date.from(now))
			.notBeforeTime(java.util.Date.from(now))
			.expirationTime(java.util.Date.from(now.plus(Duration.ofMinutes(5))));
	}

	private static String sign(RSAKey key, JWTClaimsSet.Builder claims) {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
				claims.build());
		try {
			jwt.sign(new RSASSASigner(key));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	private HttpResponse<String> call(String method, String path, String token) {
		return call(method, path, token, null);
	}

	private HttpResponse<String> call(String method, String path, String token, String pin) {
		int port = ServerPorts.of(inventory);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (pin != null) {
			request.header(VersionPin.HEADER, pin);
		}
		if (token != null) {
			request.header("Authorization", "Bearer " + token);
		}
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(InventoryController.class)
	static class InventoryApplication {

	}

	@RestController
	static class InventoryController {

		@PostMapping("/api/reservations")
		String reserve(MeshCaller caller) {
			return "reserved for " + caller.clientId();
		}

		@GetMapping("/api/reservations")
		String reservations(MeshCaller caller) {
			return "reservations seen by " + caller.clientId();
		}

		@GetMapping("/api/stock/{sku}")
		String stock(@PathVariable String sku) {
			return "stock of " + sku;
		}

		@GetMapping({ "/api/pin", "/public/pin" })
		String pin() {
			VersionPin pin = VersionPin.current();
			return (pin != null) ? pin.value() : "none";
		}

		@GetMapping("/api/whoami")
		String whoami(MeshCaller caller, Authentication authentication) {
			return "caller=" + caller.clientId() + " scopes=" + caller.scopes() + " name=" + authentication.getName()
					+ " authorities=" + authentication.getAuthorities();
		}

	}

}
