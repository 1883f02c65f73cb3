package dev.mesh.autoconfigure.consul;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A web service whose Consul agent is down at startup: Consul's address is a loopback
 * port nothing listens on, so registering meets a real refused connection. By default
 * (Spring Cloud Consul's fail-fast) startup stops with a report that names the address,
 * the properties that set it and the way to start anyway; with fail-fast off the service
 * starts.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsulUnreachableStartupTests {

	@Test
	void stopsWithAReportNamingTheAgentsAddressAndFailFast(CapturedOutput output) throws IOException {
		int port = closedPort();
		assertThatException().isThrownBy(() -> start(port).close());
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("This service could not register with Consul: no agent answered at 127.0.0.1:" + port)
			.contains("spring.cloud.consul.host and spring.cloud.consul.port")
			.contains("spring.cloud.consul.discovery.fail-fast=false");
	}

	@Test
	void startsUnregisteredWhenFailFastIsOffAndSaysSoOnce(CapturedOutput output) throws Exception {
		int port = closedPort();
		try (ConfigurableApplicationContext context = start(port, "spring.cloud.consul.discovery.fail-fast=false")) {
			assertThat(context.isRunning()).isTrue();
			String warning = "This instance is NOT registered in Consul: no agent answered at 127.0.0.1:" + port;
			// the check runs on its own thread, so startup never waits for an agent that
			// hangs
			for (int i = 0; i < 200 && !output.toString().contains(warning); i++) {
				Thread.sleep(50);
			}
			assertThat(output).contains(warning).contains("spring.cloud.consul.discovery.fail-fast=false");
			assertThat(output.toString().split(java.util.regex.Pattern.quote(warning), -1)).hasSize(2);
		}
	}

	private static ConfigurableApplicationContext start(int consulPort, String... properties) {
		return new SpringApplicationBuilder(Service.class)
			.properties("spring.application.name=inventory", "server.port=0", "server.address=127.0.0.1",
					"spring.main.banner-mode=off", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + consulPort,
					"spring.cloud.consul.discovery.catalog-services-watch.enabled=false")
			.properties(properties)
			.run();
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Service {

	}

}
