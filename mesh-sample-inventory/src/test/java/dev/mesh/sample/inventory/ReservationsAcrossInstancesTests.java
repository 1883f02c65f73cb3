package dev.mesh.sample.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two inventory instances on one shared database, as the mesh sees them: a POST with an
 * {@code Idempotency-Key} that the mesh retries on the other instance (after the first
 * one reserved but its answer was lost) must find the first reservation, not make a
 * second one.
 */
class ReservationsAcrossInstancesTests {

	private static InventoryInstances instances;

	private static RestClient a;

	private static RestClient b;

	@BeforeAll
	static void start() throws Exception {
		instances = InventoryInstances.start();
		a = instances
			.startInventory("--inventory.stock.SKU-X=100", "--inventory.stock.SKU-LAST=10",
					"--inventory.instance-id=inventory-a")
			.http();
		// B is configured with other counts: the shared table keeps what the first
		// instance added.
		b = instances
			.startInventory("--inventory.stock.SKU-X=5", "--inventory.stock.SKU-LAST=500",
					"--inventory.instance-id=inventory-b")
			.http();
	}

	@AfterAll
	static void stop() throws Exception {
		instances.close();
	}

	@Test
	void shouldAnswerAKeyRetriedOnAnotherInstanceWithTheFirstReservation() {
		int before = available(a, "SKU-1");
		Map<String, Object> body = Map.of("orderId", "order-retried", "sku", "SKU-1", "quantity", 2);

		ResponseEntity<Map<String, Object>> first = reserve(a, "order-retried", body);
		ResponseEntity<Map<String, Object>> retried = reserve(b, "order-retried", body);

		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(retried.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(retried.getBody()).isEqualTo(first.getBody()).containsEntry("instance", "inventory-a");
		assertThat(retried.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
		assertThat(retried.getHeaders().getFirst("X-Mesh-Instance")).isEqualTo("inventory-b");
		assertThat(available(a, "SKU-1")).isEqualTo(before - 2);
		assertThat(available(b, "SKU-1")).isEqualTo(before - 2);
	}

	@Test
	void shouldMakeOneReservationWhenBothInstancesGetTheSameKeyAtOnce() throws Exception {
		int before = available(a, "SKU-X");
		ExecutorService pool = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 20; round++) {
				String key = "order-concurrent-" + round;
				Map<String, Object> body = Map.of("orderId", key, "sku", "SKU-X", "quantity", 1);
				CountDownLatch go = new CountDownLatch(1);
				List<CompletableFuture<ResponseEntity<Map<String, Object>>>> answers = new ArrayList<>();
				for (RestClient instance : List.of(a, b)) {
					answers.add(CompletableFuture.supplyAsync(() -> {
						awaitQuietly(go);
						return reserve(instance, key, body);
					}, pool));
				}
				go.countDown();
				ResponseEntity<Map<String, Object>> fromA = answers.get(0).get(30, TimeUnit.SECONDS);
				ResponseEntity<Map<String, Object>> fromB = answers.get(1).get(30, TimeUnit.SECONDS);

				assertThat(fromA.getStatusCode()).as("round %d: %s", round, fromA.getBody())
					.isEqualTo(HttpStatus.CREATED);
				assertThat(fromB.getStatusCode()).as("round %d: %s", round, fromB.getBody())
					.isEqualTo(HttpStatus.CREATED);
				assertThat(fromB.getBody().get("reservationId")).as("round %d", round)
					.isEqualTo(fromA.getBody().get("reservationId"));
			}
		}
		finally {
			pool.shutdown();
		}
		assertThat(available(a, "SKU-X")).isEqualTo(before - 20);
		assertThat(available(b, "SKU-X")).isEqualTo(before - 20);
	}

	@Test
	void shouldNeverSellTheLastUnitsTwiceAcrossInstances() throws Exception {
		assertThat(available(b, "SKU-LAST")).isEqualTo(10);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		List<CompletableFuture<ResponseEntity<Map<String, Object>>>> answers = new ArrayList<>();
		try {
			for (int i = 0; i < 30; i++) {
				RestClient instance = (i % 2 == 0) ? a : b;
				Map<String, Object> body = Map.of("orderId", "order-last-" + i, "sku", "SKU-LAST", "quantity", 1);
				String key = "order-last-" + i;
				answers.add(CompletableFuture.supplyAsync(() -> reserve(instance, key, body), pool));
			}
			int created = 0;
			for (CompletableFuture<ResponseEntity<Map<String, Object>>> answer : answers) {
				ResponseEntity<Map<String, Object>> response = answer.get(30, TimeUnit.SECONDS);
				assertThat(response.getStatusCode()).as("%s", response.getBody())
					.isIn(HttpStatus.CREATED, HttpStatus.CONFLICT);
				created += response.getStatusCode().equals(HttpStatus.CREATED) ? 1 : 0;
			}
			assertThat(created).isEqualTo(10);
		}
		finally {
			pool.shutdown();
		}
		assertThat(available(a, "SKU-LAST")).isZero();
	}

	@Test
	void shouldRefuseAKeyReusedOnAnotherInstanceForAnotherRequest() {
		reserve(a, "order-reused", Map.of("orderId", "order-reused", "sku", "SKU-1", "quantity", 1));
		int before = available(b, "SKU-1");

		ResponseEntity<Map<String, Object>> response = reserve(b, "order-reused",
				Map.of("orderId", "order-reused", "sku", "SKU-1", "quantity", 5));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
		assertThat(response.getBody()).containsEntry("title", "Idempotency-Key reused");
		assertThat(available(b, "SKU-1")).isEqualTo(before);
	}

	@Test
	void shouldReadAReservationOnAnyInstance() {
		ResponseEntity<Map<String, Object>> made = reserve(a, null,
				Map.of("orderId", "order-read-anywhere", "sku", "SKU-1", "quantity", 1));

		ResponseEntity<Map<String, Object>> read = b.get()
			.uri("/api/reservations/{id}", made.getBody().get("reservationId"))
			.retrieve()
			.toEntity(InventoryInstances.JSON);

		assertThat(read.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(read.getBody()).isEqualTo(made.getBody());
	}

	static ResponseEntity<Map<String, Object>> reserve(RestClient instance, String key, Map<String, Object> body) {
		return instance.post().uri("/api/reservations").headers((headers) -> {
			if (key != null) {
				headers.set("Idempotency-Key", key);
			}
		}).contentType(MediaType.APPLICATION_JSON).body(body).retrieve().toEntity(InventoryInstances.JSON);
	}

	static int available(RestClient instance, String sku) {
		return (Integer) instance.get()
			.uri("/api/stock/{sku}", sku)
			.retrieve()
			.body(InventoryInstances.JSON)
			.get("available");
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
