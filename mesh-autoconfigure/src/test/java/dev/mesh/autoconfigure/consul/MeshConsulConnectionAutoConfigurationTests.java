package dev.mesh.autoconfigure.consul;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import static org.assertj.core.api.Assertions.assertThat;

class MeshConsulConnectionAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(MeshConsulConnectionAutoConfiguration.class, ConsulAutoConfiguration.class));

	@Test
	void shouldTakeConsulHostAndPortFromConnectionDetails() {
		this.runner.withUserConfiguration(ConnectionDetailsConfiguration.class).run((context) -> {
			ConsulProperties properties = context.getBean(ConsulProperties.class);
			assertThat(properties.getHost()).isEqualTo("consul.test");
			assertThat(properties.getPort()).isEqualTo(18500);
		});
	}

	@Test
	void shouldPreferConnectionDetailsOverConfiguredHostAndPort() {
		this.runner.withUserConfiguration(ConnectionDetailsConfiguration.class)
			.withPropertyValues("spring.cloud.consul.host=configured.example", "spring.cloud.consul.port=8501",
					"spring.cloud.consul.scheme=http")
			.run((context) -> {
				ConsulProperties properties = context.getBean(ConsulProperties.class);
				assertThat(properties.getHost()).isEqualTo("consul.test");
				assertThat(properties.getPort()).isEqualTo(18500);
				assertThat(properties.getScheme()).isEqualTo("http");
			});
	}

	@Test
	void shouldLeaveConfiguredHostAndPortWithoutConnectionDetails() {
		this.runner.withPropertyValues("spring.cloud.consul.host=configured.example", "spring.cloud.consul.port=8501")
			.run((context) -> {
				ConsulProperties properties = context.getBean(ConsulProperties.class);
				assertThat(properties.getHost()).isEqualTo("configured.example");
				assertThat(properties.getPort()).isEqualTo(8501);
			});
	}

	@Test
	void shouldBackOffWithoutSpringCloudConsul() {
		this.runner.withClassLoader(new FilteredClassLoader(ConsulProperties.class))
			.withUserConfiguration(ConnectionDetailsConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ConsulConnectionDetailsPostProcessor.class));
	}

	@Test
	void shouldRegisterTheContainerFactoryForServiceConnections() {
		// other libraries' factories may need what is not on this class path: skipped
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(ConnectionDetailsFactory.class, null, FailureHandler.handleMessage((message, failure) -> {
			}))).hasAtLeastOneElementOfType(ConsulContainerConnectionDetailsFactory.class);
		assertThat(
				ResolvableType.forClass(ConnectionDetailsFactory.class, ConsulContainerConnectionDetailsFactory.class)
					.resolveGenerics())
			.containsExactly(ContainerConnectionSource.class, ConsulConnectionDetails.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class ConnectionDetailsConfiguration {

		@Bean
		ConsulConnectionDetails consulConnectionDetails() {
			return new ConsulConnectionDetails() {

				@Override
				public String getHost() {
					return "consul.test";
				}

				@Override
				public int getPort() {
					return 18500;
				}

			};
		}

	}

}
