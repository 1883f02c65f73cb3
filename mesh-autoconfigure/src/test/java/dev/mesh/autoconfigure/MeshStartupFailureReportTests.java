package dev.mesh.autoconfigure;

import dev.mesh.client.MeshClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Starts real applications with bad configuration and reads the report Spring Boot
 * prints, proving the mesh's analyzers are registered and win over Spring Boot's generic
 * ones.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshStartupFailureReportTests {

	@Test
	void shouldReportABadWeightNamingPropertyValueAndRange(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(EmptyApplication.class, "mesh.instance.weight=10001"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid mesh configuration")
			.contains("Property: mesh.instance.weight")
			.contains("Value: \"10001\"")
			.contains("must be an integer from 0 to 10000");
	}

	@Test
	void shouldReportAnUnknownLoadBalancerListingTheAllowedOnes(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run(EmptyApplication.class, "mesh.client-defaults.load-balancer=fastest"));
		assertThat(output).contains("Property: mesh.client-defaults.load-balancer")
			.contains("Value: \"fastest\"")
			.contains("one of: weighted-round-robin, weighted-random, round-robin, least-request, peak-ewma");
	}

	@Test
	void shouldReportAnAttemptSpansSwitchThatIsNotABoolean(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(EmptyApplication.class, "mesh.tracing.attempt-spans=sometimes"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: mesh.tracing.attempt-spans")
			.contains("Value: \"sometimes\"")
			.contains("boolean");
	}

	@Test
	void shouldReportAMisspeltClientPropertyNamingTheOneMeant(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(EmptyApplication.class, "mesh.clients.inventory.timout=1s"));
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Property: mesh.clients.inventory.timout")
			.contains("Value: \"1s\"")
			.contains("no such mesh property; did you mean mesh.clients.inventory.timeout?");
	}

	@Test
	void shouldReportAMisspeltNestedDefaultAndARuleKeyEachWithTheOneMeant(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(EmptyApplication.class, "mesh.client-defaults.retry.max-atempts=2",
				"mesh.security.rules[0].path=/api/**", "mesh.security.rules[0].caller=order"));
		assertThat(output).contains("did you mean mesh.client-defaults.retry.max-attempts?")
			.contains("did you mean mesh.security.rules[0].callers?");
	}

	@Test
	void shouldReportAnUnknownMeshKeyWithNothingCloseAsUnknown(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(EmptyApplication.class, "mesh.sidecar.port=15001"));
		assertThat(output).contains("Property: mesh.sidecar.port")
			.contains("Reason: no such mesh property")
			.doesNotContain("did you mean")
			.contains("Remove mesh.sidecar.port");
	}

	@Test
	void shouldReportABlankMeshClientNamingTheBean(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(BlankClientApplication.class));
		assertThat(output).contains("Bean 'nameless' is annotated @MeshClient(\"\")")
			.contains("the service name is blank");
	}

	@Test
	void shouldShowThePropertiesToAddWhenTheMeshRegistrationIsMissing(CapturedOutput output) {
		assertThatException().isThrownBy(() -> run(InventoryClientApplication.class,
				"spring.security.oauth2.client.registration.other.client-id=x",
				"spring.security.oauth2.client.registration.other.client-secret=y",
				"spring.security.oauth2.client.registration.other.authorization-grant-type=client_credentials",
				"spring.security.oauth2.client.provider.other.token-uri=http://127.0.0.1:1/token"));
		assertThat(output).contains("Mesh client for service 'inventory' needs OAuth2 client registration 'mesh'")
			.contains("spring.security.oauth2.client.registration.mesh.client-id=")
			.contains("spring.security.oauth2.client.provider.mesh.token-uri=")
			.contains("mesh.clients.inventory.oauth2.enabled=false");
	}

	@Test
	void shouldFailWhenTokensAreRequiredButNoRegistrationExists(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> run(InventoryClientApplication.class, "mesh.client-defaults.oauth2.enabled=true"));
		assertThat(output).contains("needs OAuth2 client registration 'mesh', which is not configured");
	}

	private static void run(Class<?> application, String... properties) {
		new SpringApplicationBuilder(application).web(WebApplicationType.NONE)
			.properties("spring.cloud.consul.enabled=false", "spring.main.banner-mode=off")
			.properties(properties)
			.run()
			.close();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EmptyApplication {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class InventoryClientApplication {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BlankClientApplication {

		@Bean
		@MeshClient("")
		RestClient nameless(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
