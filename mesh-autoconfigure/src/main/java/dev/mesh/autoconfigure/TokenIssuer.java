package dev.mesh.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The issuer ({@code iss}) the mesh requires of every token:
 * {@code mesh.security.issuer}, else Spring Boot's {@code issuer-uri}. With neither,
 * tokens would be checked for signature, expiry and audience only, so a token from any
 * issuer that signs with the same keys would pass: startup fails, naming the fix, unless
 * {@code mesh.security.require-issuer=false}, which accepts that with one warning.
 * <p>
 * Failing rather than warning, because keys are shared more often than it seems (staging
 * and production signed by one key, an identity provider's key set common to all its
 * tenants), a log line stops no foreign token, and the fix is one property.
 */
final class TokenIssuer {

	static final String ISSUER_URI = "spring.security.oauth2.resourceserver.jwt.issuer-uri";

	static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri";

	static final String PUBLIC_KEY_LOCATION = "spring.security.oauth2.resourceserver.jwt.public-key-location";

	private static final Log logger = LogFactory.getLog(TokenIssuer.class);

	private TokenIssuer() {
	}

	/**
	 * @param security the mesh's security properties
	 * @param environment the environment holding Spring Boot's resource-server properties
	 * @return the issuer every token must name, or {@code null} when none is required
	 * @throws IllegalStateException when there is no issuer and one is required
	 */
	static String of(MeshProperties.Security security, Environment environment) {
		String issuerUri = environment.getProperty(ISSUER_URI);
		if (StringUtils.hasText(security.getIssuer())) {
			if (StringUtils.hasText(issuerUri) && !issuerUri.equals(security.getIssuer())) {
				// Spring Boot checks iss against issuer-uri too, so no token could pass
				// both
				throw new IllegalStateException("mesh.security.issuer: " + security.getIssuer()
						+ " (expected: unset, or " + "the same as " + ISSUER_URI + " (" + issuerUri
						+ "), which Spring Boot checks too: no token can " + "name two issuers)");
			}
			return security.getIssuer();
		}
		if (StringUtils.hasText(issuerUri)) {
			return issuerUri;
		}
		if (security.isRequireIssuer()) {
			throw new IllegalStateException("mesh.security.issuer: none (" + problem(environment) + " Expected: "
					+ fix(environment)
					+ "; or, to accept tokens from any issuer that signs with these keys, mesh.security.require-issuer=false)");
		}
		logger.warn("mesh.security.require-issuer=false: " + problem(environment) + " To accept only your issuer's "
				+ "tokens set " + fix(environment) + ".");
		return null;
	}

	private static String problem(Environment environment) {
		String checkedWith = StringUtils.hasText(environment.getProperty(JWK_SET_URI)) ? JWK_SET_URI
				: StringUtils.hasText(environment.getProperty(PUBLIC_KEY_LOCATION)) ? PUBLIC_KEY_LOCATION : null;
		if (checkedWith != null) {
			return "tokens are checked with " + checkedWith + " but no issuer is set, so a token from any issuer that "
					+ "signs with these keys is accepted.";
		}
		return "tokens are checked by the application's own JwtDecoder and no issuer is set, so the mesh cannot tell "
				+ "whether a token from another issuer is refused.";
	}

	private static String fix(Environment environment) {
		if (StringUtils.hasText(environment.getProperty(JWK_SET_URI))) {
			return ISSUER_URI + " to the issuer of your tokens (Spring Boot then checks iss and still takes the keys "
					+ "from jwk-set-uri) or mesh.security.issuer to the exact iss of your tokens";
		}
		if (StringUtils.hasText(environment.getProperty(PUBLIC_KEY_LOCATION))) {
			// issuer-uri would make Spring Boot drop the public key and discover keys
			// from the issuer instead
			return "mesh.security.issuer to the exact iss of your tokens";
		}
		return "mesh.security.issuer to the exact iss of your tokens (the mesh then checks it on every token)";
	}

}
