package dev.mesh.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh.client.MeshClient;
import dev.mesh.client.NoInstanceAvailableException;
import dev.mesh.testsupport.FinishedSpans;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.TestAuthorizationServer;
import dev.mesh.testsupport.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real "order" application calling real inventory servers through a mesh client, with
 * OpenTelemetry tracing into an in-memory exporter, Micrometer metrics and the actuator:
 * what an operator sees.
 */
class ObservabilityIntegrationTests {

	private static final ObjectMapper json = new ObjectMapper();

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@Test
	void shouldPropagateTheTraceAndShowEachAttemptAsAChildOfTheRestClientsCallSpan() throws Exception {
		TestServer busy = this.mesh.server("busy").behave(TestServer.Behaviour.status(503));
		TestServer healthy = this.mesh.server("healthy");
		start(List.of(busy, healthy));
		assertThat(get("/place").statusCode()).isEqualTo(200);

		InMemorySpanExporter spans = this.mesh.bean(InMemorySpanExporter.class);
		SpanData server = FinishedSpans.await(spans, "http get /place");
		SpanData call = FinishedSpans.await(spans, "http get");
		SpanData first = FinishedSpans.await(spans, "mesh inventory attempt 1");
		SpanData second = FinishedSpans.await(spans, "mesh inventory attempt 2");
		String traceparent = healthy.lastHeaders().get("traceparent");
		assertThat(traceparent).isNotNull();
		assertThat(traceparent.split("-")[1]).isEqualTo(server.getTraceId());
		assertThat(traceparent.split("-")[2]).as("the server's parent is the attempt that reached it")
			.isEqualTo(second.getSpanId());
		assertThat(first.getParentSpanId()).isEqualTo(call.getSpanId());
		assertThat(second.getParentSpanId()).isEqualTo(call.getSpanId());
		assertThat(call.getTraceId()).isEqualTo(server.getTraceId());
		assertThat(first.getTraceId()).isEqualTo(server.getTraceId());
		assertThat(spans.getFinishedSpanItems()).as("one client span for the call (the RestClient's), one per attempt")
			.filteredOn((span) -> span.getKind() == SpanKind.CLIENT)
			.extracting(SpanData::getName)
			.containsExactlyInAnyOrder("http get", "mesh inventory attempt 1", "mesh inventory attempt 2");
		assertThat(List.of(first.getAttributes().asMap().toString(), second.getAttributes().asMap().toString()))
			.anySatisfy((attributes) -> assertThat(attributes).contains("instance=busy"))
			.anySatisfy((attributes) -> assertThat(attributes).contains("instance=healthy"));
	}

	@Test
	void shouldLeaveTheCallsSpanAsTheServersParentWhenAttemptsAreNeitherTracedNorTimed() throws Exception {
		TestServer busy = this.mesh.server("busy").behave(TestServer.Behaviour.status(503));
		TestServer healthy = this.mesh.server("healthy");
		start(List.of(busy, healthy), "mesh.tracing.attempt-spans=false",
				"management.metrics.enable.mesh.client.requests=false");
		assertThat(get("/place").statusCode()).isEqualTo(200);

		InMemorySpanExporter spans = this.mesh.bean(InMemorySpanExporter.class);
		SpanData call = FinishedSpans.await(spans, "http get");
		assertThat(healthy.lastHeaders().get("traceparent").split("-")[2]).isEqualTo(call.getSpanId());
		assertThat(busy.lastHeaders().get("traceparent").split("-")[2]).isEqualTo(call.getSpanId());
		assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
			.noneMatch((name) -> name.startsWith("mesh"));
		MeterRegistry meters = this.mesh.bean(MeterRegistry.class);
		assertThat(meters.find("mesh.client.requests").timers()).isEmpty();
		assertThat(
				meters.get("mesh.client.calls").tag("service", "inventory").tag("outcome", "SUCCESS").timer().count())
			.isEqualTo(1);
		assertThat(meters.get("mesh.client.retries").tag("service", "inventory").functionCounter().count())
			.isEqualTo(1);
	}

	@Test
	void shouldCountCallsAndAttemptsApartAsTheyHappened() throws Exception {
		TestServer busy = this.mesh.server("busy");
		TestServer healthy = this.mesh.server("healthy");
		start(List.of(busy, healthy));
		busy.behave(TestServer.Behaviour.status(503));
		assertThat(get("/place").statusCode()).isEqualTo(200);
		busy.behave(TestServer.Behaviour.ECHO);
		for (int i = 0; i < 4; i++) {
			assertThat(get("/place").statusCode()).isEqualTo(200);
		}
		MeterRegistry meters = this.mesh.bean(MeterRegistry.class);
		assertThat(
				meters.get("mesh.client.calls").tag("service", "inventory").tag("outcome", "SUCCESS").timer().count())
			.isEqualTo(5);
		assertThat(meters.find("mesh.client.requests")
			.tag("service", "inventory")
			.timers()
			.stream()
			.mapToLong((timer) -> timer.count())
			.sum()).isEqualTo(6);
		assertThat(meters.get("mesh.client.requests")
			.tag("outcome", "SERVER_ERROR")
			.tag("instance", "busy")
			.tag("status", "503")
			.tag("attempt", "1")
			.timer()
			.count()).isEqualTo(1);
		assertThat(meters.get("mesh.client.requests").tag("attempt", "2").timer().count()).isEqualTo(1);
		assertThat(meters.get("mesh.client.retries").tag("service", "inventory").functionCounter().count())
			.isEqualTo(1);
		assertThat(meters.get("mesh.client.instances.available").tag("service", "inventory").gauge().value())
			.isEqualTo(2);
		assertThat(meters.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("mesh.")
				&& meter.getId().getTags().stream().anyMatch((tag) -> tag.getValue().contains("/place")));
	}

	@Test
	void shouldTimeCallsThatFailedOrNeverStartedWithTheirOutcome() throws Exception {
		TestServer gone = this.mesh.server("gone");
		start(List.of(gone), "mesh.clients.inventory.retry.max-attempts=2");
		gone.close();
		RestClient inventory = this.mesh.client("inventory");
		RestClient payments = this.mesh.client("payments");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory.get().uri("/api/stock/apple").retrieve().body(String.class));
		assertThatExceptionOfType(NoInstanceAvailableException.class)
			.isThrownBy(() -> payments.get().uri("/api/pay").retrieve().body(String.class));
		MeterRegistry meters = this.mesh.bean(MeterRegistry.class);
		assertThat(meters.get("mesh.client.calls")
			.tag("service", "inventory")
			.tag("status", "IO_ERROR")
			.tag("outcome", "CONNECT_FAILURE")
			.timer()
			.count()).isEqualTo(1);
		assertThat(meters.find("mesh.client.requests")
			.tag("service", "inventory")
			.tag("outcome", "CONNECT_FAILURE")
			.timers()
			.stream()
			.mapToLong((timer) -> timer.count())
			.sum()).as("both attempts").isEqualTo(2);
		assertThat(meters.get("mesh.client.calls")
			.tag("service", "payments")
			.tag("method", "GET")
			.tag("status", "NONE")
			.tag("outcome", "REJECTED")
			.timer()
			.count()).isEqualTo(1);
	}

	@Test
	void shouldStayUpWhenACalledServiceIsDownUnlessAskedOtherwise() throws Exception {
		TestServer healthy = this.mesh.server("healthy");
		start(List.of(healthy));
		this.mesh.client("payments");
		get("/place");
		HttpResponse<String> health = get("/actuator/health/mesh");
		assertThat(health.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(health.body());
		assertThat(body.path("status").asText()).isEqualTo("UP");
		assertThat(body.path("details").path("clients").path("inventory").path("total").asInt()).isEqualTo(1);
		assertThat(body.path("details").path("clients").path("inventory").path("available").asInt()).isEqualTo(1);
		assertThat(body.path("details").path("clients").path("inventory").path("ejected").asInt()).isZero();
		assertThat(body.path("details").path("clients").path("payments").path("status").asText())
			.isEqualTo("UNAVAILABLE");
		assertThat(body.path("details").path("registration").path("weight").asInt()).isEqualTo(3);
		assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
		this.mesh.closeContext();

		start(List.of(healthy), "mesh.health.downstream-affects-status=true");
		get("/place");
		assertThat(get("/actuator/health/mesh").statusCode()).isEqualTo(503);
	}

	@Test
	void shouldDescribeTheMeshWithoutEverShowingATokenOrSecret() throws Exception {
		TestAuthorizationServer auth = this.mesh.keep(TestAuthorizationServer.start(Duration.ofMinutes(5)));
		TestServer healthy = this.mesh.server("healthy");
		List<String> extra = new ArrayList<>(TestAuthorizationServer.meshRegistration(auth.tokenUri()));
		extra.add("mesh.clients.payments.oauth2.enabled=false");
		start(List.of(healthy), extra.toArray(String[]::new));
		get("/place");
		String token = healthy.lastHeaders().get("authorization").substring("Bearer ".length());
		HttpResponse<String> response = get("/actuator/mesh");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode mesh = json.readTree(response.body());
		assertThat(mesh.path("self").path("weight").asInt()).isEqualTo(3);
		assertThat(mesh.path("self").path("zone").asText()).isEqualTo("eu-1a");
		JsonNode inventory = mesh.path("clients").path("inventory");
		assertThat(inventory.path("loadBalancer").asText()).isEqualTo("round-robin");
		assertThat(inventory.path("maxAttempts").asInt()).isEqualTo(3);
		assertThat(inventory.path("retryBudgetAvailable").asLong()).isPositive();
		JsonNode instance = inventory.path("instances").get(0);
		assertThat(instance.path("id").asText()).isEqualTo("healthy");
		assertThat(instance.path("uri").asText()).isEqualTo(healthy.uri());
		assertThat(instance.path("weight").asInt()).isEqualTo(1);
		assertThat(instance.path("ejected").asBoolean()).isFalse();
		assertThat(instance.path("requests").asLong()).isEqualTo(1);
		assertThat(instance.path("errors").asLong()).isZero();
		assertThat(instance.path("inFlight").asInt()).isZero();
		assertThat(instance.has("latencyEstimate")).isTrue();
		assertThat(inventory.path("token").path("registration").asText()).isEqualTo("mesh");
		assertThat(inventory.path("token").path("expiresAt").isMissingNode()).isFalse();
		assertThat(response.body()).doesNotContain(token).doesNotContain("order-secret");
		HttpResponse<String> env = get("/actuator/env");
		assertThat(env.body()).doesNotContain(token).doesNotContain("order-secret");
	}

	private HttpResponse<String> get(String path) throws Exception {
		int port = this.mesh.port();
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	private void start(List<TestServer> inventory, String... extra) {
		List<String> properties = new ArrayList<>(List.of("spring.application.name=order", "mesh.instance.weight=3",
				"mesh.instance.zone=eu-1a", "management.tracing.sampling.probability=1.0",
				"management.endpoints.web.exposure.include=health,mesh,env",
				"management.endpoint.health.show-details=always", "mesh.clients.inventory.load-balancer=round-robin"));
		properties.addAll(List.of(extra));
		this.mesh.start(Consumer.of(OrderApplication.class).servlet(), inventory, properties.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@RestController
	static class OrderApplication {

		private final RestClient inventory;

		OrderApplication(@MeshClient("inventory") RestClient inventory) {
			this.inventory = inventory;
		}

		@Bean
		@MeshClient("inventory")
		static RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

		@Bean
		@MeshClient("payments")
		static RestClient payments(RestClient.Builder builder) {
			return builder.build();
		}

		@Bean
		static InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

		@GetMapping("/place")
		String place() {
			return this.inventory.get().uri("/api/stock/{sku}", "apple").retrieve().body(String.class);
		}

	}

}
