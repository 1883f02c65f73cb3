package dev.mesh.autoconfigure;

import java.time.Duration;

import dev.mesh.client.ClientPolicies;
import dev.mesh.security.TokenPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The token properties of a client ({@code oauth2.*}): inheritance from
 * {@code mesh.client-defaults}, and startup failures for bad values.
 */
class TokenPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
					CompositeDiscoveryClientAutoConfiguration.class, MeshClientAutoConfiguration.class));

	@Test
	void shouldTakeEachTokenValueFromTheClientThenTheDefaultsThenTheBuiltInDefaults() {
		this.runner.withPropertyValues("mesh.client-defaults.oauth2.connect-timeout=20ms",
				"mesh.client-defaults.oauth2.read-timeout=300ms", "mesh.clients.inventory.oauth2.read-timeout=3000ms",
				"mesh.clients.inventory.oauth2.invalid-token-refetch-interval=30000ms")
			.run((context) -> {
				ClientPolicies policies = context.getBean(ClientPolicies.class);
				TokenPolicy inventory = policies.forService("inventory").oauth2();
				assertThat(inventory.connectTimeout()).isEqualTo(Duration.ofMillis(20));
				assertThat(inventory.readTimeout()).isEqualTo(Duration.ofMillis(3000));
				assertThat(inventory.invalidTokenRefetchInterval()).isEqualTo(Duration.ofMillis(30000));
				assertThat(inventory.refreshBeforeExpiry()).isEqualTo(Duration.ofSeconds(60));
				TokenPolicy billing = policies.forService("billing").oauth2();
				assertThat(billing.connectTimeout()).isEqualTo(Duration.ofMillis(20));
				assertThat(billing.readTimeout()).isEqualTo(Duration.ofMillis(300));
				assertThat(billing.invalidTokenRefetchInterval()).isEqualTo(Duration.ofSeconds(10));
			});
	}

	@Test
	void shouldDefaultTokenRequestsToFinishWithinTheDefaultCallTimeout() {
		this.runner.run((context) -> {
			TokenPolicy tokens = context.getBean(ClientPolicies.class).forService("inventory").oauth2();
			Duration callTimeout = context.getBean(ClientPolicies.class).forService("inventory").timeout();
			assertThat(tokens.connectTimeout().plus(tokens.readTimeout())).isLessThan(callTimeout);
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"mesh.clients.inventory.oauth2.connect-timeout=0s | mesh.clients.inventory.oauth2.connect-timeout",
			"mesh.client-defaults.oauth2.read-timeout=-1s | mesh.client-defaults.oauth2.read-timeout",
			"mesh.clients.inventory.oauth2.invalid-token-refetch-interval=0ms | mesh.clients.inventory.oauth2.invalid-token-refetch-interval",
			"mesh.client-defaults.oauth2.refresh-before-expiry=0s | mesh.client-defaults.oauth2.refresh-before-expiry" })
	void shouldFailStartupNamingTheBadTokenPropertyAndWhatIsAllowed(String property, String name) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: " + name)
				.contains(property.substring(property.indexOf('=') + 1))
				.contains("positive duration");
		});
	}

}
