package dev.mesh.autoconfigure;

import dev.mesh.autoconfigure.consul.MeshConsulConnectionAutoConfiguration;
import dev.mesh.client.MeshClient;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.testsupport.BootAutoConfigurations;
import dev.mesh.testsupport.RawHttpServer;
import dev.mesh.testsupport.RawHttpServer.Answer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The libraries the starter brings by default that an application may swap out: the
 * OpenTelemetry tracing bridge (for Brave, or no tracing) and Spring Cloud Consul (for
 * another registry). Without each, the mesh's auto-configuration still starts and a mesh
 * client still calls a real server, found through Spring Cloud's simple discovery.
 */
class OptionalLibrariesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				MeshTracingAutoConfiguration.class, MeshClientAutoConfiguration.class,
				MeshConsulRegistrationAutoConfiguration.class, MeshConsulConnectionAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.restClient()))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.tracing()))
		.withUserConfiguration(Client.class);

	@Test
	void shouldCallThroughAMeshClientWithoutATracingBridge() {
		try (RawHttpServer inventory = RawHttpServer.start("inventory", Answer.body(2, true))) {
			this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.tracing.otel", "io.opentelemetry"))
				.withPropertyValues(instance(inventory))
				.run((context) -> {
					assertThat(context).hasNotFailed()
						.hasSingleBean(MeshClientFactory.class)
						.doesNotHaveBean(AttemptTracer.class);
					assertThat(context.getBean("inventory", RestClient.class)
						.get()
						.uri("/x")
						.retrieve()
						.body(String.class)).isEqualTo("xx");
				});
		}
	}

	@Test
	void shouldCallThroughAMeshClientWithoutConsul() {
		try (RawHttpServer inventory = RawHttpServer.start("inventory", Answer.body(2, true))) {
			this.runner.withClassLoader(new FilteredClassLoader("org.springframework.cloud.consul", "com.ecwid.consul"))
				.withPropertyValues(instance(inventory))
				.run((context) -> {
					assertThat(context).hasNotFailed()
						.hasSingleBean(MeshClientFactory.class)
						.doesNotHaveBean(ConsulRegistrationCustomizer.class);
					assertThat(context.getBean("inventory", RestClient.class)
						.get()
						.uri("/x")
						.retrieve()
						.body(String.class)).isEqualTo("xx");
				});
		}
	}

	private static String instance(RawHttpServer server) {
		return "spring.cloud.discovery.client.simple.instances.inventory[0].uri=http://127.0.0.1:" + server.port();
	}

	@Configuration(proxyBeanMethods = false)
	static class Client {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
