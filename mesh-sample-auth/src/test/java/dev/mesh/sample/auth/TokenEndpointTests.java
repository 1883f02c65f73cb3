package dev.mesh.sample.auth;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The running server over real HTTP: client-credentials tokens for the configured
 * clients, their claims and signature (checked against the published JWK set), client and
 * scope errors, public health, the metadata document, and secrets kept only encoded. The
 * issuer and token lifetime are set to non-default values so each asserted value proves
 * it came from configuration.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
		"spring.security.oauth2.authorizationserver.issuer=" + TokenEndpointTests.ISSUER, "mesh-auth.token-ttl=2m" })
class TokenEndpointTests {

	static final String ISSUER = "http://auth.test:9000";

	private static final Duration TOKEN_TTL = Duration.ofMinutes(2);

	@LocalServerPort
	private int port;

	@Autowired
	private TestRestTemplate rest;

	@Autowired
	private RegisteredClientRepository clients;

	@Test
	void shouldIssueSignedJwtWhoseAudienceIsTheServiceOfTheGrantedScope() throws Exception {
		Instant requestedAt = Instant.now();
		ResponseEntity<Map> response = requestToken(basicAuth("order", "order-secret"),
				form("scope", "inventory.write"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("token_type", "Bearer").containsEntry("scope", "inventory.write");
		SignedJWT jwt = SignedJWT.parse((String) response.getBody().get("access_token"));
		assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
		JWKSet jwks = JWKSet.load(URI.create(url("/oauth2/jwks")).toURL(), 5000, 5000, 0);
		RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
		assertThat(key).isNotNull();
		assertThat(key.isPrivate()).isFalse();
		assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();

		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		assertThat(claims.getAudience()).containsExactly("inventory");
		assertThat(claims.getSubject()).isEqualTo("order");
		assertThat(claims.getStringClaim("client_id")).isEqualTo("order");
		assertThat(claims.getIssuer()).isEqualTo(ISSUER);
		assertThat(claims.getStringListClaim("scope")).containsExactly("inventory.write");
		Instant issuedAt = claims.getIssueTime().toInstant();
		Instant expiresAt = claims.getExpirationTime().toInstant();
		assertThat(Duration.between(issuedAt, expiresAt)).isEqualTo(TOKEN_TTL);
		assertThat(expiresAt).isCloseTo(requestedAt.plus(TOKEN_TTL), within(Duration.ofSeconds(10)));
		assertThat(response.getBody().get("expires_in")).isIn(119, 120);
	}

	@Test
	void shouldNameEachServiceOnceWhenSeveralScopesAreForIt() throws Exception {
		ResponseEntity<Map> response = requestToken(basicAuth("order", "order-secret"),
				form("scope", "inventory.read inventory.write"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(claimsOf(response).getAudience()).containsExactly("inventory");
	}

	@Test
	void shouldAcceptTheSecretInTheFormBody() throws Exception {
		MultiValueMap<String, String> form = form("scope", "order.read");
		form.add("client_id", "inventory");
		form.add("client_secret", "inventory-secret");

		ResponseEntity<Map> response = requestToken(new HttpHeaders(), form);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		JWTClaimsSet claims = claimsOf(response);
		assertThat(claims.getAudience()).containsExactly("order");
		assertThat(claims.getSubject()).isEqualTo("inventory");
		assertThat(claims.getStringClaim("client_id")).isEqualTo("inventory");
	}

	@Test
	void shouldLeaveOutTheAudienceWhenNoScopeIsRequested() throws Exception {
		ResponseEntity<Map> response = requestToken(basicAuth("order", "order-secret"), new LinkedMultiValueMap<>());

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		JWTClaimsSet claims = claimsOf(response);
		assertThat(claims.getClaims()).doesNotContainKey("aud");
		assertThat(claims.getStringClaim("client_id")).isEqualTo("order");
	}

	@Test
	void shouldRejectAWrongSecretWith401() {
		ResponseEntity<Map> response = requestToken(basicAuth("order", "not-the-secret"),
				form("scope", "inventory.write"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(response.getBody()).containsEntry("error", "invalid_client");
	}

	@Test
	void shouldRejectAnUnknownClientWith401() {
		ResponseEntity<Map> response = requestToken(basicAuth("stranger", "order-secret"),
				form("scope", "inventory.write"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void shouldRejectAScopeNotRegisteredForTheClientWith400InvalidScope() {
		ResponseEntity<Map> response = requestToken(basicAuth("order", "order-secret"), form("scope", "order.read"));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).containsEntry("error", "invalid_scope");
	}

	@Test
	void shouldServeHealthAndInfoWithoutAToken() {
		assertThat(this.rest.getForEntity("/actuator/health", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(this.rest.getForEntity("/actuator/health/readiness", Map.class).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		assertThat(this.rest.getForEntity("/actuator/info", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void shouldDenyEverythingElse() {
		assertThat(this.rest.getForEntity("/actuator", String.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(this.rest.getForEntity("/login", String.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(this.rest.getForEntity("/anything", String.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void shouldPublishTokenEndpointAndJwkSetInTheMetadataDocument() {
		ResponseEntity<Map> response = this.rest.getForEntity("/.well-known/oauth-authorization-server", Map.class);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("issuer", ISSUER)
			.containsEntry("token_endpoint", ISSUER + "/oauth2/token")
			.containsEntry("jwks_uri", ISSUER + "/oauth2/jwks");
		assertThat((List<String>) response.getBody().get("grant_types_supported")).contains("client_credentials");
		assertThat((List<String>) response.getBody().get("token_endpoint_auth_methods_supported"))
			.contains("client_secret_basic", "client_secret_post");
	}

	@Test
	void shouldKeepOnlyTheBcryptEncodedSecret() {
		RegisteredClient order = this.clients.findByClientId("order");

		assertThat(order.getClientSecret()).startsWith("{bcrypt}").doesNotContain("order-secret");
		assertThat(order.getAuthorizationGrantTypes()).containsExactly(AuthorizationGrantType.CLIENT_CREDENTIALS);
	}

	private ResponseEntity<Map> requestToken(HttpHeaders headers, MultiValueMap<String, String> form) {
		headers.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
		form.add("grant_type", "client_credentials");
		return this.rest.postForEntity("/oauth2/token", new HttpEntity<>(form, headers), Map.class);
	}

	private static JWTClaimsSet claimsOf(ResponseEntity<Map> response) throws Exception {
		return SignedJWT.parse((String) response.getBody().get("access_token")).getJWTClaimsSet();
	}

	private static HttpHeaders basicAuth(String clientId, String secret) {
		HttpHeaders headers = new HttpHeaders();
		headers.setBasicAuth(clientId, secret);
		return headers;
	}

	private static MultiValueMap<String, String> form(String name, String value) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add(name, value);
		return form;
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

}
