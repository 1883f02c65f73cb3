package dev.mesh.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import dev.mesh.testsupport.BootAutoConfigurations;
import dev.mesh.testsupport.TestAuthorizationServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
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
 * When the starter's security chain appears, and when it leaves the field to Spring Boot
 * or the application. Spring Boot's own security auto-configurations run alongside, so
 * each test also proves which of Boot's chains did not appear.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshSecurityAutoConfigurationTests {

	private static final String JWK_SET_URI = "spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:1/jwks";

	/**
	 * The issuer, which the mesh requires of tokens; without one a JWK set alone stops
	 * startup.
	 */
	private static final String ISSUER = "mesh.security.issuer=http://127.0.0.1:1";

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshSecurityAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.security()))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.resourceServer()))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.userDetails()))
		.withPropertyValues("spring.application.name=inventory");

	@Test
	void shouldSecureWithTheMeshChainAndBootsDecoderWhenAJwkSetIsConfigured() {
		this.runner.withPropertyValues(JWK_SET_URI, ISSUER).run((context) -> {
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
			.run((context) -> assertThat(context).hasSingleBean(SecurityFilterChain.class)
				.hasBean("meshSecurityFilterChain"));
	}

	@Test
	void shouldSecureWithTheApplicationsOwnDecoder() {
		this.runner.withPropertyValues(ISSUER).withUserConfiguration(UserDecoder.class).run((context) -> {
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
		this.runner.withPropertyValues(JWK_SET_URI, ISSUER).withUserConfiguration(UserChain.class).run((context) -> {
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
			assertThat(context).doesNotHaveBean("meshOpenSecurityFilterChain")
				.doesNotHaveBean("meshCallerWebMvcConfigurer");
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
		this.runner.run((context) -> assertThat(context).getBean("meshCallerWebMvcConfigurer")
			.isInstanceOf(WebMvcConfigurer.class));
	}

	@Test
	void shouldDefaultTheAudienceToTheApplicationNameAndFailWithoutEither() {
		this.runner.withPropertyValues(JWK_SET_URI, "spring.application.name=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("mesh.security.audience: none")
				.hasMessageContaining("spring.application.name");
		});
		this.runner
			.withPropertyValues(JWK_SET_URI, ISSUER, "spring.application.name=", "mesh.security.audience=inventory")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean("meshJwtValidator")
				.isInstanceOf(OAuth2TokenValidator.class));
	}

	@Test
	void shouldFailStartupWhenOnlyAJwkSetIsConfiguredNamingBothWaysToSetTheIssuer() {
		this.runner.withPropertyValues(JWK_SET_URI).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageStartingWith("mesh.security.issuer: none (tokens are checked with "
						+ "spring.security.oauth2.resourceserver.jwt.jwk-set-uri but no issuer is set")
				.hasMessageContaining(
						"spring.security.oauth2.resourceserver.jwt.issuer-uri to the issuer of your tokens")
				.hasMessageContaining("mesh.security.issuer to the exact iss of your tokens")
				.hasMessageContaining("mesh.security.require-issuer=false");
		});
	}

	@Test
	void shouldFailStartupWhenOnlyAPublicKeyIsConfiguredWithoutSuggestingIssuerUriWhichWouldDropTheKey(
			@TempDir Path dir) throws Exception {
		Path key = dir.resolve("key.pem");
		Files.writeString(key,
				"-----BEGIN PUBLIC KEY-----\n"
						+ Base64.getMimeEncoder()
							.encodeToString(TestAuthorizationServer.newKey("k").toPublicKey().getEncoded())
						+ "\n-----END PUBLIC KEY-----\n");
		this.runner.withPropertyValues("spring.security.oauth2.resourceserver.jwt.public-key-location=" + key.toUri())
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("checked with spring.security.oauth2.resourceserver.jwt.public-key-location")
					.hasMessageContaining("Expected: mesh.security.issuer to the exact iss of your tokens")
					.message()
					.doesNotContain("issuer-uri");
			});
		this.runner
			.withPropertyValues("spring.security.oauth2.resourceserver.jwt.public-key-location=" + key.toUri(), ISSUER)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("meshSecurityFilterChain")
				.hasBean("jwtDecoderByPublicKeyValue"));
	}

	@Test
	void shouldFailStartupWithTheApplicationsOwnDecoderAndNoIssuer() {
		this.runner.withUserConfiguration(UserDecoder.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("tokens are checked by the application's own JwtDecoder and no issuer is set")
				.hasMessageContaining("mesh.security.issuer to the exact iss of your tokens")
				.hasMessageContaining("mesh.security.require-issuer=false");
		});
	}

	@Test
	void shouldFailStartupWhenTheIssuerDiffersFromIssuerUriBecauseNoTokenCouldPassBoth() {
		this.runner
			.withPropertyValues(JWK_SET_URI, "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1",
					"mesh.security.issuer=http://127.0.0.1:2")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageStartingWith("mesh.security.issuer: http://127.0.0.1:2 (expected: unset, or the same as "
							+ "spring.security.oauth2.resourceserver.jwt.issuer-uri (http://127.0.0.1:1)");
			});
		this.runner
			.withPropertyValues(JWK_SET_URI, "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1",
					"mesh.security.issuer=http://127.0.0.1:1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void shouldTakeTheIssuerFromIssuerUriWithAJwkSet() {
		this.runner
			.withPropertyValues(JWK_SET_URI, "spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasBean("meshSecurityFilterChain")
				.hasBean("jwtDecoderByJwkKeySetUri"));
	}

	@Test
	void shouldStartAndWarnOnceWithoutAnIssuerWhenItIsNotRequired(CapturedOutput output) {
		this.runner.withPropertyValues(JWK_SET_URI, "mesh.security.require-issuer=false").run((context) -> {
			assertThat(context).hasNotFailed().hasBean("meshSecurityFilterChain");
			assertThat(
					output.getOut()
						.split("mesh.security.require-issuer=false: tokens are checked with "
								+ "spring.security.oauth2.resourceserver.jwt.jwk-set-uri but no issuer is set", -1))
				.hasSize(2);
		});
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
