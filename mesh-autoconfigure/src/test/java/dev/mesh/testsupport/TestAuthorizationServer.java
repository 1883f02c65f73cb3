package dev.mesh.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.NoOpPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A real Spring Authorization Server on 127.0.0.1 and a random port, shaped like
 * {@code mesh-sample-auth}: client-credentials only, {@code aud} derived from the scopes
 * ({@code inventory.write} → {@code inventory}), a {@code client_id} claim. Clients:
 * {@code order} (inventory.read, inventory.write, payments.write), {@code billing}
 * (inventory.write) and {@code inventory} (order.read); each secret is the client id +
 * {@code -secret}. Its issuer is its own URL. Its RSA signing key (one of the six
 * test-only keys in {@code jwk/test-signing-keys.json}) is exposed, so tests can mint
 * tokens that differ from real ones in exactly one claim. It counts the token requests it
 * serves.
 */
public final class TestAuthorizationServer implements AutoCloseable {

	/**
	 * Test-only RSA key pairs, checked in: generating a 2048-bit key took seconds on the
	 * tests' C1-only JVMs and most of the CPU time of the token tests. {@link #newKey}
	 * hands them out in turn, so a test that starts an authorization server and mints an
	 * impostor's token still gets two different keys.
	 */
	private static final KeyMaterial KEY_MATERIAL = new KeyMaterial("/jwk/test-signing-keys.json");

	private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

	private final Settings settings;

	private final ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private TestAuthorizationServer(Settings settings, ConfigurableApplicationContext context) {
		this.settings = settings;
		this.context = context;
	}

	/**
	 * @return a started server whose access tokens live five minutes
	 */
	public static TestAuthorizationServer start() {
		return start(Duration.ofMinutes(5));
	}

	/**
	 * @param tokenTtl lifetime of the access tokens it issues
	 * @return a started server
	 */
	public static TestAuthorizationServer start(Duration tokenTtl) {
		Settings settings = new Settings(newKey(UUID.randomUUID().toString()), tokenTtl, new AtomicInteger());
		ConfigurableApplicationContext context = new SpringApplicationBuilder(AuthorizationServerApplication.class)
			.web(WebApplicationType.SERVLET)
			.initializers((applicationContext) -> applicationContext.getBeanFactory()
				.registerSingleton("testAuthorizationServerSettings", settings))
			.properties("server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
					"spring.application.name=test-auth", "mesh.enabled=false", "spring.cloud.consul.enabled=false",
					"spring.cloud.discovery.enabled=false")
			.run();
		return new TestAuthorizationServer(settings, context);
	}

	/**
	 * @param keyId the key id
	 * @return a 2048-bit RSA key pair with that id, whose key material differs from that
	 * of the keys the previous five calls returned (the six test-only keys are handed out
	 * in turn)
	 */
	public static RSAKey newKey(String keyId) {
		return new RSAKey.Builder(KEY_MATERIAL.next()).keyID(keyId).build();
	}

	/**
	 * @return the URL of its JWK set, for {@code jwk-set-uri}
	 */
	public String jwkSetUri() {
		return issuer() + "/oauth2/jwks";
	}

	/**
	 * @return the issuer, which is also the base URL
	 */
	public String issuer() {
		return "http://127.0.0.1:" + ServerPorts.of(this.context);
	}

	/**
	 * @return its token endpoint
	 */
	public String tokenUri() {
		return issuer() + "/oauth2/token";
	}

	/**
	 * @return token requests served so far, successful or not
	 */
	public int tokenRequests() {
		return this.settings.tokenRequests().get();
	}

	/**
	 * @param tokenUri the token endpoint
	 * @return properties that make an application use the {@code order} client of this
	 * server (or of another endpoint at that URI) as registration {@code mesh}
	 */
	public static List<String> meshRegistration(String tokenUri) {
		return List.of("spring.security.oauth2.client.registration.mesh.client-id=order",
				"spring.security.oauth2.client.registration.mesh.client-secret=order-secret",
				"spring.security.oauth2.client.registration.mesh.authorization-grant-type=client_credentials",
				"spring.security.oauth2.client.registration.mesh.scope=inventory.read,inventory.write",
				"spring.security.oauth2.client.provider.mesh.token-uri=" + tokenUri);
	}

	/**
	 * @return the key pair the server signs tokens with
	 */
	public RSAKey signingKey() {
		return this.settings.signingKey();
	}

	/**
	 * Claims of a token this server would issue, valid for five minutes from now.
	 * @param clientId the caller ({@code sub} and {@code client_id})
	 * @param audience the {@code aud}
	 * @return claims to change one of and {@linkplain #sign(JWTClaimsSet.Builder) sign}
	 */
	public JWTClaimsSet.Builder claims(String clientId, String audience) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer())
			.subject(clientId)
			.audience(List.of(audience))
			.claim("client_id", clientId)
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(5))));
	}

	/**
	 * Signs claims with this server's own key, as its tokens are signed.
	 * @param claims the claims
	 * @return the serialized token
	 */
	public String sign(JWTClaimsSet.Builder claims) {
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey().getKeyID()).build(),
				claims.build());
		try {
			jwt.sign(new RSASSASigner(signingKey()));
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
		return jwt.serialize();
	}

	/**
	 * Requests a token with the client-credentials grant.
	 * @param clientId the client
	 * @param scope the space-separated scopes
	 * @return the access token
	 */
	public String token(String clientId, String scope) {
		String basic = Base64.getEncoder()
			.encodeToString((clientId + ":" + clientId + "-secret").getBytes(StandardCharsets.UTF_8));
		HttpRequest request = HttpRequest.newBuilder(URI.create(issuer() + "/oauth2/token"))
			.header("Authorization", "Basic " + basic)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString("grant_type=client_credentials&scope=" + scope.replace(" ", "%20")))
			.build();
		try {
			HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
			Matcher token = ACCESS_TOKEN.matcher(response.body());
			if (response.statusCode() != 200 || !token.find()) {
				throw new IllegalStateException(
						"token request failed: " + response.statusCode() + " " + response.body());
			}
			return token.group(1);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * What a started server is made with.
	 *
	 * @param signingKey the key pair it signs tokens with
	 * @param tokenTtl the lifetime of its access tokens
	 * @param tokenRequests the token requests it served
	 */
	record Settings(RSAKey signingKey, Duration tokenTtl, AtomicInteger tokenRequests) {
	}

	/** Checked-in key pairs, handed out in turn. */
	private static final class KeyMaterial {

		private final List<RSAKey> keys;

		private int next;

		KeyMaterial(String resource) {
			try (InputStream json = TestAuthorizationServer.class.getResourceAsStream(resource)) {
				this.keys = JWKSet.load(json).getKeys().stream().map(JWK::toRSAKey).toList();
			}
			catch (IOException | ParseException ex) {
				throw new IllegalStateException("Cannot read the test keys " + resource, ex);
			}
		}

		synchronized RSAKey next() {
			RSAKey key = this.keys.get(this.next);
			this.next = (this.next + 1) % this.keys.size();
			return key;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class AuthorizationServerApplication {

		/**
		 * Client secrets stay as registered ({@code {noop}}): Spring Authorization Server
		 * would otherwise re-encode them with BCrypt on first use and check every token
		 * request with BCrypt, which cost the token tests a tenth of their CPU time.
		 */
		@Bean
		PasswordEncoder clientSecretEncoder() {
			return new DelegatingPasswordEncoder("noop", Map.of("noop", NoOpPasswordEncoder.getInstance()));
		}

		@Bean
		JWKSource<SecurityContext> jwkSource(Settings settings) {
			return new ImmutableJWKSet<>(new JWKSet(settings.signingKey()));
		}

		@Bean
		RegisteredClientRepository registeredClientRepository(Settings settings) {
			Duration ttl = settings.tokenTtl();
			return new InMemoryRegisteredClientRepository(
					client("order", ttl, "inventory.read", "inventory.write", "payments.write"),
					client("billing", ttl, "inventory.write"), client("inventory", ttl, "order.read"));
		}

		/** Counts requests to the token endpoint, before security sees them. */
		@Bean
		FilterRegistrationBean<OncePerRequestFilter> tokenRequestCounter(Settings settings) {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {

						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							if (request.getRequestURI().equals("/oauth2/token")) {
								settings.tokenRequests().incrementAndGet();
							}
							chain.doFilter(request, response);
						}

					});
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

		private static RegisteredClient client(String clientId, Duration ttl, String... scopes) {
			return RegisteredClient.withId(UUID.randomUUID().toString())
				.clientId(clientId)
				.clientSecret("{noop}" + clientId + "-secret")
				.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scopes((granted) -> granted.addAll(List.of(scopes)))
				.tokenSettings(TokenSettings.builder()
					.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
					.accessTokenTimeToLive(ttl)
					.build())
				.build();
		}

		/** Mirrors mesh-sample-auth's ScopeAudienceTokenCustomizer. */
		@Bean
		OAuth2TokenCustomizer<JwtEncodingContext> scopeAudience() {
			return (context) -> {
				if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
					return;
				}
				Set<String> services = new TreeSet<>();
				context.getAuthorizedScopes()
					.stream()
					.filter((scope) -> scope.indexOf('.') > 0)
					.forEach((scope) -> services.add(scope.substring(0, scope.indexOf('.'))));
				context.getClaims().claims((claims) -> {
					claims.remove(JwtClaimNames.AUD);
					if (!services.isEmpty()) {
						claims.put(JwtClaimNames.AUD, new ArrayList<>(services));
					}
					claims.put("client_id", context.getRegisteredClient().getClientId());
				});
			};
		}

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http) throws Exception {
			AuthorizationServerEndpoints.apply(http)
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
			return http.build();
		}

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE + 1)
		SecurityFilterChain denyEverythingElse(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().denyAll()).build();
		}

	}

}
