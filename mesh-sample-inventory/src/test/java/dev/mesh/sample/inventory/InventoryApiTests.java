package dev.mesh.sample.inventory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;

/**
 * The inventory's HTTP API, over a real server and client. Requests carry a token of
 * caller {@code order}; the token decoder is replaced, so these tests need no
 * authorization server (mesh-sample-order's OrderInventoryIntegrationTests uses the real
 * one). One instance, on an in-memory database of its own;
 * {@link ReservationsAcrossInstancesTests} runs two on a shared database server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.cloud.consul.enabled=false", "server.address=127.0.0.1", "inventory.stock.SKU-T=50",
				"spring.datasource.url=jdbc:h2:mem:inventory-api-test;DB_CLOSE_DELAY=-1" })
class InventoryApiTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	@LocalServerPort
	private int port;

	@Autowired
	private ReservationDesk desk;

	private RestClient http;

	@MockitoBean
	private JwtDecoder jwtDecoder;

	/** The mesh checks the issuer of every token, whatever decoder read it. */
	@Value("${spring.security.oauth2.resourceserver.jwt.issuer-uri}")
	private String issuer;

	@BeforeEach
	void createClient() {
		Jwt orderToken = Jwt.withTokenValue("order-token")
			.header("alg", "RS256")
			.issuer(this.issuer)
			.claim("azp", "order")
			.claim("aud", List.of("inventory"))
			.claim("scope", "inventory.read inventory.write")
			.issuedAt(Instant.now())
			.expiresAt(Instant.now().plusSeconds(300))
			.build();
		given(this.jwtDecoder.decode("order-token")).willReturn(orderToken);
		this.http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer order-token")
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	@Test
	void shouldReportStockSeededFromConfiguration() {
		// No test reserves SKU-3 (the tests share one context), so it still has what
		// application.yml gives.
		ResponseEntity<Map<String, Object>> response = getStock("SKU-3");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).containsEntry("sku", "SKU-3").containsEntry("available", 1000);
	}

	@Test
	void shouldAnswerUnknownSkuWithNotFoundProblem() {
		ResponseEntity<Map<String, Object>> response = getStock("NO-SUCH-SKU");

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Unknown SKU");
		assertThat(response.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-" + this.port);
	}

	@Test
	void shouldReserveStockAndNameTheInstance() {
		int before = available("SKU-2");

		ResponseEntity<Map<String, Object>> response = reserve(null,
				Map.of("orderId", "order-1", "sku", "SKU-2", "quantity", 3));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(response.getBody()).containsKey("reservationId")
			.containsEntry("orderId", "order-1")
			.containsEntry("sku", "SKU-2")
			.containsEntry("quantity", 3)
			.containsEntry("instance", "inventory-" + this.port)
			.containsEntry("caller", "order");
		assertThat(response.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-" + this.port);
		assertThat(available("SKU-2")).isEqualTo(before - 3);
	}

	@Test
	void shouldReadAReservationBackWithItsCaller() {
		ResponseEntity<Map<String, Object>> made = reserve(null,
				Map.of("orderId", "order-read", "sku", "SKU-2", "quantity", 1));

		ResponseEntity<Map<String, Object>> read = this.http.get()
			.uri("/api/reservations/{id}", made.getBody().get("reservationId"))
			.retrieve()
			.toEntity(JSON);

		assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(read.getBody()).isEqualTo(made.getBody()).containsEntry("caller", "order");
		assertThat(this.http.get()
			.uri("/api/reservations/{id}", "no-such-id")
			.retrieve()
			.toBodilessEntity()
			.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void shouldRefuseCallsWithoutATokenButKeepHealthOpen() {
		RestClient anonymous = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();

		ResponseEntity<Void> stock = anonymous.get().uri("/api/stock/SKU-1").retrieve().toBodilessEntity();

		assertThat(stock.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(stock.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
		assertThat(anonymous.get().uri("/actuator/health").retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.OK);
		// Tests turn metrics export off (so 404 here), but the path must not ask for a
		// token.
		assertThat(anonymous.get().uri("/actuator/prometheus").retrieve().toBodilessEntity().getStatusCode())
			.isNotEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void shouldRefuseReservationsFromCallersOtherThanOrder() {
		given(this.jwtDecoder.decode("billing-token")).willReturn(Jwt.withTokenValue("billing-token")
			.header("alg", "RS256")
			.issuer(this.issuer)
			.claim("azp", "billing")
			.claim("aud", List.of("inventory"))
			.claim("scope", "inventory.read inventory.write")
			.issuedAt(Instant.now())
			.expiresAt(Instant.now().plusSeconds(300))
			.build());

		ResponseEntity<Map<String, Object>> response = this.http.post()
			.uri("/api/reservations")
			.header(HttpHeaders.AUTHORIZATION, "Bearer billing-token")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("orderId", "order-billing", "sku", "SKU-2", "quantity", 1))
			.retrieve()
			.toEntity(JSON);

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat((String) response.getBody().get("detail")).contains("billing");
	}

	@Test
	void shouldRejectInvalidReservationsAndStoreNothing() {
		int reservations = this.desk.count();
		int before = available("SKU-3");

		for (Map<String, Object> body : List.<Map<String, Object>>of(Map.of("orderId", "order-2", "quantity", 1),
				Map.of("sku", "SKU-3", "quantity", 1), Map.of("orderId", "order-2", "sku", "SKU-3", "quantity", 0),
				Map.of("orderId", "order-2", "sku", "SKU-3", "quantity", -4),
				Map.of("orderId", "order-2", "sku", "SKU-3"))) {
			ResponseEntity<Map<String, Object>> response = reserve("key-invalid", body);

			assertThat(response.getStatusCode()).as("status for %s", body).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
			assertThat(response.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-" + this.port);
		}
		assertThat(this.desk.count()).isEqualTo(reservations);
		assertThat(available("SKU-3")).isEqualTo(before);
	}

	@Test
	void shouldNameEveryRejectedFieldInTheProblem() {
		ResponseEntity<Map<String, Object>> response = reserve(null, Map.of("sku", "", "quantity", 0));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getBody()).extractingByKey("errors")
			.asInstanceOf(InstanceOfAssertFactories.MAP)
			.containsOnlyKeys("orderId", "sku", "quantity");
	}

	@Test
	void shouldReserveOnlyOncePerIdempotencyKey() {
		int reservations = this.desk.count();
		int before = available("SKU-1");
		Map<String, Object> body = Map.of("orderId", "order-3", "sku", "SKU-1", "quantity", 2);

		ResponseEntity<Map<String, Object>> first = reserve("order-3", body);
		ResponseEntity<Map<String, Object>> second = reserve("order-3", body);

		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(second.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(second.getBody()).isEqualTo(first.getBody());
		assertThat(second.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(this.desk.count()).isEqualTo(reservations + 1);
		assertThat(available("SKU-1")).isEqualTo(before - 2);
	}

	@Test
	void shouldRefuseAnIdempotencyKeyReusedForAnotherRequest() {
		reserve("order-4", Map.of("orderId", "order-4", "sku", "SKU-1", "quantity", 1));

		ResponseEntity<Map<String, Object>> response = reserve("order-4",
				Map.of("orderId", "order-4", "sku", "SKU-1", "quantity", 9));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
		assertThat(response.getBody()).containsEntry("title", "Idempotency-Key reused");
	}

	@Test
	void shouldAnswerTooLargeReservationWithConflictProblem() {
		ResponseEntity<Map<String, Object>> response = reserve(null,
				Map.of("orderId", "order-5", "sku", "SKU-T", "quantity", 51));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Insufficient stock");
		assertThat(response.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-" + this.port);
		assertThat(available("SKU-T")).isEqualTo(50);
	}

	@Test
	void shouldNameTheInstanceOnUnmappedPathsAndActuator() {
		ResponseEntity<String> missing = this.http.get().uri("/no/such/path").retrieve().toEntity(String.class);
		ResponseEntity<String> health = this.http.get().uri("/actuator/health").retrieve().toEntity(String.class);

		assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(missing.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-" + this.port);
		assertThat(health.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(health.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-" + this.port);
	}

	private ResponseEntity<Map<String, Object>> getStock(String sku) {
		return this.http.get().uri("/api/stock/{sku}", sku).retrieve().toEntity(JSON);
	}

	private int available(String sku) {
		return (Integer) getStock(sku).getBody().get("available");
	}

	private ResponseEntity<Map<String, Object>> reserve(String idempotencyKey, Map<String, Object> body) {
		return this.http.post().uri("/api/reservations").headers((headers) -> {
			if (idempotencyKey != null) {
				headers.set("Idempotency-Key", idempotencyKey);
			}
		}).contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toEntity(JSON);
	}

}
