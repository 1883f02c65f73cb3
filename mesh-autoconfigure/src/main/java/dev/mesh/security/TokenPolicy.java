package dev.mesh.security;

import java.time.Duration;
import java.util.List;

/**
 * Which client-credentials token a mesh client attaches to its calls.
 *
 * @param enabled {@code true}: a token is required (startup fails if the registration is missing);
 * {@code false}: no token; {@code null}: a token whenever OAuth2 client registrations are configured
 * @param registrationId the Spring Security client registration to use
 * @param scopes scopes to request for this target, or empty for the registration's own scopes
 * @param refreshBeforeExpiry how long before expiry a cached token is replaced
 */
public record TokenPolicy(Boolean enabled, String registrationId, List<String> scopes, Duration refreshBeforeExpiry) {

	/** The default client registration id. */
	public static final String DEFAULT_REGISTRATION_ID = "mesh";

	/** The built-in defaults. */
	public static final TokenPolicy DEFAULTS = new TokenPolicy(null, DEFAULT_REGISTRATION_ID, List.of(),
			Duration.ofSeconds(60));

}
