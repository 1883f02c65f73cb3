package dev.mesh.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.testsupport.FinishedSpans;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.TestAuthorizationServer;
import dev.mesh.testsupport.TestServer.Behaviour;
import dev.mesh.testsupport.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.springframework.web.service.registry.ImportHttpServices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Boot 4's HTTP service groups as mesh clients: an {@code @ImportHttpServices} group
 * whose interface is {@code @MeshClient("inventory")} calls real instances found through
 * discovery, balanced, failed over, cut at its deadlines, held to the retry budget,
 * metered and traced attempt by attempt, and with a token; the group settings that would
 * give the service a second transport, a base URL naming another host, and a group mixing
 * services fail startup naming what to change.
 */
class HttpServiceGroupTests {

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@Test
	void theGroupsCallsAreBalancedAcrossTheInstancesDiscoveryLists() {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		this.mesh.start(Consumer.of(InventoryGroup.class), List.of(a, b));
		InventoryApi inventory = this.mesh.bean(InventoryApi.class);
		for (int i = 0; i < 10; i++) {
			assertThat(inventory.stock("SKU-" + i)).isIn("a", "b");
		}
		assertThat(a.requests()).isEqualTo(5);
		assertThat(b.requests()).isEqualTo(5);
	}

	@Test
	void aCallToAStoppedInstanceFailsOverToAnother() {
		TestServer stopped = this.mesh.server("stopped");
		TestServer b = this.mesh.server("b");
		this.mesh.start(Consumer.of(InventoryGroup.class), List.of(stopped, b));
		stopped.close();
		InventoryApi inventory = this.mesh.bean(InventoryApi.class);
		for (int i = 0; i < 6; i++) {
			assertThat(inventory.stock("SKU-1")).isEqualTo("b");
		}
	}

	@Test
	void aPostReachesTheInstanceWithTheServicesToken() {
		TestServer a = this.mesh.server("a");
		try (TestAuthorizationServer auth = TestAuthorizationServer.start()) {
			List<String> properties = new ArrayList<>(TestAuthorizationServer.meshRegistration(auth.tokenUri()));
			this.mesh.start(Consumer.of(InventoryGroup.class), List.of(a), properties.toArray(String[]::new));
			InventoryApi inventory = this.mesh.bean(InventoryApi.class);
			assertThat(inventory.reserve("{\"sku\":\"SKU-1\",\"quantity\":2}")).isEqualTo("a");
			assertThat(a.reservations()).isEqualTo(1);
			assertThat(a.lastHeaders().get("authorization")).startsWith("Bearer ");
			assertThat(auth.tokenRequests()).isEqualTo(1);
		}
	}

	@Test
	void aGroupTimeoutFailsStartupPointingToTheMeshsSetting() {
		TestServer a = this.mesh.server("a");
		assertThatException()
			.isThrownBy(() -> this.mesh.start(Consumer.of(InventoryGroup.class), List.of(a),
					"spring.http.serviceclient.inventory.read-timeout=5s"))
			.havingRootCause()
			.withMessageContaining("spring.http.serviceclient.inventory.read-timeout is '5s'")
			.withMessageContaining("mesh.clients.inventory.*");
	}

	@Test
	void aBaseUrlNamingAnotherHostFailsStartup() {
		TestServer a = this.mesh.server("a");
		assertThatException()
			.isThrownBy(() -> this.mesh.start(Consumer.of(InventoryGroup.class), List.of(a),
					"spring.http.serviceclient.inventory.base-url=http://127.0.0.1:" + a.port()))
			.havingRootCause()
			.withMessageContaining("spring.http.serviceclient.inventory.base-url is 'http://127.0.0.1:" + a.port())
			.withMessageContaining("use http://inventory");
	}

	@Test
	void aBaseUrlNamingTheServiceIsKept() {
		TestServer a = this.mesh.server("a");
		this.mesh.start(Consumer.of(InventoryGroup.class), List.of(a),
				"spring.http.serviceclient.inventory.base-url=http://inventory/v2");
		assertThat(this.mesh.bean(InventoryApi.class).stock("SKU-1")).isEqualTo("a");
		assertThat(a.lastHeaders().get(":path")).isEqualTo("/v2/api/stock/SKU-1");
	}

	@Test
	void aGroupWhoseNameIsNoCanonicalPropertyNameIsAMeshClientAndItsSettingsAreChecked() {
		TestServer a = this.mesh.server("a");
		this.mesh.start(Consumer.of(CamelCaseGroup.class), List.of(a),
				"spring.http.serviceclient.inventoryApi.base-url=http://inventory/v2");
		assertThat(this.mesh.bean(InventoryApi.class).stock("SKU-1")).isEqualTo("a");
		assertThat(a.lastHeaders().get(":path")).isEqualTo("/v2/api/stock/SKU-1");
		this.mesh.closeContext();
		assertThatException()
			.isThrownBy(() -> this.mesh.start(Consumer.of(CamelCaseGroup.class), List.of(a),
					"spring.http.serviceclient.inventoryApi.read-timeout=5s"))
			.havingRootCause()
			.withMessageContaining("spring.http.serviceclient.inventoryApi.read-timeout is '5s'");
	}

	@Test
	void theBaseUrlAndRequestFactoryTheApplicationGivesTheGroupAreKept() {
		TestServer a = this.mesh.server("a");
		this.mesh.start(Consumer.of(CustomizedGroup.class), List.of(a));
		assertThat(this.mesh.bean(InventoryApi.class).stock("SKU-1")).isEqualTo("a");
		assertThat(a.lastHeaders().get(":path")).isEqualTo("/v3/api/stock/SKU-1");
		assertThat(this.mesh.bean(CountingRequestFactory.class).requests()).isEqualTo(1);
	}

	@Test
	void aGroupMixingAMeshInterfaceWithAPlainOneFailsStartupNamingBoth() {
		TestServer a = this.mesh.server("a");
		assertThatException().isThrownBy(() -> this.mesh.start(Consumer.of(MixedGroup.class), List.of(a)))
			.havingRootCause()
			.withMessageContaining("HTTP service group 'inventory'")
			.withMessageContaining(InventoryApi.class.getName() + " is @MeshClient(\"inventory\")")
			.withMessageContaining(PlainApi.class.getName() + " has no @MeshClient");
	}

	@Test
	void aGroupWithoutMeshInterfacesIsLeftAsBootMadeIt() {
		TestServer a = this.mesh.server("a");
		this.mesh.start(Consumer.of(PlainGroup.class), List.of(a),
				"spring.http.serviceclient.plain.base-url=" + a.uri());
		assertThat(this.mesh.bean(PlainApi.class).stock("SKU-1")).isEqualTo("a");
		assertThat(this.mesh.bean(MeshClientFactory.class).clients()).isEmpty();
	}

	@Test
	void aFailedOverCallThroughTheGroupIsMeteredAndTracedAttemptByAttempt() throws InterruptedException {
		TestServer busy = this.mesh.server("busy").behave(Behaviour.status(503));
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(Consumer.of(TracedInventoryGroup.class), List.of(busy, healthy),
				"mesh.clients.inventory.load-balancer=round-robin", "management.tracing.sampling.probability=1.0",
				"mesh.clients.inventory.outlier.consecutive-failures=100");
		InventoryApi inventory = this.mesh.bean(InventoryApi.class);
		for (int i = 0; i < 4; i++) {
			assertThat(inventory.stock("SKU-1")).isEqualTo("healthy");
		}
		MeterRegistry meters = this.mesh.bean(MeterRegistry.class);
		assertThat(
				meters.get("mesh.client.calls").tag("service", "inventory").tag("outcome", "SUCCESS").timer().count())
			.isEqualTo(4);
		long refused = meters.get("mesh.client.requests")
			.tag("instance", "busy")
			.tag("status", "503")
			.timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
		assertThat(refused).isEqualTo(busy.requests()).isBetween(1L, 4L);
		assertThat(meters.get("mesh.client.retries").tag("service", "inventory").functionCounter().count())
			.isEqualTo(refused);
		InMemorySpanExporter spans = this.mesh.bean(InMemorySpanExporter.class);
		SpanData retried = FinishedSpans.await(spans, "mesh inventory attempt 2");
		SpanData first = FinishedSpans.await(spans, "mesh inventory attempt 1", retried.getTraceId());
		assertThat(first.getParentSpanId()).isEqualTo(retried.getParentSpanId());
		assertThat(spans.getFinishedSpanItems()).filteredOn((span) -> span.getSpanId().equals(first.getParentSpanId()))
			.singleElement()
			.satisfies((call) -> assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT));
	}

	@Test
	void aGroupCallIsCutAtItsAttemptTimeoutAndAnsweredByAnotherInstanceWithinTheDeadline() {
		TestServer hung = this.mesh.server("hung").behave(Behaviour.delay(Duration.ofSeconds(3)));
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(Consumer.of(InventoryGroup.class), List.of(hung, healthy),
				"mesh.clients.inventory.load-balancer=round-robin", "mesh.clients.inventory.per-attempt-timeout=200ms",
				"mesh.clients.inventory.timeout=1s");
		InventoryApi inventory = this.mesh.bean(InventoryApi.class);
		for (int i = 0; i < 2; i++) {
			long started = System.nanoTime();
			assertThat(inventory.stock("SKU-1")).isEqualTo("healthy");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		}
		assertThat(hung.requests()).isPositive();
	}

	@Test
	void aGroupCallToOnlyAHungInstanceFailsAtTheDeadline() {
		TestServer hung = this.mesh.server("hung").behave(Behaviour.delay(Duration.ofSeconds(3)));
		this.mesh.start(Consumer.of(InventoryGroup.class), List.of(hung), "mesh.clients.inventory.timeout=300ms");
		InventoryApi inventory = this.mesh.bean(InventoryApi.class);
		long started = System.nanoTime();
		assertThatExceptionOfType(RestClientException.class).isThrownBy(() -> inventory.stock("SKU-1"))
			.withMessageContaining("inventory");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
	}

	@Test
	void groupCallsRetryOnlyAsFarAsTheServicesRetryBudgetAllows() {
		TestServer a = this.mesh.server("a").behave(Behaviour.status(503));
		TestServer b = this.mesh.server("b").behave(Behaviour.status(503));
		this.mesh.start(Consumer.of(InventoryGroup.class), List.of(a, b),
				"mesh.clients.inventory.outlier.consecutive-failures=1000",
				"mesh.clients.inventory.retry.budget.ratio=0", "mesh.clients.inventory.retry.budget.min-per-second=0");
		InventoryApi inventory = this.mesh.bean(InventoryApi.class);
		for (int i = 0; i < 20; i++) {
			assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(() -> inventory.stock("SKU-1"));
		}
		assertThat(a.requests() + b.requests()).as("an empty budget: one attempt per call, not three").isEqualTo(20);
	}

	@MeshClient("inventory")
	@HttpExchange("/api")
	interface InventoryApi {

		@GetExchange("/stock/{sku}")
		String stock(@PathVariable String sku);

		@PostExchange(url = "/reservations", contentType = "application/json")
		String reserve(@RequestBody String reservation);

	}

	@HttpExchange("/api")
	interface PlainApi {

		@GetExchange("/stock/{sku}")
		String stock(@PathVariable String sku);

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "inventory", types = InventoryApi.class)
	static class InventoryGroup {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "inventory", types = InventoryApi.class)
	static class TracedInventoryGroup {

		@Bean
		static InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "inventoryApi", types = InventoryApi.class)
	static class CamelCaseGroup {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "inventory", types = InventoryApi.class)
	static class CustomizedGroup {

		@Bean
		CountingRequestFactory countingRequestFactory() {
			return new CountingRequestFactory();
		}

		@Bean
		RestClientHttpServiceGroupConfigurer inventoryGroupConfigurer(CountingRequestFactory factory) {
			return (groups) -> groups.filterByName("inventory")
				.forEachClient((group, builder) -> builder.baseUrl("http://inventory/v3").requestFactory(factory));
		}

	}

	static class CountingRequestFactory extends SimpleClientHttpRequestFactory {

		private final AtomicInteger requests = new AtomicInteger();

		@Override
		public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
			this.requests.incrementAndGet();
			return super.createRequest(uri, httpMethod);
		}

		int requests() {
			return this.requests.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "inventory", types = { InventoryApi.class, PlainApi.class })
	static class MixedGroup {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@ImportHttpServices(group = "plain", types = PlainApi.class)
	static class PlainGroup {

	}

}
