package dev.mesh.sample.inventory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.mesh.sample.auth.AuthApplication;
import org.h2.tools.Server;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.FileSystemUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * Inventory as it runs in the local mesh, in this JVM: an H2 database server on a random
 * loopback port (what {@code mesh-local.sh} and compose start), the sample authorization
 * server, and inventory instances that all use that one database. Each instance is a full
 * application context on its own random port with inventory's shipped
 * {@code application.yml}; test settings are command-line arguments.
 */
final class InventoryInstances implements AutoCloseable {

	static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
	};

	private final Path databaseDirectory;

	private final Server database;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final String authIssuer;

	private String orderToken;

	private InventoryInstances(Path databaseDirectory, Server database, String authIssuer) {
		this.databaseDirectory = databaseDirectory;
		this.database = database;
		this.authIssuer = authIssuer;
	}

	/**
	 * Starts the database server and the authorization server.
	 * @return the started infrastructure, with no inventory instance yet
	 */
	static InventoryInstances start() throws IOException, SQLException {
		Path directory = Files.createTempDirectory("inventory-db");
		// -ifNotExists: the first connection creates the database, as in mesh-local.sh
		// and compose.
		Server database = Server.createTcpServer("-tcpPort", "0", "-ifNotExists", "-baseDir", directory.toString())
			.start();
		int authPort = freePort();
		InventoryInstances instances = new InventoryInstances(directory, database, "http://127.0.0.1:" + authPort);
		instances.run(AuthApplication.class, "--spring.config.location=" + configFileOf(AuthApplication.class),
				"--server.port=" + authPort, "--mesh.enabled=false");
		return instances;
	}

	/**
	 * @return the JDBC URL every instance uses
	 */
	String databaseUrl() {
		return "jdbc:h2:tcp://127.0.0.1:" + this.database.getPort() + "/inventory";
	}

	/**
	 * Starts one inventory instance on the shared database.
	 * @param args extra command-line arguments, for example
	 * {@code --inventory.stock.SKU-9=10}
	 * @return the started instance
	 */
	Inventory startInventory(String... args) {
		List<String> all = new ArrayList<>(List.of("--spring.datasource.url=" + databaseUrl(), "--server.port=0"));
		all.addAll(List.of(args));
		ConfigurableApplicationContext context = run(InventoryApplication.class, all.toArray(String[]::new));
		int port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
		return new Inventory(client("http://127.0.0.1:" + port, orderToken()), port);
	}

	/**
	 * @return a token of caller {@code order} with inventory.read and inventory.write,
	 * from the real server
	 */
	String orderToken() {
		if (this.orderToken == null) {
			MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
			form.add("grant_type", "client_credentials");
			form.add("scope", "inventory.read inventory.write");
			this.orderToken = (String) RestClient.create(this.authIssuer)
				.post()
				.uri("/oauth2/token")
				.headers((headers) -> headers.setBasicAuth("order", "order-secret"))
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(form)
				.retrieve()
				.body(JSON)
				.get("access_token");
		}
		return this.orderToken;
	}

	@Override
	public void close() throws IOException {
		List<ConfigurableApplicationContext> reversed = new ArrayList<>(this.contexts);
		Collections.reverse(reversed);
		reversed.forEach(ConfigurableApplicationContext::close);
		this.database.stop();
		FileSystemUtils.deleteRecursively(this.databaseDirectory);
	}

	private ConfigurableApplicationContext run(Class<?> application, String... args) {
		List<String> all = new ArrayList<>(List.of("--server.address=127.0.0.1", "--spring.cloud.consul.enabled=false",
				"--spring.main.banner-mode=off", "--AUTH_ISSUER=" + this.authIssuer));
		all.addAll(List.of(args));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.run(all.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	/**
	 * One started inventory instance.
	 *
	 * @param http a client for it that sends order's token and does not throw on error
	 * statuses
	 * @param port the port it listens on (127.0.0.1)
	 */
	record Inventory(RestClient http, int port) {
	}

	private static RestClient client(String baseUrl, String token) {
		return RestClient.builder()
			.baseUrl(baseUrl)
			.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
			.defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
			})
			.build();
	}

	/**
	 * The {@code application.yml} that ships with an application's classes (this
	 * classpath has two).
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

}
