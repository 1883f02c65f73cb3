package dev.mesh.autoconfigure.consul;

import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection ConsulContainer} in a {@code @SpringBootTest}: Spring Cloud
 * Consul talks to the container although the configured host and port point elsewhere.
 * Skipped where there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(properties = { "spring.cloud.consul.host=nowhere.invalid", "spring.cloud.consul.port=1",
		"spring.cloud.consul.discovery.register=false", "spring.application.name=consul-connection-test" })
class ConsulServiceConnectionTests {

	@Container
	@ServiceConnection
	static final ConsulContainer consul = new ConsulContainer("hashicorp/consul:1.20");

	@Autowired
	private ConsulProperties properties;

	@Autowired
	private DiscoveryClient discovery;

	@Test
	void shouldConnectSpringCloudConsulToTheContainer() {
		assertThat(this.properties.getHost()).isEqualTo(consul.getHost());
		assertThat(this.properties.getPort()).isEqualTo(consul.getMappedPort(8500));
		// Consul lists itself as a service: the answer came from the container
		assertThat(this.discovery.getServices()).contains("consul");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
