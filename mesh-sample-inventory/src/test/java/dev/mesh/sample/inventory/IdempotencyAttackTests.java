package dev.mesh.sample.inventory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static dev.mesh.sample.inventory.ReservationsAcrossInstancesTests.available;
import static dev.mesh.sample.inventory.ReservationsAcrossInstancesTests.reserve;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plays a hostile caller of {@code POST /api/reservations}: {@code Idempotency-Key}
 * values and bodies that a broken or malicious client would send. Each is refused on its
 * own with a 400 problem (never a 500, never stock taken), the service keeps answering,
 * and a key is only ever data, never SQL. Requests carry a real token of caller
 * {@code order}, because only order may reserve; raw sockets send what an HTTP client
 * library would refuse to.
 */
class IdempotencyAttackTests {

	private static InventoryInstances instances;

	private static RestClient inventory;

	private static int port;

	@BeforeAll
	static void start() throws Exception {
		instances = InventoryInstances.start();
		InventoryInstances.Inventory started = instances.startInventory("--inventory.stock.SKU-A=1000");
		inventory = started.http();
		port = started.port();
	}

	@AfterAll
	static void stop() throws Exception {
		instances.close();
	}

	@Test
	void shouldRefuseAKeyLongerThanTheLimit() {
		assertRefused(reserveA("k".repeat(IdempotencyKey.MAX_LENGTH + 1)), "at most " + IdempotencyKey.MAX_LENGTH);
		assertRefused(reserveA("k".repeat(7000)), "at most " + IdempotencyKey.MAX_LENGTH);
	}

	@Test
	void shouldAcceptAndReplayAKeyOfExactlyTheLimit() {
		String key = "k".repeat(IdempotencyKey.MAX_LENGTH);
		ResponseEntity<Map<String, Object>> first = reserveA(key);
		ResponseEntity<Map<String, Object>> again = reserveA(key);

		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(again.getBody()).isEqualTo(first.getBody());
		assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
	}

	@Test
	void shouldRefuseEmptyAndBlankKeys() {
		assertRefused(reserveA(""), "empty");
		assertRefused(reserveA("   "), "empty");
	}

	@Test
	void shouldRefuseKeysWithControlOrNonAsciiCharacters() throws IOException {
		// Tomcat passes a tab and bytes 0x80-0xFF through to the application; other
		// control characters it
		// refuses itself. Either way the answer is a 400, and no stock is taken.
		int before = available(inventory, "SKU-A");
		for (byte[] key : List.of(bytes("a\tb"), bytes("a\u0001b"), bytes("a\u007fb"), bytes("a\rb"),
				new byte[] { 'a', (byte) 0xE9, 'b' }, "ключ".getBytes(StandardCharsets.UTF_8))) {
			String status = rawReserve(key);
			assertThat(status).as("key bytes %s", new String(key, StandardCharsets.ISO_8859_1))
				.startsWith("HTTP/1.1 400");
		}
		assertThat(available(inventory, "SKU-A")).isEqualTo(before);
		assertThat(reserveA("after-control-characters").getStatusCode()).isEqualTo(HttpStatus.CREATED);
	}

	@Test
	void shouldExplainAControlCharacterThatReachesTheService() throws IOException {
		String answer = rawReserveAnswer(bytes("a\tb"));

		assertThat(answer).startsWith("HTTP/1.1 400").contains("application/problem+json").contains("Idempotency-Key");
	}

	@Test
	void shouldRefuseTwoDifferentKeysOnOneRequest() {
		ResponseEntity<Map<String, Object>> response = inventory.post()
			.uri("/api/reservations")
			.header("Idempotency-Key", "key-one", "key-two")
			.contentType(MediaType.APPLICATION_JSON)
			.body(body("order-two-keys"))
			.retrieve()
			.toEntity(InventoryInstances.JSON);

		assertRefused(response, "one");
	}

	@Test
	void shouldTreatAKeyThatLooksLikeSqlAsData() {
		String key = "x'); DROP TABLE reservation; --";
		ResponseEntity<Map<String, Object>> first = reserveA(key);
		ResponseEntity<Map<String, Object>> again = reserveA(key);

		assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
		assertThat(again.getBody()).isEqualTo(first.getBody());
		assertThat(reserveA("after-sql").getStatusCode()).isEqualTo(HttpStatus.CREATED);
	}

	@Test
	void shouldRefuseHeadersBeyondTomcatsLimitWithoutHarm() {
		// Tomcat answers this one itself (max-http-request-header-size, 8KB), before any
		// application code: with a 400, or, when it closes the connection before the
		// client has written the rest (Apache HttpClient then sees a broken pipe), with
		// nothing at all
		try {
			ResponseEntity<Void> response = inventory.post()
				.uri("/api/reservations")
				.header("Idempotency-Key", "k".repeat(64 * 1024))
				.contentType(MediaType.APPLICATION_JSON)
				.body(body("order-huge-header"))
				.retrieve()
				.toBodilessEntity();
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		}
		catch (org.springframework.web.client.ResourceAccessException ex) {
			assertThat(ex).hasRootCauseInstanceOf(java.net.SocketException.class);
		}
		assertThat(reserveA("after-huge-header").getStatusCode()).isEqualTo(HttpStatus.CREATED);
	}

	@Test
	void shouldRefuseOversizedBodyFieldsWithAProblemNotAServerError() {
		int before = available(inventory, "SKU-A");
		for (Map<String, Object> body : List.<Map<String, Object>>of(
				Map.of("orderId", "o".repeat(10_000), "sku", "SKU-A", "quantity", 1),
				Map.of("orderId", "order-long-sku", "sku", "S".repeat(10_000), "quantity", 1))) {
			ResponseEntity<Map<String, Object>> response = reserve(inventory, "key-oversized-" + body.hashCode(), body);

			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		}
		assertThat(available(inventory, "SKU-A")).isEqualTo(before);
	}

	@Test
	void shouldAnswerAHugeQuantityWithInsufficientStock() {
		ResponseEntity<Map<String, Object>> response = reserve(inventory, "key-max-quantity",
				Map.of("orderId", "order-max", "sku", "SKU-A", "quantity", Integer.MAX_VALUE));

		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.CONFLICT);
	}

	@Test
	void shouldRefuseAFractionalQuantityRatherThanReserveItsIntegerPart() {
		int before = available(inventory, "SKU-A");
		for (Object quantity : List.of(1.9, 0.5, 1e0)) {
			ResponseEntity<Map<String, Object>> response = reserve(inventory, "key-fraction-" + quantity,
					Map.of("orderId", "order-fraction", "sku", "SKU-A", "quantity", quantity));

			assertThat(response.getStatusCode()).as(quantity.toString()).isEqualTo(HttpStatus.BAD_REQUEST);
			assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		}
		assertThat(available(inventory, "SKU-A")).isEqualTo(before);
	}

	@Test
	void shouldAnswerHugeIdsInPathsWithNotFound() {
		String huge = "x".repeat(5000);

		assertThat(inventory.get().uri("/api/reservations/{id}", huge).retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(inventory.get().uri("/api/stock/{sku}", huge).retrieve().toBodilessEntity().getStatusCode())
			.isEqualTo(HttpStatus.NOT_FOUND);
	}

	private static ResponseEntity<Map<String, Object>> reserveA(String key) {
		return reserve(inventory, key, body("order-" + Integer.toHexString(key.hashCode())));
	}

	private static Map<String, Object> body(String orderId) {
		return Map.of("orderId", orderId, "sku", "SKU-A", "quantity", 1);
	}

	private static void assertRefused(ResponseEntity<Map<String, Object>> response, String detail) {
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Invalid Idempotency-Key");
		assertThat((String) response.getBody().get("detail")).contains(detail);
	}

	private static byte[] bytes(String ascii) {
		return ascii.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String rawReserve(byte[] key) throws IOException {
		String answer = rawReserveAnswer(key);
		return answer.substring(0, Math.max(0, answer.indexOf('\r')));
	}

	/**
	 * Sends a reservation with the key's bytes as they are and returns the whole answer.
	 */
	private static String rawReserveAnswer(byte[] key) throws IOException {
		byte[] body = "{\"orderId\":\"order-raw\",\"sku\":\"SKU-A\",\"quantity\":1}"
			.getBytes(StandardCharsets.US_ASCII);
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.writeBytes(bytes("POST /api/reservations HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
				+ "Authorization: Bearer " + instances.orderToken() + "\r\nContent-Type: application/json\r\n"
				+ "Content-Length: " + body.length + "\r\nIdempotency-Key: "));
		request.writeBytes(key);
		request.writeBytes(bytes("\r\n\r\n"));
		request.writeBytes(body);
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.toByteArray());
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

}
