package dev.mesh.autoconfigure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Consul registration that Spring Cloud Consul's own auto-configuration builds for a
 * mesh member (the registration is sent only once a web server has started, so no agent
 * is needed; the agent's address is a closed port): its health check carries
 * {@code DeregisterCriticalServiceAfter}, so a killed instance leaves the catalog, and
 * its id is unique per run.
 */
class ConsulCriticalTimeoutTests {

	@Test
	void shouldRegisterAHealthCheckThatConsulDeregistersAfterAMinuteCritical() throws IOException {
		try (ConfigurableApplicationContext context = start()) {
			ConsulAutoRegistration registration = context.getBean(ConsulAutoRegistration.class);
			assertThat(registration.getService().getCheck()).as("a health check is registered").isNotNull();
			assertThat(registration.getService().getCheck().getDeregisterCriticalServiceAfter()).isEqualTo("1m");
		}
	}

	@Test
	void shouldLetTheUsersCriticalTimeoutWin() throws IOException {
		try (ConfigurableApplicationContext context = start(
				"spring.cloud.consul.discovery.health-check-critical-timeout=30m")) {
			assertThat(context.getBean(ConsulAutoRegistration.class)
				.getService()
				.getCheck()
				.getDeregisterCriticalServiceAfter()).isEqualTo("30m");
		}
	}

	@Test
	void shouldRegisterEachRunUnderItsOwnIdThatStaysTheSameWithinTheRun() throws IOException {
		String first;
		try (ConfigurableApplicationContext context = start()) {
			first = context.getBean(ConsulAutoRegistration.class).getInstanceId();
			assertThat(first).startsWith("inventory-");
			assertThat(context.getEnvironment().getProperty("spring.cloud.consul.discovery.instance-id"))
				.isEqualTo(first);
		}
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBean(ConsulAutoRegistration.class).getInstanceId()).startsWith("inventory-")
				.isNotEqualTo(first);
		}
	}

	private static ConfigurableApplicationContext start(String... properties) throws IOException {
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=inventory", "spring.main.banner-mode=off",
					"spring.cloud.consul.host=127.0.0.1", "spring.cloud.consul.port=" + closedPort(),
					"spring.cloud.consul.discovery.catalog-services-watch.enabled=false",
					// the port a web server would report; known up front, the check is
					// built
					// with the registration
					"spring.cloud.consul.discovery.port=8080")
			.properties(properties)
			.run();
	}

	/** A loopback port nothing listens on: any agent call would be refused. */
	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
