package dev.mesh.sample.auth;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding and startup checks of {@code mesh-auth.*}.
 */
class AuthPropertiesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class);

	@Test
	void shouldBindClientsAndDefaultTheTokenLifetimeToFiveMinutes() {
		this.contextRunner
			.withPropertyValues("mesh-auth.clients[0].client-id=order", "mesh-auth.clients[0].client-secret=s",
					"mesh-auth.clients[0].scopes=inventory.read,inventory.write")
			.run((context) -> {
				AuthProperties properties = context.getBean(AuthProperties.class);
				assertThat(properties.tokenTtl()).isEqualTo(Duration.ofMinutes(5));
				assertThat(properties.clients()).singleElement().satisfies((client) -> {
					assertThat(client.clientId()).isEqualTo("order");
					assertThat(client.clientSecret()).isEqualTo("s");
					assertThat(client.scopes()).containsExactly("inventory.read", "inventory.write");
				});
			});
	}

	@Test
	void shouldFailStartupWithoutClients() {
		this.contextRunner.run((context) -> assertThat(context).getFailure()
			.rootCause()
			.hasMessageContaining("mesh-auth.clients: none (expected: at least one client)"));
	}

	@Test
	void shouldFailStartupWhenAClientIdIsListedTwice() {
		this.contextRunner
			.withPropertyValues("mesh-auth.clients[0].client-id=order", "mesh-auth.clients[0].client-secret=a",
					"mesh-auth.clients[1].client-id=order", "mesh-auth.clients[1].client-secret=b")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("client-id 'order' is listed twice"));
	}

	@Test
	void shouldFailStartupWithoutASecret() {
		this.contextRunner.withPropertyValues("mesh-auth.clients[0].client-id=order")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("client-secret of 'order': empty"));
	}

	@Test
	void shouldFailStartupWithANonPositiveTokenLifetime() {
		this.contextRunner
			.withPropertyValues("mesh-auth.clients[0].client-id=order", "mesh-auth.clients[0].client-secret=s",
					"mesh-auth.token-ttl=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("mesh-auth.token-ttl: PT0S (expected: > 0)"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(AuthProperties.class)
	static class PropertiesConfiguration {

	}

}
