package dev.mesh.security;

import java.time.Duration;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * The pieces of the mesh's JWT resource server. The starter's {@code SecurityFilterChain} uses them; an
 * application that writes its own chain can use them too:
 * <pre class="code">
 * http.authorizeHttpRequests((requests) -&gt; requests.anyRequest().access(MeshResourceServer.callerRules(rules)))
 *     .oauth2ResourceServer((server) -&gt; server
 *         .jwt((jwt) -&gt; jwt.jwtAuthenticationConverter(MeshResourceServer.authenticationConverter())))
 *     .exceptionHandling((exceptions) -&gt; exceptions.accessDeniedHandler(MeshResourceServer.accessDeniedHandler()));
 * </pre>
 */
public final class MeshResourceServer {

	private MeshResourceServer() {
	}

	/**
	 * The checks a token must pass on top of its signature (and issuer, which Spring Boot's decoder checks
	 * when an issuer is configured).
	 * @param audience the audience the token's {@code aud} must contain
	 * @param clockSkew the tolerance when checking {@code exp} and {@code nbf}
	 * @return a validator of expiry and audience
	 */
	public static OAuth2TokenValidator<Jwt> tokenValidator(String audience, Duration clockSkew) {
		return new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(clockSkew), new AudienceValidator(audience));
	}

	/**
	 * @return a converter to an authentication whose name is the caller's client id and whose authorities
	 * are {@code SCOPE_<scope>}
	 */
	public static Converter<Jwt, AbstractAuthenticationToken> authenticationConverter() {
		return new MeshJwtAuthenticationConverter();
	}

	/**
	 * @param rules the rules in order; the first match decides
	 * @return an authorization manager that denies requests without a validated token and applies the rules
	 * to the others
	 */
	public static AuthorizationManager<RequestAuthorizationContext> callerRules(List<CallerRule> rules) {
		return new CallerRulesAuthorizationManager(rules);
	}

	/** @return a handler answering 403 with a problem body that names what the caller was missing */
	public static AccessDeniedHandler accessDeniedHandler() {
		return new ProblemAccessDeniedHandler();
	}

}
