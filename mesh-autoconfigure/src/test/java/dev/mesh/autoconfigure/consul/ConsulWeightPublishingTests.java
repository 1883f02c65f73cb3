package dev.mesh.autoconfigure.consul;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.mesh.testsupport.ServerPorts;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A weight set at run time ({@code POST /actuator/mesh}) is published to Consul only
 * while Spring Cloud Consul keeps this instance registered. An application that chose not
 * to register ({@code spring.cloud.consul.discovery.register=false}) must never be
 * registered by a weight change: the weight stays local. Consul's address is a loopback
 * port nothing listens on, so any attempt to register would fail the change with a 503.
 */
class ConsulWeightPublishingTests {

	@Test
	void keepsARuntimeWeightLocalWhenTheApplicationDoesNotRegister() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Service.class)
			.properties("spring.application.name=inventory", "server.port=0", "server.address=127.0.0.1",
					"spring.main.banner-mode=off", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + closedPort(), "spring.cloud.consul.discovery.register=false",
					"spring.cloud.consul.discovery.catalog-services-watch.enabled=false",
					"management.endpoints.web.exposure.include=mesh")
			.run()) {
			int port = ServerPorts.of(context);
			HttpResponse<String> answer = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/mesh"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"weight\": 0}"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			assertThat(answer.body()).contains("\"current\":0").contains("\"publishedTo\":null");
		}
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
