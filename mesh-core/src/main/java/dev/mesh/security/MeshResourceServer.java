package dev.mesh.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The pieces of the mesh's JWT resource server. The starter's {@code SecurityFilterChain}
 * uses them; an application that writes its own chain can use them too:
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
	 * The checks a token must pass on top of its signature (and issuer, which Spring
	 * Boot's decoder checks when an issuer is configured).
	 * @param audience the audience the token's {@code aud} must contain
	 * @param clockSkew the tolerance when checking {@code exp} and {@code nbf}
	 * @return a validator of expiry and audience
	 */
	public static OAuth2TokenValidator<Jwt> tokenValidator(String audience, Duration clockSkew) {
		return tokenValidator(audience, null, clockSkew);
	}

	/**
	 * The checks a token must pass on top of its signature.
	 * @param audience the audience the token's {@code aud} must contain
	 * @param issuer the exact {@code iss} the token must name, or {@code null} to accept
	 * any issuer that signs with the decoder's keys
	 * @param clockSkew the tolerance when checking {@code exp} and {@code nbf}
	 * @return a validator of expiry, audience and (when given) issuer
	 */
	public static OAuth2TokenValidator<Jwt> tokenValidator(String audience, String issuer, Duration clockSkew) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		validators.add(new JwtTimestampValidator(clockSkew));
		if (issuer != null) {
			validators.add(new JwtIssuerValidator(issuer));
		}
		validators.add(new AudienceValidator(audience));
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	/**
	 * A decoder that runs {@code validator} on every token {@code decoder} accepts: use
	 * it when the {@link JwtDecoder} is your own, to which Spring Boot adds no
	 * validators.
	 * @param decoder the decoder that checks the signature
	 * @param validator the further checks, such as
	 * {@link #tokenValidator(String, String, Duration)}
	 * @return a decoder that refuses a token failing either
	 */
	public static JwtDecoder validatingDecoder(JwtDecoder decoder, OAuth2TokenValidator<Jwt> validator) {
		return new ValidatingJwtDecoder(decoder, validator);
	}

	/**
	 * @return a converter to an authentication whose name is the caller's client id and
	 * whose authorities are {@code SCOPE_<scope>}
	 */
	public static Converter<Jwt, AbstractAuthenticationToken> authenticationConverter() {
		return new MeshJwtAuthenticationConverter();
	}

	/**
	 * @param rules the rules in order; the first match decides
	 * @return an authorization manager that denies requests without a validated token and
	 * applies the rules to the others
	 */
	public static AuthorizationManager<RequestAuthorizationContext> callerRules(List<CallerRule> rules) {
		return callerRules(rules, PathPatternRequestMatcher.withDefaults());
	}

	/**
	 * @param rules the rules in order; the first match decides
	 * @param paths how rule paths become matchers; give it the
	 * {@code DispatcherServlet}'s path
	 * ({@code PathPatternRequestMatcher.withDefaults().basePath("/mvc")} for
	 * {@code spring.mvc.servlet.path=/mvc}) so that a rule names a path as the handler
	 * mappings read it
	 * @return an authorization manager that denies requests without a validated token and
	 * applies the rules to the others
	 */
	public static AuthorizationManager<RequestAuthorizationContext> callerRules(List<CallerRule> rules,
			PathPatternRequestMatcher.Builder paths) {
		return new CallerRulesAuthorizationManager(rules, paths);
	}

	/**
	 * @return a handler answering 403 with a problem body that names what the caller was
	 * missing
	 */
	public static AccessDeniedHandler accessDeniedHandler() {
		return new ProblemAccessDeniedHandler();
	}

}
