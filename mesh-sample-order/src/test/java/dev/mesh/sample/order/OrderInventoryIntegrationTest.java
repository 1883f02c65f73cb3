package dev.mesh.sample.order;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.mesh.sample.inventory.InventoryApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Order and inventory as they run for real, in one JVM: three inventory instances with weights 1, 2 and 3
 * listed in order's static discovery, and orders placed over HTTP. Needs the mesh auto-configuration
 * (mesh-autoconfigure) to route order's {@code @MeshClient("inventory")} calls.
 * <p>
 * Every application gets its settings as command-line arguments: they outrank any config file, and both
 * samples' {@code application.yml} are on this classpath, of which only order's is read.
 */
class OrderInventoryIntegrationTest {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/** Inventory instance id (its X-Mesh-Instance header) to its weight, in start order. */
	private static final Map<String, Integer> weightByInstance = new LinkedHashMap<>();

	/** Inventory instance id to its base URL. */
	private static final Map<String, String> urlByInstance = new LinkedHashMap<>();

	private static RestClient order;

	private static RestClient orderWithoutInventory;

	@BeforeAll
	static void startServices() {
		List<String> inventoryInstances = new ArrayList<>();
		for (int weight = 1; weight <= 3; weight++) {
			ConfigurableApplicationContext inventory = start(InventoryApplication.class, "--spring.application.name=inventory",
					"--mesh.instance.weight=" + weight, "--inventory.stock.SKU-1=10000");
			String url = baseUrl(inventory);
			String instanceId = http(url).get()
				.uri("/api/stock/SKU-1")
				.retrieve()
				.toBodilessEntity()
				.getHeaders()
				.getFirst("X-Mesh-Instance");
			weightByInstance.put(instanceId, weight);
			urlByInstance.put(instanceId, url);
			int i = inventoryInstances.size() / 2;
			inventoryInstances.add("--spring.cloud.discovery.client.simple.instances.inventory[" + i + "].uri=" + url);
			inventoryInstances.add("--spring.cloud.discovery.client.simple.instances.inventory[" + i
					+ "].metadata.weight=" + weight);
		}
		List<String> orderArgs = new ArrayList<>(inventoryInstances);
		orderArgs.add("--spring.application.name=order");
		order = http(baseUrl(start(OrderApplication.class, orderArgs.toArray(String[]::new))));
		orderWithoutInventory = http(baseUrl(start(OrderApplication.class, "--spring.application.name=order")));
	}

	@AfterAll
	static void stopServices() {
		List<ConfigurableApplicationContext> reversed = new ArrayList<>(contexts);
		Collections.reverse(reversed);
		reversed.forEach(ConfigurableApplicationContext::close);
		contexts.clear();
	}

	@Test
	void shouldSpreadOrdersOverInventoryInstancesByWeight() {
		Map<String, Integer> servedBy = new TreeMap<>();
		for (int i = 0; i < 600; i++) {
			ResponseEntity<Map<String, Object>> response = placeOrder(order);
			assertThat(response.getStatusCode()).as("order %d: %s", i, response.getBody())
				.isEqualTo(HttpStatus.CREATED);
			servedBy.merge((String) response.getBody().get("inventoryInstance"), 1, Integer::sum);
		}

		Map<String, Integer> expected = new TreeMap<>();
		weightByInstance.forEach((instance, weight) -> expected.put(instance, 100 * weight));
		assertThat(servedBy).isEqualTo(expected);
		urlByInstance.forEach((instance, url) -> assertThat(available(url))
			.as("stock left at %s", instance)
			.isEqualTo(10000 - 100 * weightByInstance.get(instance)));
	}

	@Test
	void shouldAnswerServiceUnavailableWhenNoInventoryInstanceIsKnown() {
		ResponseEntity<Map<String, Object>> response = placeOrder(orderWithoutInventory);

		assertThat(response.getStatusCode()).as("%s", response.getBody()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Inventory unavailable");
		assertThat((String) response.getBody().get("detail")).contains("inventory");
	}

	private static ConfigurableApplicationContext start(Class<?> application, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--spring.cloud.consul.enabled=false", "--spring.main.banner-mode=off"));
		all.addAll(List.of(args));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.run(all.toArray(String[]::new));
		contexts.add(context);
		return context;
	}

	private static String baseUrl(ConfigurableApplicationContext context) {
		return "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port");
	}

	private static RestClient http(String baseUrl) {
		return RestClient.builder()
			.baseUrl(baseUrl)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	private static ResponseEntity<Map<String, Object>> placeOrder(RestClient order) {
		return order.post()
			.uri("/api/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("sku", "SKU-1", "quantity", 1))
			.retrieve()
			.toEntity(JSON);
	}

	private static int available(String inventoryUrl) {
		return (Integer) http(inventoryUrl).get().uri("/api/stock/SKU-1").retrieve().body(JSON).get("available");
	}

}
