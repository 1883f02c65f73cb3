package dev.mesh.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.security.oauth2.resource.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.SecurityAutoConfiguration;
import org.springframework.boot.autoconfigure.security.servlet.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the starter's security chain appears, and when it leaves the field to Spring Boot or the
 * application. Spring Boot's own security auto-configurations run alongside, so each test also proves
 * which of Boot's chains did not appear.
 */
class MeshSecurityAutoConfigurationTests {

	private static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:1/jwks";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshSecurityAutoConfiguration.class, SecurityAutoConfiguration.class,
				OAuth2ResourceServerAutoConfiguration.class, UserDetailsServiceAutoConfiguration.class))
		.withPropertyValues("spring.application.name=inventory");

	@Test
	void shouldSecureWithTheMeshChainAndBootsDecoderWhenAJwkSetIsConfigured() {
		this.runner.withPropertyValues(JWK_SET_URI).run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("meshSecurityFilterChain");
			assertThat(context).hasSingleBean(JwtDecoder.class).hasBean("jwtDecoderByJwkKeySetUri");
			assertThat(context).hasBean("meshJwtValidator").doesNotHaveBean(UserDetailsService.class);
			assertThat(context.getBean(SecurityFilterChain.class).getFilters())
				.anyMatch(BearerTokenAuthenticationFilter.class::isInstance);
		});
	}

	@Test
	void shouldSecureWhenAnIssuerIsConfiguredWithoutContactingItAtStartup() {
		this.runner.withPropertyValues("spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1")
			.run((context) -> assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("meshSecurityFilterChain"));
	}

	@Test
	void shouldSecureWithTheApplicationsOwnDecoder() {
		this.runner.withUserConfiguration(UserDecoder.class).run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("meshSecurityFilterChain");
			assertThat(context.getBean(JwtDecoder.class)).isSameAs(UserDecoder.DECODER);
		});
	}

	@Test
	void shouldStayOpenWithoutAnIssuer() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("meshOpenSecurityFilterChain");
			assertThat(context).doesNotHaveBean(JwtDecoder.class).doesNotHaveBean(UserDetailsService.class);
			assertThat(context.getBean(SecurityFilterChain.class).getFilters())
				.noneMatch(BearerTokenAuthenticationFilter.class::isInstance);
		});
	}

	@Test
	void shouldBackOffWhenUserDefinesSecurityFilterChain() {
		this.runner.withPropertyValues(JWK_SET_URI).withUserConfiguration(UserChain.class).run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("userChain");
			assertThat(context).doesNotHaveBean("meshSecurityFilterChain");
		});
		this.runner.withUserConfiguration(UserChain.class).run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("userChain");
			assertThat(context).doesNotHaveBean("meshOpenSecurityFilterChain");
		});
	}

	@Test
	void shouldLeaveSecurityToSpringBootWhenMeshSecurityIsDisabled() {
		this.runner.withPropertyValues(JWK_SET_URI, "mesh.security.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("jwtSecurityFilterChain");
			assertThat(context).doesNotHaveBean("meshJwtValidator").doesNotHaveBean("meshCallerWebMvcConfigurer");
		});
	}

	@Test
	void shouldLeaveSecurityToSpringBootWhenMeshIsDisabled() {
		this.runner.withPropertyValues(JWK_SET_URI, "mesh.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(SecurityFilterChain.class).hasBean("jwtSecurityFilterChain");
			assertThat(context).doesNotHaveBean(MeshProperties.class).doesNotHaveBean("meshJwtValidator");
		});
	}

	@Test
	void shouldNotStartWithoutSpringSecurityOnTheClassPath() {
		this.runner.withPropertyValues(JWK_SET_URI)
			.withClassLoader(new FilteredClassLoader("org.springframework.security."))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(MeshProperties.class)
				.doesNotHaveBean("meshCallerWebMvcConfigurer"));
	}

	@Test
	void shouldNotStartWithoutTheResourceServerOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(BearerTokenAuthenticationFilter.class)).run((context) -> {
			assertThat(context).doesNotHaveBean("meshOpenSecurityFilterChain").doesNotHaveBean("meshCallerWebMvcConfigurer");
		});
	}

	@Test
	void shouldNotStartOutsideAServletApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(MeshSecurityAutoConfiguration.class))
			.withPropertyValues(JWK_SET_URI)
			.run((context) -> assertThat(context).doesNotHaveBean(MeshProperties.class));
	}

	@Test
	void shouldRegisterTheCallerArgumentResolver() {
		this.runner.run((context) -> assertThat(context).getBean("meshCallerWebMvcConfigurer").isInstanceOf(WebMvcConfigurer.class));
	}

	@Test
	void shouldDefaultTheAudienceToTheApplicationNameAndFailWithoutEither() {
		this.runner.withPropertyValues(JWK_SET_URI, "spring.application.name=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("mesh.security.audience: none")
				.hasMessageContaining("spring.application.name");
		});
		this.runner.withPropertyValues(JWK_SET_URI, "spring.application.name=", "mesh.security.audience=inventory")
			.run((context) -> assertThat(context).hasNotFailed().getBean("meshJwtValidator").isInstanceOf(OAuth2TokenValidator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserChain {

		@Bean
		SecurityFilterChain userChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().denyAll()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDecoder {

		static final JwtDecoder DECODER = NimbusJwtDecoder.withJwkSetUri("http://127.0.0.1:1/jwks").build();

		@Bean
		JwtDecoder userDecoder() {
			return DECODER;
		}

	}

}
