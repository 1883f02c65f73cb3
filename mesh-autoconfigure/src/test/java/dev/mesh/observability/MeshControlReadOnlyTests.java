package dev.mesh.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh.observability.MeshControlEndpointTests.ControlledApplication;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator who makes the {@code mesh} endpoint read-only
 * ({@code management.endpoint.mesh.access=read-only}) gets the reads and no writes.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshControlReadOnlyTests {

	private static final ObjectMapper json = new ObjectMapper();

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void shouldOfferNoWritesWhenTheOperatorMakesTheEndpointReadOnly(CapturedOutput output) throws Exception {
		List<TestServer> servers = List.of(this.mesh.server("a"));
		this.mesh.start(Consumer.of(ControlledApplication.class).servlet(), servers, "mesh.instance.weight=3",
				"management.endpoints.web.exposure.include=mesh", "management.endpoint.mesh.access=read-only");
		assertThat(post("/actuator/mesh", "{\"weight\": 0}").statusCode()).isIn(404, 405);
		assertThat(post("/actuator/mesh/inventory", "{\"action\": \"reset\"}").statusCode()).isIn(404, 405);
		assertThat(get("/actuator/mesh/inventory").statusCode()).isEqualTo(200);
		assertThat(json.readTree(get("/actuator/mesh").body()).path("self").path("weight").asInt()).isEqualTo(3);
		assertThat(output).doesNotContain("mesh control by");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String path, String body) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.mesh.port() + path);
	}

}
