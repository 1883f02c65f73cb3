package dev.mesh.autoconfigure;

import java.time.Duration;

import dev.mesh.client.ClientPolicy;
import dev.mesh.client.MeshClient;
import dev.mesh.client.MeshTransport;
import dev.mesh.client.MeshTransports;
import dev.mesh.testsupport.ApacheHttpClientCustomizerConfiguration;
import dev.mesh.testsupport.BootAutoConfigurations;
import dev.mesh.testsupport.BootHttpClientProperties;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which transport a mesh client runs on: the HTTP client library and
 * {@code spring.http.client.*} settings the application chose through Spring Boot, with
 * the mesh's own settings laid over them, and a clear startup failure where a setting
 * cannot apply.
 */
class MeshTransportsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				SslAutoConfiguration.class, MeshClientAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.restClient()));

	@Test
	void shouldRunOnApacheHttpClientWhenItIsOnTheClassPathAsBootDetectsIt() {
		this.runner.run((context) -> {
			MeshTransport transport = transport(context.getBean(MeshTransports.class));
			assertThat(transport.name()).isEqualTo("http-components");
			assertThat(transport.factory()).isInstanceOf(HttpComponentsClientHttpRequestFactory.class);
			assertThat(transport.owned()).isTrue();
			assertThat(transport.followRedirects()).as("Boot's default: follow when possible").isTrue();
		});
	}

	@Test
	void shouldRunOnTheFactoryTheApplicationChose() {
		this.runner.withPropertyValues(BootHttpClientProperties.FACTORY + "=simple").run((context) -> {
			MeshTransport transport = transport(context.getBean(MeshTransports.class));
			assertThat(transport.name()).isEqualTo("simple");
			assertThat(transport.factory()).isInstanceOf(SimpleClientHttpRequestFactory.class);
		});
		this.runner.withPropertyValues(BootHttpClientProperties.FACTORY + "=jdk").run((context) -> {
			MeshTransport transport = transport(context.getBean(MeshTransports.class));
			assertThat(transport.name()).isEqualTo("jdk");
			assertThat(transport.factory().getClass().getSimpleName()).isEqualTo("JdkSyncRequestFactory");
		});
	}

	@Test
	void shouldFollowNoRedirectsWhenTheApplicationSaysSo() {
		this.runner.withPropertyValues(BootHttpClientProperties.PREFIX + "redirects=dont-follow").run((context) -> {
			assertThat(transport(context.getBean(MeshTransports.class)).followRedirects()).isFalse();
		});
	}

	@Test
	void shouldApplyTheApplicationsCustomizersOfBootsBuilder() {
		this.runner.withUserConfiguration(ApacheHttpClientCustomizerConfiguration.class).run((context) -> {
			transport(context.getBean(MeshTransports.class));
			assertThat(ApacheHttpClientCustomizerConfiguration.applied).isTrue();
		});
	}

	@Test
	void shouldTakeBootsConnectTimeoutUnlessTheMeshsIsSet() {
		BootMeshTransports.class.getName();
		this.runner.withPropertyValues(BootHttpClientProperties.PREFIX + "connect-timeout=250ms").run((context) -> {
			BootMeshTransports transports = (BootMeshTransports) context.getBean(MeshTransports.class);
			assertThat(transports.connectTimeout("inventory", ClientPolicy.DEFAULTS)).isEqualTo(Duration.ofMillis(250));
		});
		this.runner
			.withPropertyValues(BootHttpClientProperties.PREFIX + "connect-timeout=250ms",
					"mesh.clients.inventory.connect-timeout=2s")
			.run((context) -> {
				BootMeshTransports transports = (BootMeshTransports) context.getBean(MeshTransports.class);
				assertThat(transports.connectTimeout("inventory",
						ClientPolicy.DEFAULTS.withConnectTimeout(Duration.ofSeconds(2))))
					.isEqualTo(Duration.ofSeconds(2));
			});
	}

	@Test
	void shouldFailStartupNamingTheTransportThatIsNotOnTheClassPath() {
		// Reactor Netty is not on this module's test class path
		this.runner.withPropertyValues(BootHttpClientProperties.FACTORY + "=reactor")
			.withUserConfiguration(InventoryClient.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.satisfies((failure) -> assertThat(messages(failure)).contains("reactor")));
	}

	@Test
	void shouldFailStartupWhenAnSslBundleCannotApplyToAFactoryTheApplicationSet() {
		this.runner
			.withPropertyValues("mesh.clients.inventory.ssl-bundle=client",
					"spring.ssl.bundle.pem.client.truststore.certificate=classpath:tls/ca.crt")
			.withUserConfiguration(OwnFactoryClient.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.satisfies((failure) -> assertThat(messages(failure)).contains("mesh.clients.inventory.ssl-bundle")
					.contains("'client'")
					.contains(SimpleClientHttpRequestFactory.class.getName())));
	}

	@Test
	void shouldUseAFactoryTheApplicationSetOnTheBuilder() {
		this.runner.withUserConfiguration(OwnFactoryClient.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("inventory", RestClient.class)).isNotNull();
		});
	}

	@Test
	void shouldBackOffForTransportsTheApplicationDefines() {
		this.runner.withUserConfiguration(OwnTransports.class).run((context) -> {
			assertThat(context.getBean(MeshTransports.class)).isSameAs(OwnTransports.TRANSPORTS);
		});
	}

	private static MeshTransport transport(MeshTransports transports) {
		return transports.create("inventory", ClientPolicy.DEFAULTS);
	}

	private static String messages(Throwable failure) {
		StringBuilder all = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			all.append(cause.getMessage()).append('\n');
		}
		return all.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class InventoryClient {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFactoryClient {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.requestFactory(new SimpleClientHttpRequestFactory()).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransports {

		static final MeshTransports TRANSPORTS = MeshTransports.jdk();

		@Bean
		MeshTransports transports() {
			return TRANSPORTS;
		}

	}

}
