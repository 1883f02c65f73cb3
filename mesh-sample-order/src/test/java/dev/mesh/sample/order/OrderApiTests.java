package dev.mesh.sample.order;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.mesh.client.NoInstanceAvailableException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The order service's HTTP API over a real server, with the inventory client replaced, so
 * these tests do not depend on the mesh client; {@link OrderInventoryIntegrationTests}
 * covers the real calls.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.cloud.consul.enabled=false", "server.address=127.0.0.1" })
class OrderApiTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	private int port;

	@MockitoBean
	private InventoryClient inventory;

	@Autowired
	private OrderBook orders;

	private RestClient http;

	@BeforeEach
	void createClient() {
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	@Test
	void shouldRejectInvalidOrdersWithoutCallingInventory() {
		int placed = this.orders.size();

		for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("quantity", 1),
				Map.of("sku", " ", "quantity", 1), Map.of("sku", "SKU-1", "quantity", 0),
				Map.of("sku", "SKU-1", "quantity", -1), Map.of("sku", "SKU-1"))) {
			ResponseEntity<Map<String, Object>> response = placeOrder(body);

			assertThat(response.getStatusCode()).as("status for %s", body).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		}
		assertThat(this.orders.size()).isEqualTo(placed);
		verifyNoInteractions(this.inventory);
	}

	@Test
	void shouldNameEveryRejectedFieldInTheProblem() {
		ResponseEntity<Map<String, Object>> response = placeOrder(Map.of("quantity", 0));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).extractingByKey("errors")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsOnlyKeys("sku", "quantity");
		verifyNoInteractions(this.inventory);
	}

	@Test
	void shouldRejectAnUnreadableBody() {
		ResponseEntity<Map<String, Object>> response = this.http.post()
			.uri("/api/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body("{not json")
			.retrieve()
			.toEntity(JSON);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		verifyNoInteractions(this.inventory);
	}

	@Test
	void shouldPlaceAnOrderAndReadItBack() {
		given(this.inventory.reserve(anyString(), eq("SKU-1"), eq(2)))
			.willReturn(new InventoryReservation("reservation-1", "inventory-8081"));

		ResponseEntity<Map<String, Object>> placed = placeOrder(Map.of("sku", "SKU-1", "quantity", 2));

		assertThat(placed.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		String orderId = (String) placed.getBody().get("orderId");
		assertThat(placed.getBody()).containsEntry("sku", "SKU-1")
			.containsEntry("quantity", 2)
			.containsEntry("reservationId", "reservation-1")
			.containsEntry("inventoryInstance", "inventory-8081");
		assertThat(placed.getHeaders().getLocation()).hasToString("/api/orders/" + orderId);
		ResponseEntity<Map<String, Object>> read = this.http.get()
			.uri(placed.getHeaders().getLocation().toString())
			.retrieve()
			.toEntity(JSON);
		assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(read.getBody()).isEqualTo(placed.getBody());
	}

	@Test
	void shouldAnswerUnknownOrderWithNotFoundProblem() {
		ResponseEntity<Map<String, Object>> response = this.http.get()
			.uri("/api/orders/{id}", "no-such-order")
			.retrieve()
			.toEntity(JSON);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Order not found");
	}

	@Test
	void shouldAnswerServiceUnavailableWhenNoInventoryInstanceIsAvailable() {
		given(this.inventory.reserve(anyString(), anyString(), anyInt()))
			.willThrow(new NoInstanceAvailableException("inventory", "no instances registered"));

		ResponseEntity<Map<String, Object>> response = placeOrder(Map.of("sku", "SKU-1", "quantity", 1));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Inventory unavailable")
			.containsEntry("service", "inventory");
		assertThat((String) response.getBody().get("detail")).contains("inventory");
	}

	@Test
	void shouldAnswerConflictWhenInventoryLacksStock() {
		given(this.inventory.reserve(anyString(), anyString(), anyInt())).willThrow(HttpClientErrorException
			.create(HttpStatus.CONFLICT, "Conflict", HttpHeaders.EMPTY, new byte[0], StandardCharsets.UTF_8));
		int placed = this.orders.size();

		ResponseEntity<Map<String, Object>> response = placeOrder(Map.of("sku", "SKU-1", "quantity", 1));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(response.getBody()).containsEntry("title", "Insufficient stock");
		assertThat(this.orders.size()).isEqualTo(placed);
	}

	@Test
	void shouldAnswerBadGatewayWhenInventoryFailsOtherwise() {
		given(this.inventory.reserve(anyString(), eq("SKU-500"), anyInt()))
			.willThrow(HttpServerErrorException.create(HttpStatus.INTERNAL_SERVER_ERROR, "Server Error",
					HttpHeaders.EMPTY, new byte[0], StandardCharsets.UTF_8));
		given(this.inventory.reserve(anyString(), eq("SKU-IO"), anyInt()))
			.willThrow(new ResourceAccessException("Connection refused"));

		for (String sku : List.of("SKU-500", "SKU-IO")) {
			ResponseEntity<Map<String, Object>> response = placeOrder(Map.of("sku", sku, "quantity", 1));

			assertThat(response.getStatusCode()).as("status for %s", sku).isEqualTo(HttpStatus.BAD_GATEWAY);
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(response.getBody()).containsEntry("title", "Inventory failed");
		}
	}

	private ResponseEntity<Map<String, Object>> placeOrder(Map<String, Object> body) {
		return this.http.post()
			.uri("/api/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body)
			.retrieve()
			.toEntity(JSON);
	}

}
