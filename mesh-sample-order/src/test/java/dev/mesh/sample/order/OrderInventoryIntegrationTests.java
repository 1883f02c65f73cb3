package dev.mesh.sample.order;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.mesh.sample.auth.AuthApplication;
import dev.mesh.sample.inventory.InventoryApplication;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Order, inventory and the sample authorization server as they run for real, in one JVM:
 * three inventory instances with weights 1, 2 and 3 listed in order's static discovery,
 * sharing one H2 database server (as mesh-local.sh runs them), and orders placed over
 * HTTP. Order calls inventory with its own client-credentials token; inventory checks it
 * against the real authorization server. Needs the mesh auto-configuration
 * (mesh-autoconfigure) to route order's {@code @MeshClient("inventory")} calls.
 * <p>
 * All three samples' {@code application.yml} are on this classpath, and
 * {@code classpath:application.yml} finds only order's, so auth and inventory are pointed
 * at their own file with {@code spring.config.location}; test-specific settings are
 * command-line arguments, which outrank any config file. {@code AUTH_ISSUER} is the
 * placeholder all three files use for the issuer.
 */
class OrderInventoryIntegrationTests {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Inventory instance id (its X-Mesh-Instance header) to its weight, in start order.
	 */
	private static final Map<String, Integer> weightByInstance = new LinkedHashMap<>();

	/** Inventory instance id to its base URL. */
	private static final Map<String, String> urlByInstance = new LinkedHashMap<>();

	/** Base URL of the in-process authorization server; also the tokens' issuer. */
	private static String authIssuer;

	private static final List<String> inventoryUrls = new ArrayList<>();

	private static RestClient order;

	private static RestClient orderWithoutInventory;

	private static Path databaseDirectory;

	private static Server database;

	@BeforeAll
	static void startServices() throws IOException, SQLException {
		databaseDirectory = Files.createTempDirectory("inventory-db");
		database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", databaseDirectory.toString())
			.start();
		String databaseUrl = "jdbc:h2:tcp://127.0.0.1:" + database.getPort() + "/inventory";
		int authPort = freePort();
		authIssuer = "http://127.0.0.1:" + authPort;
		// The real authorization server with its own application.yml (clients order and
		// inventory).
		start(AuthApplication.class, "--spring.config.location=" + configFileOf(AuthApplication.class),
				"--server.port=" + authPort, "--AUTH_ISSUER=" + authIssuer, "--mesh.enabled=false");
		String inventoryToken = token("order", "order-secret", "inventory.read");
		List<String> inventoryInstances = new ArrayList<>();
		for (int weight = 1; weight <= 3; weight++) {
			// Inventory with its own application.yml: issuer, audience and caller rules
			// as they ship; its
			// answers can be held back (HeldReservationAnswer) to make order's mesh retry
			// elsewhere.
			ConfigurableApplicationContext inventory = start(
					new Class<?>[] { InventoryApplication.class, HeldReservationAnswer.class },
					"--spring.config.location=" + configFileOf(InventoryApplication.class),
					"--AUTH_ISSUER=" + authIssuer, "--mesh.instance.weight=" + weight, "--inventory.stock.SKU-1=10000",
					"--spring.datasource.url=" + databaseUrl);
			String url = baseUrl(inventory);
			inventoryUrls.add(url);
			String instanceId = http(url).get()
				.uri("/api/stock/SKU-1")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + inventoryToken)
				.retrieve()
				.toBodilessEntity()
				.getHeaders()
				.getFirst("X-Mesh-Instance");
			weightByInstance.put(instanceId, weight);
			urlByInstance.put(instanceId, url);
			int i = inventoryInstances.size() / 2;
			inventoryInstances.add("--spring.cloud.discovery.client.simple.instances.inventory[" + i + "].uri=" + url);
			inventoryInstances
				.add("--spring.cloud.discovery.client.simple.instances.inventory[" + i + "].metadata.weight=" + weight);
		}
		List<String> orderArgs = new ArrayList<>(inventoryInstances);
		orderArgs.add("--spring.application.name=order");
		orderArgs.add("--AUTH_ISSUER=" + authIssuer);
		order = http(baseUrl(start(OrderApplication.class, orderArgs.toArray(String[]::new))));
		orderWithoutInventory = http(baseUrl(
				start(OrderApplication.class, "--spring.application.name=order", "--AUTH_ISSUER=" + authIssuer)));
	}

	@AfterAll
	static void stopServices() throws IOException {
		List<ConfigurableApplicationContext> reversed = new ArrayList<>(contexts);
		Collections.reverse(reversed);
		reversed.forEach(ConfigurableApplicationContext::close);
		contexts.clear();
		inventoryUrls.clear();
		database.stop();
		FileSystemUtils.deleteRecursively(databaseDirectory);
	}

	@Test
	void shouldSpreadOrdersOverInventoryInstancesByWeight() {
		Map<String, Integer> servedBy = new TreeMap<>();
		for (int i = 0; i < 600; i++) {
			ResponseEntity<Map<String, Object>> response = placeOrder(order, "SKU-1");
			assertThat(response.getStatusCode()).as("order %d: %s", i, response.getBody())
				.isEqualTo(HttpStatus.CREATED);
			servedBy.merge((String) response.getBody().get("inventoryInstance"), 1, Integer::sum);
		}

		Map<String, Integer> expected = new TreeMap<>();
		weightByInstance.forEach((instance, weight) -> expected.put(instance, 100 * weight));
		assertThat(servedBy).isEqualTo(expected);
		// One stock for all instances: each of them sees all 600 orders taken.
		urlByInstance.forEach((instance, url) -> assertThat(available(url, "SKU-1")).as("stock seen at %s", instance)
			.isEqualTo(10000 - 600));
	}

	@Test
	void shouldReserveOnceWhenTheMeshRetriesALostAnswerOnAnotherInstance() {
		// SKU-3, so the other tests' stock counts stay exact whatever the test order.
		int before = available(inventoryUrls.get(0), "SKU-3");
		HeldReservationAnswer.arm();
		ResponseEntity<Map<String, Object>> placed;
		try {
			// The first instance picked reserves but its answer is held past order's
			// per-attempt timeout (3s);
			// the mesh retries on another instance with the same Idempotency-Key (the
			// order id).
			placed = placeOrder(order, "SKU-3");
		}
		finally {
			HeldReservationAnswer.release();
		}

		assertThat(placed.getStatusCode()).as("%s", placed.getBody()).isEqualTo(HttpStatus.CREATED);
		String answeredBy = (String) placed.getBody().get("inventoryInstance");
		Map<String, Object> reservation = http(urlByInstance.get(answeredBy)).get()
			.uri("/api/reservations/{id}", placed.getBody().get("reservationId"))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("order", "order-secret", "inventory.read"))
			.retrieve()
			.body(JSON);
		assertThat(reservation.get("instance")).as("the reservation was made by the instance whose answer was held")
			.isNotEqualTo(answeredBy);
		assertThat(available(inventoryUrls.get(0), "SKU-3")).isEqualTo(before - 1);
	}

	@Test
	void shouldReserveWithOrdersOwnToken() {
		// SKU-2, so the stock counts of the weight test (SKU-1) stay exact whatever the
		// test order.
		ResponseEntity<Map<String, Object>> placed = placeOrder(order, "SKU-2");
		assertThat(placed.getStatusCode()).as("%s", placed.getBody()).isEqualTo(HttpStatus.CREATED);

		String instance = (String) placed.getBody().get("inventoryInstance");
		ResponseEntity<Map<String, Object>> reservation = http(urlByInstance.get(instance)).get()
			.uri("/api/reservations/{id}", placed.getBody().get("reservationId"))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("order", "order-secret", "inventory.read"))
			.retrieve()
			.toEntity(JSON);

		assertThat(reservation.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(reservation.getBody()).containsEntry("caller", "order")
			.containsEntry("orderId", placed.getBody().get("orderId"));
	}

	@Test
	void shouldRefuseInventoryCallsWithoutAValidToken() {
		for (String url : inventoryUrls) {
			ResponseEntity<Map<String, Object>> noToken = http(url).post()
				.uri("/api/reservations")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("orderId", "no-token", "sku", "SKU-1", "quantity", 1))
				.retrieve()
				.toEntity(JSON);
			assertThat(noToken.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(noToken.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");

			// Inventory's own client has a real token, but not for the audience
			// inventory.
			ResponseEntity<Void> wrongAudience = http(url).get()
				.uri("/api/stock/SKU-1")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("inventory", "inventory-secret", "order.read"))
				.retrieve()
				.toBodilessEntity();
			assertThat(wrongAudience.getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);

			// Order with only inventory.read may read stock but not reserve.
			ResponseEntity<Map<String, Object>> readOnly = http(url).post()
				.uri("/api/reservations")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("order", "order-secret", "inventory.read"))
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("orderId", "read-only", "sku", "SKU-1", "quantity", 1))
				.retrieve()
				.toEntity(JSON);
			assertThat(readOnly.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		}
	}

	@Test
	void shouldAnswerServiceUnavailableWhenNoInventoryInstanceIsKnown() {
		ResponseEntity<Map<String, Object>> response = placeOrder(orderWithoutInventory, "SKU-1");

		assertThat(response.getStatusCode()).as("%s", response.getBody()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(response.getBody()).containsEntry("title", "Inventory unavailable");
		assertThat((String) response.getBody().get("detail")).contains("inventory");
	}

	private static ConfigurableApplicationContext start(Class<?> application, String... args) {
		return start(new Class<?>[] { application }, args);
	}

	private static ConfigurableApplicationContext start(Class<?>[] sources, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.address=127.0.0.1", "--spring.cloud.consul.enabled=false",
				"--spring.main.banner-mode=off"));
		all.addAll(List.of(args));
		// A repeated option would be read as "0,<port>": add the random port only where
		// none is given.
		if (all.stream().noneMatch((arg) -> arg.startsWith("--server.port="))) {
			all.add("--server.port=0");
		}
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources).run(all.toArray(String[]::new));
		contexts.add(context);
		return context;
	}

	/**
	 * The {@code application.yml} that ships with an application's classes (this
	 * classpath has several).
	 */
	private static String configFileOf(Class<?> application) {
		URL location = application.getProtectionDomain().getCodeSource().getLocation();
		String base = location.toString();
		return base.endsWith(".jar") ? "jar:" + base + "!/application.yml" : base + "application.yml";
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** A client-credentials token from the sample authorization server. */
	private static String token(String clientId, String secret, String scope) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "client_credentials");
		form.add("scope", scope);
		Map<String, Object> reply = RestClient.create(authIssuer)
			.post()
			.uri("/oauth2/token")
			.headers((headers) -> headers.setBasicAuth(clientId, secret))
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.body(JSON);
		return (String) reply.get("access_token");
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

	private static ResponseEntity<Map<String, Object>> placeOrder(RestClient order, String sku) {
		return order.post()
			.uri("/api/orders")
			.contentType(MediaType.APPLICATION_JSON)
			.body(Map.of("sku", sku, "quantity", 1))
			.retrieve()
			.toEntity(JSON);
	}

	private static int available(String inventoryUrl, String sku) {
		return (Integer) http(inventoryUrl).get()
			.uri("/api/stock/{sku}", sku)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + token("order", "order-secret", "inventory.read"))
			.retrieve()
			.body(JSON)
			.get("available");
	}

}
