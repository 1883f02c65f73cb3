package dev.mesh.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller's deadline travels with its request: a real mesh service ("middle") handling a
 * request with 300 ms left caps its own outbound mesh call ("backend") to what is left,
 * and a request whose deadline has passed does no work at all.
 */
class DeadlinePropagationTests {

	private TestServer backend;

	private ConfigurableApplicationContext middle;

	private ConfigurableApplicationContext caller;

	@AfterEach
	void stop() {
		if (this.caller != null) {
			this.caller.close();
		}
		if (this.middle != null) {
			this.middle.close();
		}
		if (this.backend != null) {
			this.backend.close();
		}
	}

	@Test
	void shouldCapOutboundCallsToTheTimeTheCallerHasLeft() {
		startMiddle();
		this.caller = ResilienceIntegrationTests.start(List.of(), "middle", Caller.class, WebApplicationType.NONE,
				"spring.cloud.discovery.client.simple.instances.middle[0].uri=http://127.0.0.1:" + middlePort(),
				"mesh.clients.middle.per-attempt-timeout=300ms");
		String relayed = this.caller.getBean("middle", RestClient.class)
			.get()
			.uri("/relay")
			.retrieve()
			.body(String.class);
		long seenByBackend = Long.parseLong(relayed);
		assertThat(seenByBackend).as("backend's budget (middle's own default is 3000 ms)").isBetween(1L, 300L);
	}

	@Test
	void shouldNotStartWorkForACallerWhoseDeadlineHasPassed() throws Exception {
		startMiddle();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + middlePort() + "/relay"))
				.header("Mesh-Timeout-Ms", "0")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("Deadline exceeded");
		assertThat(this.backend.requests()).isZero();
	}

	@Test
	void shouldIgnoreAGarbageDeadlineHeader() throws Exception {
		startMiddle();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + middlePort() + "/relay"))
				.header("Mesh-Timeout-Ms", "soon")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Long.parseLong(response.body())).isBetween(2900L, 3000L);
	}

	private void startMiddle() {
		this.backend = TestServer.start("backend");
		Middle.backendServer = this.backend;
		this.middle = ResilienceIntegrationTests.start(List.of(this.backend), "backend", Middle.class,
				WebApplicationType.SERVLET);
	}

	private int middlePort() {
		return ((WebServerApplicationContext) this.middle).getWebServer().getPort();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@RestController
	static class Middle {

		/** The backend test server, whose received headers the relay reports. */
		static volatile TestServer backendServer;

		private final RestClient backend;

		Middle(@MeshClient("backend") RestClient backend) {
			this.backend = backend;
		}

		@Bean
		@MeshClient("backend")
		static RestClient backend(RestClient.Builder builder) {
			return builder.build();
		}

		/** Calls backend and answers with the Mesh-Timeout-Ms backend received. */
		@GetMapping("/relay")
		String relay() {
			this.backend.get().uri("/work").retrieve().body(String.class);
			return backendServer.lastHeaders().get("mesh-timeout-ms");
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Caller {

		@Bean
		@MeshClient("middle")
		RestClient middle(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
