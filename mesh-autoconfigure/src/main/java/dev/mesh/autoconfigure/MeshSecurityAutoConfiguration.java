package dev.mesh.autoconfigure;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.mesh.security.CallerRule;
import dev.mesh.security.MeshCallerArgumentResolver;
import dev.mesh.security.MeshResourceServer;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.util.StringUtils;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration for the server side of mesh security: a stateless JWT resource
 * server with caller rules when an issuer, JWK set or public key is configured, and an
 * open chain (with one warning) when none is. It runs before Spring Boot's
 * resource-server and security auto-configurations so that neither Boot's default chain
 * (form login) nor its JWT chain is created; a {@code SecurityFilterChain} of the
 * application's own makes it back off. Token signatures are checked by the
 * {@link JwtDecoder} (Spring Boot's, or the application's own); this configuration's
 * validator checks expiry, audience and issuer, and startup fails when no issuer is known
 * (see {@link TokenIssuer}).
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration",
		"org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration",
		// the same on Boot 4
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, HttpSecurity.class, BearerTokenAuthenticationFilter.class,
		JwtDecoder.class })
@ConditionalOnMeshEnabled
@ConditionalOnProperty(name = MeshSecurityAutoConfiguration.ENABLED_PROPERTY, havingValue = "true",
		matchIfMissing = true)
@Import(MeshPropertiesConfiguration.class)
public class MeshSecurityAutoConfiguration {

	/**
	 * The property that switches the starter's security off (Spring Boot's defaults then
	 * apply).
	 */
	public static final String ENABLED_PROPERTY = "mesh.security.enabled";

	private static final String JWT_PREFIX = "spring.security.oauth2.resourceserver.jwt.";

	private static final Log logger = LogFactory.getLog(MeshSecurityAutoConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@Conditional(TokensConfigured.class)
	static class TokenSecurityConfiguration {

		/**
		 * Picked up by Spring Boot's {@code JwtDecoder}, which adds every
		 * {@code OAuth2TokenValidator<Jwt>} bean. Checks the issuer itself too: Spring
		 * Boot's decoders for {@code jwk-set-uri} alone and for
		 * {@code public-key-location} check none, and the application's own decoder is
		 * not ours to know.
		 */
		@Bean
		@ConditionalOnMissingBean(name = "meshJwtValidator")
		OAuth2TokenValidator<Jwt> meshJwtValidator(MeshProperties properties, Environment environment) {
			MeshProperties.Security security = properties.getSecurity();
			return MeshResourceServer.tokenValidator(audience(security, environment),
					TokenIssuer.of(security, environment), security.getClockSkew());
		}

		@Bean
		@ConditionalOnMissingBean(SecurityFilterChain.class)
		SecurityFilterChain meshSecurityFilterChain(HttpSecurity http, MeshProperties properties,
				ObjectProvider<JwtDecoder> decoder, @Qualifier("meshJwtValidator") OAuth2TokenValidator<Jwt> validator,
				BeanFactory beanFactory) throws Exception {
			MeshProperties.Security security = properties.getSecurity();
			PathPatternRequestMatcher.Builder paths = paths(DispatcherServletPrefix.of(beanFactory));
			http.authorizeHttpRequests((requests) -> {
				// An error dispatch only follows a request that was already let through.
				requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
				security.getPublicPaths().forEach((path) -> requests.requestMatchers(paths.matcher(path)).permitAll());
				requests.anyRequest().access(MeshResourceServer.callerRules(rules(security), paths));
			});
			// Spring Boot adds the validator to the decoders it builds but not to an
			// application's own, which
			// would then accept a token for any audience; running the checks again after
			// Boot's decoder costs
			// microseconds and saves telling the two apart
			http.oauth2ResourceServer((server) -> server
				.jwt((jwt) -> jwt.decoder(MeshResourceServer.validatingDecoder(decoder.getObject(), validator))
					.jwtAuthenticationConverter(MeshResourceServer.authenticationConverter()))
				.accessDeniedHandler(MeshResourceServer.accessDeniedHandler()));
			http.exceptionHandling(
					(exceptions) -> exceptions.accessDeniedHandler(MeshResourceServer.accessDeniedHandler()));
			stateless(http);
			return http.build();
		}

		/**
		 * Path matchers relative to the {@code DispatcherServlet}'s path, as Spring MVC's
		 * handler mappings (and Spring Security's own {@code requestMatchers(String)})
		 * read paths: with {@code spring.mvc.servlet.path=/mvc} a rule for
		 * {@code /api/admin/**} guards the handler mapped to {@code /api/admin/**}, which
		 * is served at {@code /mvc/api/admin/**}.
		 */
		private static PathPatternRequestMatcher.Builder paths(String prefix) {
			return StringUtils.hasLength(prefix) ? PathPatternRequestMatcher.withDefaults().basePath(prefix)
					: PathPatternRequestMatcher.withDefaults();
		}

		private static String audience(MeshProperties.Security security, Environment environment) {
			String audience = StringUtils.hasText(security.getAudience()) ? security.getAudience()
					: environment.getProperty("spring.application.name");
			if (!StringUtils.hasText(audience)) {
				throw new IllegalStateException(
						"mesh.security.audience: none (expected: the audience (aud) this service "
								+ "accepts; set mesh.security.audience or spring.application.name)");
			}
			return audience;
		}

		private static List<CallerRule> rules(MeshProperties.Security security) {
			return security.getRules()
				.stream()
				.map((rule) -> new CallerRule(rule.getPath(), methods(rule.getMethods()),
						new LinkedHashSet<>(rule.getCallers()), new LinkedHashSet<>(rule.getScopes())))
				.toList();
		}

		private static Set<HttpMethod> methods(List<String> names) {
			Set<HttpMethod> methods = new LinkedHashSet<>();
			names.forEach((name) -> methods.add(SecurityPropertiesValidator.method(name)));
			return methods;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoTokensConfigured.class)
	static class OpenConfiguration {

		@Bean
		@ConditionalOnMissingBean(SecurityFilterChain.class)
		SecurityFilterChain meshOpenSecurityFilterChain(HttpSecurity http, MeshProperties properties) throws Exception {
			refuseToOpenWhatIsMeantToBeGuarded(properties.getSecurity());
			logger.warn("This service accepts unauthenticated calls: no token issuer is configured. To require a valid "
					+ "token from every caller set spring.security.oauth2.resourceserver.jwt.issuer-uri (or jwk-set-uri); "
					+ "to configure Spring Security yourself set " + ENABLED_PROPERTY + "=false.");
			http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll());
			stateless(http);
			return http.build();
		}

	}

	/**
	 * Rules or an issuer with no way to check a token mean the service was meant to be
	 * guarded and a key setting is missing (an unset {@code ISSUER_URI} in one
	 * deployment, say): starting open would let every anonymous caller reach every path
	 * the rules guard, with one warning in a log, so startup fails instead.
	 */
	static void refuseToOpenWhatIsMeantToBeGuarded(MeshProperties.Security security) {
		String configured = null;
		if (!security.getRules().isEmpty()) {
			configured = "mesh.security.rules (" + security.getRules().size() + " rule(s), the first for '"
					+ security.getRules().get(0).getPath() + "')";
		}
		else if (StringUtils.hasText(security.getIssuer())) {
			configured = "mesh.security.issuer (" + security.getIssuer() + ")";
		}
		if (configured != null) {
			throw new IllegalStateException("This service would accept unauthenticated calls although " + configured
					+ " is set: no token issuer, JWK set or public key is configured to check tokens with. Set "
					+ "spring.security.oauth2.resourceserver.jwt.issuer-uri (or jwk-set-uri or public-key-location); "
					+ "or, to run open on purpose, remove the mesh.security.rules and mesh.security.issuer settings.");
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebMvcConfigurer.class)
	static class CallerArgumentConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "meshCallerWebMvcConfigurer")
		WebMvcConfigurer meshCallerWebMvcConfigurer() {
			return new WebMvcConfigurer() {

				@Override
				public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
					resolvers.add(new MeshCallerArgumentResolver());
				}

			};
		}

	}

	private static void stateless(HttpSecurity http) throws Exception {
		http.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf(AbstractHttpConfigurer::disable)
			.requestCache(AbstractHttpConfigurer::disable);
	}

	/**
	 * Tokens can be checked: an issuer, JWK set or public key is configured, or the
	 * application has a decoder.
	 */
	static final class TokensConfigured extends AnyNestedCondition {

		TokensConfigured() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@Conditional(KeySettingConfigured.class)
		static final class KeySetting {

		}

		@ConditionalOnBean(JwtDecoder.class)
		static final class Decoder {

		}

	}

	/**
	 * An issuer URI, JWK set URI or public key location with text in it: an empty one (as
	 * {@code issuer-uri: ${AUTH_ISSUER:}} gives when the variable is missing) configures
	 * no keys, as Spring Boot's own decoder conditions read it, so it must not count as
	 * configured here either.
	 */
	static final class KeySettingConfigured extends SpringBootCondition {

		private static final String[] KEY_SETTINGS = { "issuer-uri", "jwk-set-uri", "public-key-location" };

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			for (String setting : KEY_SETTINGS) {
				if (StringUtils.hasText(context.getEnvironment().getProperty(JWT_PREFIX + setting))) {
					return ConditionOutcome.match(JWT_PREFIX + setting + " is set");
				}
			}
			return ConditionOutcome.noMatch("no issuer-uri, jwk-set-uri or public-key-location with text in it");
		}

	}

	/** The negation of {@link TokensConfigured}. */
	static final class NoTokensConfigured extends NoneNestedConditions {

		NoTokensConfigured() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@Conditional(TokensConfigured.class)
		static final class Configured {

		}

	}

}
