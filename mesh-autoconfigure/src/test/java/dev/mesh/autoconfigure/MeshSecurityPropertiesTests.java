package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.List;

import dev.mesh.testsupport.BootAutoConfigurations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@code mesh.security.*}: defaults, binding of rules, and startup failures that name the
 * bad property, its value and what is allowed.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshSecurityPropertiesTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshSecurityAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.security()));

	@Test
	void shouldHaveTheDocumentedDefaults() {
		this.runner.run((context) -> {
			MeshProperties.Security security = context.getBean(MeshProperties.class).getSecurity();
			assertThat(security.isEnabled()).isTrue();
			assertThat(security.getAudience()).isNull();
			assertThat(security.getPublicPaths()).containsExactly("/actuator/health/**", "/actuator/info");
			assertThat(security.getClockSkew()).isEqualTo(Duration.ofSeconds(30));
			assertThat(security.getRules()).isEmpty();
			assertThat(security.getIssuer()).isNull();
			assertThat(security.isRequireIssuer()).isTrue();
		});
	}

	@Test
	void shouldBindRulesInOrder() {
		this.runner.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.resourceServer()))
			// rules guard nothing without keys to check tokens with (startup fails): an
			// issuer that is never asked
			.withPropertyValues("spring.security.oauth2.resourceserver.jwt.issuer-uri=http://127.0.0.1:1/issuer",
					"spring.application.name=inventory", "mesh.security.rules[0].path=/api/reservations/**",
					"mesh.security.rules[0].methods=POST,put", "mesh.security.rules[0].callers=order",
					"mesh.security.rules[0].scopes=inventory.write", "mesh.security.rules[1].path=/api/**")
			.run((context) -> {
				List<MeshProperties.Rule> rules = context.getBean(MeshProperties.class).getSecurity().getRules();
				assertThat(rules).hasSize(2);
				assertThat(rules.get(0).getMethods()).containsExactly("POST", "put");
				assertThat(rules.get(0).getCallers()).containsExactly("order");
				assertThat(rules.get(0).getScopes()).containsExactly("inventory.write");
				assertThat(rules.get(1).getPath()).isEqualTo("/api/**");
				assertThat(rules.get(1).getMethods()).isEmpty();
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"mesh.security.rules[0].methods=POST,FETCH | mesh.security.rules[0].methods | FETCH | must list only HTTP methods from: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE (unknown: FETCH)",
			"mesh.security.rules[0].path=api/** | mesh.security.rules[0].path | api/** | must be a path pattern such as /api/**",
			"mesh.security.rules[0].path=/api/**/x | mesh.security.rules[0].path | /api/**/x | should be placed at the start or end of the pattern",
			"mesh.security.public-paths=/ok,/a/{x | mesh.security.public-paths[1] | /a/{x | must be a path pattern",
			"mesh.security.clock-skew=2m | mesh.security.clock-skew | 2m | must be a duration from 0s to 60s",
			"mesh.security.clock-skew=-1s | mesh.security.clock-skew | -1s | must be a duration from 0s to 60s",
			"mesh.security.issuer= | mesh.security.issuer | '' | must not be blank (set it to the exact iss of your tokens" })
	void shouldFailStartupNamingTheBadPropertyValueAndWhatIsAllowed(String property, String name, String value,
			String allowed) {
		// A valid rule first; a row that sets its path replaces the valid one.
		this.runner.withPropertyValues("mesh.security.rules[0].path=/api/**", property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: " + name).contains(value).contains(allowed);
		});
	}

	@Test
	void shouldFailStartupForARuleWithoutAPath() {
		this.runner.withPropertyValues("mesh.security.rules[0].callers=order").run((context) -> {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: mesh.security.rules[0].path")
				.contains("Value: \"null\"")
				.contains("every rule needs one");
			assertThat(analysis.getAction())
				.contains("Set mesh.security.rules[0].path to a value that must be set to a path pattern");
		});
	}

	@Test
	void shouldPrintTheReportForAnUnknownMethodOnARealStart(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(EmptyApplication.class).web(WebApplicationType.SERVLET)
				.properties("spring.cloud.consul.enabled=false", "spring.main.banner-mode=off", "server.port=0",
						"mesh.security.rules[0].path=/api/reservations/**", "mesh.security.rules[0].methods=SEND")
				.run()
				.close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: mesh.security.rules[0].methods")
			.contains("SEND")
			.contains("(unknown: SEND)");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

}
