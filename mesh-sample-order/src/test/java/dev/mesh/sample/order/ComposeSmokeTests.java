package dev.mesh.sample.order;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole sample mesh from the repository's {@code docker-compose.yml}: images built
 * from this checkout, Consul, auth, two inventory instances, order and Zipkin. Orders
 * placed on the published order port all succeed and both inventory instances serve some.
 * Skipped where there is no Docker; slow (it builds three images).
 */
@Testcontainers(disabledWithoutDocker = true)
class ComposeSmokeTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@Container
	static final ComposeContainer mesh = new ComposeContainer(ComposeFileTests.COMPOSE_FILE.toFile())
		.withLocalCompose(true)
		.withBuild(true)
		.withExposedService("order", 8080, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(15)));

	@Test
	void shouldPlaceOrdersThroughTheMesh() {
		String url = "http://" + mesh.getServiceHost("order", 8080) + ":" + mesh.getServicePort("order", 8080);
		RestClient order = RestClient.builder()
			.baseUrl(url)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
		Map<String, Integer> servedBy = new TreeMap<>();
		for (int i = 0; i < 8; i++) {
			ResponseEntity<Map<String, Object>> placed = order.post()
				.uri("/api/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("sku", "SKU-1", "quantity", 1))
				.retrieve()
				.toEntity(JSON);
			assertThat(placed.getStatusCode()).as("order %d: %s", i, placed.getBody()).isEqualTo(HttpStatus.CREATED);
			servedBy.merge((String) placed.getBody().get("inventoryInstance"), 1, Integer::sum);
		}
		// Weights 3 and 1: about 6 and 2 (exactly, once both are in every order
		// instance's cache).
		assertThat(servedBy).containsOnlyKeys("inventory-a", "inventory-b");
	}

}
