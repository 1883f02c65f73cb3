package dev.mesh.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
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

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private TestServer backend;

	private int middlePort;

	@Test
	void shouldCapOutboundCallsToTheTimeTheCallerHasLeft() {
		startMiddle();
		this.mesh.start(Consumer.of(Caller.class).calling("middle"), List.of(),
				"spring.cloud.discovery.client.simple.instances.middle[0].uri=http://127.0.0.1:" + this.middlePort,
				"mesh.clients.middle.per-attempt-timeout=300ms");
		String relayed = this.mesh.client("middle").get().uri("/relay").retrieve().body(String.class);
		long seenByBackend = Long.parseLong(relayed);
		assertThat(seenByBackend).as("backend's budget (middle's own default is 3000 ms)").isBetween(1L, 300L);
	}

	@Test
	void shouldNotStartWorkForACallerWhoseDeadlineHasPassed() throws Exception {
		startMiddle();
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.middlePort + "/relay"))
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
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.middlePort + "/relay"))
				.header("Mesh-Timeout-Ms", "soon")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Long.parseLong(response.body())).isBetween(2900L, 3000L);
	}

	private void startMiddle() {
		this.backend = this.mesh.server("backend");
		Middle.backendServer = this.backend;
		this.mesh.start(Consumer.of(Middle.class).servlet().calling("backend"), List.of(this.backend));
		this.middlePort = this.mesh.port();
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
