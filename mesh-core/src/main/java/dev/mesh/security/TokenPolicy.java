package dev.mesh.security;

import java.time.Duration;
import java.util.List;

/**
 * Which client-credentials token a mesh client attaches to its calls, and how it is
 * obtained.
 *
 * @param enabled {@code true}: a token is required (startup fails if the registration is
 * missing); {@code false}: no token; {@code null}: a token whenever OAuth2 client
 * registrations are configured
 * @param registrationId the Spring Security client registration to use
 * @param scopes scopes to request for this target, or empty for the registration's own
 * scopes
 * @param refreshBeforeExpiry how long before expiry a cached token is replaced, at most
 * half its lifetime
 * @param connectTimeout how long a token request may take to connect to the token
 * endpoint
 * @param readTimeout how long a token request may wait for the token endpoint's whole
 * answer once sent
 * @param invalidTokenRefetchInterval how old a token must be before a server's
 * {@code invalid_token} answer replaces it (so a token is fetched at most once per this
 * interval because of such answers)
 */
public record TokenPolicy(Boolean enabled, String registrationId, List<String> scopes, Duration refreshBeforeExpiry,
		Duration connectTimeout, Duration readTimeout, Duration invalidTokenRefetchInterval) {

	/** The default client registration id. */
	public static final String DEFAULT_REGISTRATION_ID = "mesh";

	/** The built-in defaults. */
	public static final TokenPolicy DEFAULTS = new TokenPolicy(null, DEFAULT_REGISTRATION_ID, List.of(),
			Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

}
