package dev.mesh.sample.order;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A mixed fleet, as {@code mesh-local.sh --boot4-order} runs it: this Boot 4 order, in
 * this JVM, calls two Boot 3.5 inventory instances, which run from
 * mesh-sample-inventory's runnable jar as child processes next to the Boot 3.5
 * authorization server (mesh-sample-auth's jar) and the inventories' H2 database server
 * (from the inventory jar, as mesh-local.sh starts it). Order runs with the {@code local}
 * profile and lists the inventories statically, weights 3 and 1; it calls them with its
 * own token, which inventory checks against the authorization server. No mocks: orders go
 * in over HTTP and must be served by both inventories.
 * <p>
 * The jars come from the same reactor build (this module depends on both modules, type
 * pom, so they are packaged first). Everything listens on 127.0.0.1 on free ports; the
 * children's logs are in {@code target/mixed-fleet}.
 */
class MixedFleetTests {

	/**
	 * How long the whole fleet may take to start. About 30s on two idle cores; the margin
	 * is for a busy machine.
	 */
	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

	private static long startupDeadline;

	private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private static final List<Process> children = Collections.synchronizedList(new ArrayList<>());

	private static final Path logDirectory = Path.of("target", "mixed-fleet");

	private static Path databaseDirectory;

	private static ConfigurableApplicationContext order;

	/**
	 * Ids of the inventory instances (inventory-PORT, their X-Mesh-Instance): weight 3,
	 * weight 1.
	 */
	private static final List<String> inventories = new ArrayList<>();

	@BeforeAll
	static void startFleet() throws Exception {
		startupDeadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		// Should this JVM end before @AfterAll (a surefire timeout), the children end
		// too.
		Runtime.getRuntime().addShutdownHook(new Thread(MixedFleetTests::killChildren));
		Path authJar = execJar("mesh-sample-auth");
		Path inventoryJar = execJar("mesh-sample-inventory");
		FileSystemUtils.deleteRecursively(logDirectory);
		Files.createDirectories(logDirectory);
		databaseDirectory = Files.createTempDirectory("mixed-fleet-inventory-db");
		int databasePort = freePort();
		int authPort = freePort();
		String issuer = "http://127.0.0.1:" + authPort;

		// As mesh-local.sh: H2 from the inventory jar, through Boot's PropertiesLauncher.
		Process database = start("inventory-db", "-cp", inventoryJar.toString(), "-Dloader.main=org.h2.tools.Server",
				"org.springframework.boot.loader.launch.PropertiesLauncher", "-tcp", "-tcpPort",
				String.valueOf(databasePort), "-ifNotExists", "-baseDir", databaseDirectory.toString());
		Process auth = start("auth", "-jar", authJar.toString(), "--spring.profiles.active=local",
				"--spring.main.banner-mode=off", "--server.address=127.0.0.1", "--server.port=" + authPort,
				"--AUTH_ISSUER=" + issuer);
		awaitListening("inventory-db", database, databasePort);
		List<String> discovery = new ArrayList<>();
		Map<Integer, Process> inventoryByPort = new TreeMap<>();
		for (int weight : new int[] { 3, 1 }) {
			int port = freePort();
			inventoryByPort.put(port,
					start("inventory-" + port, "-jar", inventoryJar.toString(), "--spring.profiles.active=local",
							"--spring.main.banner-mode=off", "--server.address=127.0.0.1", "--server.port=" + port,
							"--mesh.instance.weight=" + weight, "--AUTH_ISSUER=" + issuer,
							"--spring.datasource.url=jdbc:h2:tcp://127.0.0.1:" + databasePort + "/inventory"));
			String instance = "--spring.cloud.discovery.client.simple.instances.inventory[" + inventories.size() + "]";
			discovery.add(instance + ".uri=http://127.0.0.1:" + port);
			discovery.add(instance + ".metadata.weight=" + weight);
			discovery.add(instance + ".metadata.zone=local");
			inventories.add("inventory-" + port);
		}

		// The Boot 4 order, in-process, while the children start: mesh-local.sh's
		// settings (profile local), the inventories above instead of 8081 and 8082.
		List<String> orderArgs = new ArrayList<>(List.of("--spring.profiles.active=local", "--server.address=127.0.0.1",
				"--server.port=0", "--AUTH_ISSUER=" + issuer, "--spring.main.banner-mode=off"));
		orderArgs.addAll(discovery);
		order = new SpringApplicationBuilder(OrderApplication.class).run(orderArgs.toArray(String[]::new));

		awaitHealthy("auth", auth, authPort);
		for (Map.Entry<Integer, Process> inventory : inventoryByPort.entrySet()) {
			awaitHealthy("inventory-" + inventory.getKey(), inventory.getValue(), inventory.getKey());
		}
	}

	@AfterAll
	static void stopFleet() throws IOException {
		try {
			if (order != null) {
				order.close();
			}
		}
		finally {
			killChildren();
			if (databaseDirectory != null) {
				FileSystemUtils.deleteRecursively(databaseDirectory);
			}
		}
	}

	@Test
	void boot4OrderShouldSpreadOrdersOverBoot35Inventories() throws IOException {
		assertThat(SpringBootVersion.getVersion()).as("order's Spring Boot").startsWith("4.");
		assertThat(bootVersionIn(execJar("mesh-sample-inventory"))).as("inventory's Spring Boot").startsWith("3.5.");
		RestClient http = RestClient.builder()
			.baseUrl("http://127.0.0.1:" + order.getEnvironment().getRequiredProperty("local.server.port"))
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();

		int orders = 40;
		Map<String, Integer> servedBy = new TreeMap<>();
		for (int i = 0; i < orders; i++) {
			ResponseEntity<Map<String, Object>> placed = http.post()
				.uri("/api/orders")
				.contentType(MediaType.APPLICATION_JSON)
				.body(Map.of("sku", "SKU-1", "quantity", 1))
				.retrieve()
				.toEntity(JSON);
			assertThat(placed.getStatusCode()).as("order %d: %s", i, placed.getBody()).isEqualTo(HttpStatus.CREATED);
			servedBy.merge((String) placed.getBody().get("inventoryInstance"), 1, Integer::sum);
		}

		String heavy = inventories.get(0);
		String light = inventories.get(1);
		assertThat(servedBy.keySet()).as("inventories that served the orders: %s", servedBy)
			.containsExactlyInAnyOrder(heavy, light);
		assertThat(servedBy.get(heavy)).as("weight 3 (%s) against weight 1 (%s): %s", heavy, light, servedBy)
			.isGreaterThan(servedBy.get(light));
	}

	/** The runnable jar a Boot 3.5 sample module built in this reactor. */
	private static Path execJar(String module) throws IOException {
		Path target = Path.of("..", module, "target").toAbsolutePath().normalize();
		if (Files.isDirectory(target)) {
			try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, module + "-*-exec.jar")) {
				for (Path jar : jars) {
					return jar;
				}
			}
		}
		return fail("No runnable jar " + module + "-*-exec.jar in " + target + ": MixedFleetTests runs the Boot 3.5 "
				+ module + " from it. Build it in the same reactor first, for example "
				+ "./mvnw -pl mesh-sample-order-boot4 -am verify (the package phase makes the jar).");
	}

	/** The version of the spring-boot jar inside a runnable jar. */
	private static String bootVersionIn(Path jar) throws IOException {
		try (JarFile file = new JarFile(jar.toFile())) {
			return file.stream()
				.map((entry) -> entry.getName())
				.filter((name) -> name.matches("BOOT-INF/lib/spring-boot-\\d.*\\.jar"))
				.map((name) -> name.substring("BOOT-INF/lib/spring-boot-".length(), name.length() - ".jar".length()))
				.findFirst()
				.orElse("(no spring-boot jar in " + jar + ")");
		}
	}

	/** Starts {@code java ARGS} with its output in target/mixed-fleet/NAME.log. */
	private static Process start(String name, String... args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// Start fast; these services only take a few requests.
		command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
		command.addAll(List.of(args));
		Path log = logDirectory.resolve(name + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		children.add(process);
		return process;
	}

	private static void awaitListening(String name, Process process, int port) throws InterruptedException {
		while (true) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
				return;
			}
			catch (IOException notYet) {
				checkRunning(name, process, "listen on port " + port);
				Thread.sleep(100);
			}
		}
	}

	private static void awaitHealthy(String name, Process process, int port) throws InterruptedException {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
		HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
			.timeout(Duration.ofSeconds(2))
			.build();
		while (true) {
			try {
				if (http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"status\":\"UP\"")) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			checkRunning(name, process, "report UP on /actuator/health (port " + port + ")");
			Thread.sleep(200);
		}
	}

	private static void checkRunning(String name, Process process, String what) {
		if (!process.isAlive()) {
			fail(name + " exited (status " + process.exitValue() + ") before it did " + what + "; its log:\n"
					+ tail(name));
		}
		if (System.nanoTime() > startupDeadline) {
			fail(name + " did not " + what + " within " + STARTUP_TIMEOUT.toSeconds()
					+ "s of the fleet's start; its log:\n" + tail(name));
		}
	}

	private static String tail(String name) {
		try {
			List<String> lines = Files.readAllLines(logDirectory.resolve(name + ".log"));
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void killChildren() {
		synchronized (children) {
			children.forEach(Process::destroy);
			for (Process child : children) {
				try {
					if (!child.waitFor(10, TimeUnit.SECONDS)) {
						child.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
					}
				}
				catch (InterruptedException ex) {
					child.destroyForcibly();
					Thread.currentThread().interrupt();
				}
			}
			children.clear();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
