package dev.mesh.sample.order;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository's {@code docker-compose.yml}, checked without a Docker engine:
 * {@code docker-compose config
 * -q} (or {@code docker compose config -q}) when a Compose binary is installed
 * ({@code .ci/run} installs one), and always a structural check of what the samples rely
 * on: the services, their images and builds, health checks, start order (the inventories
 * after their shared database) and which ports reach the host. {@link ComposeSmokeTests}
 * runs it for real where Docker is.
 */
class ComposeFileTests {

	static final Path COMPOSE_FILE = Path.of("..", "docker-compose.yml").toAbsolutePath().normalize();

	@Test
	void shouldPassComposeOwnValidationWhereComposeIsInstalled() throws Exception {
		List<String> command = composeCommand();
		// skipped, not passed, where there is no Compose to ask
		Assumptions.assumeTrue(command != null, "no docker-compose or docker compose found");
		command.addAll(List.of("-f", COMPOSE_FILE.toString(), "config", "-q"));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.exitValue()).as("%s said: %s", command, output).isZero();
	}

	@Test
	@SuppressWarnings("unchecked")
	void shouldDescribeTheSampleMesh() throws IOException {
		Map<String, Object> services = (Map<String, Object>) load().get("services");

		assertThat(services).containsOnlyKeys("consul", "auth", "inventory-a", "inventory-b", "inventory-db", "order",
				"zipkin");
		assertThat(service(services, "consul")).containsEntry("image", "hashicorp/consul:1.20");
		assertThat((List<String>) service(services, "consul").get("command")).contains("agent", "-dev",
				"-client=0.0.0.0");
		assertThat((String) service(services, "zipkin").get("image")).startsWith("openzipkin/zipkin");
		for (String name : List.of("auth", "inventory-a", "inventory-b", "order")) {
			Map<String, Object> service = service(services, name);
			Map<String, Object> build = (Map<String, Object>) service.get("build");
			String module = "mesh-sample-" + (name.startsWith("inventory") ? "inventory" : name);
			assertThat(build).as(name)
				.containsEntry("context", ".")
				.containsEntry("dockerfile", module + "/Dockerfile");
			assertThat(COMPOSE_FILE.resolveSibling(module + "/Dockerfile")).exists();
			assertThat(service).as(name).containsKey("healthcheck");
			assertThat(environment(service)).as(name)
				.containsEntry("SPRING_PROFILES_ACTIVE", "docker")
				.containsEntry("AUTH_ISSUER", "http://auth:9000");
		}
		assertThat(service(services, "consul")).containsKey("healthcheck");
		assertThat(environment(service(services, "inventory-a"))).containsEntry("MESH_INSTANCE_WEIGHT", "3");
		assertThat(environment(service(services, "inventory-b"))).containsEntry("MESH_INSTANCE_WEIGHT", "1");

		// Both inventories share one database (Idempotency-Keys, reservations, stock): an
		// H2 server run from the
		// inventory image, which the inventories wait for.
		Map<String, Object> database = service(services, "inventory-db");
		assertThat((Map<String, Object>) database.get("build")).containsEntry("context", ".")
			.containsEntry("dockerfile", "mesh-sample-inventory/Dockerfile");
		assertThat((List<String>) database.get("entrypoint")).contains("-Dloader.main=org.h2.tools.Server", "-tcp",
				"-tcpPort", "9092");
		assertThat(database).containsKey("healthcheck");

		assertThat(healthyDependencies(service(services, "auth"))).isEmpty();
		assertThat(healthyDependencies(service(services, "inventory-db"))).isEmpty();
		assertThat(healthyDependencies(service(services, "inventory-a"))).containsExactlyInAnyOrder("consul", "auth",
				"inventory-db");
		assertThat(healthyDependencies(service(services, "inventory-b"))).containsExactlyInAnyOrder("consul", "auth",
				"inventory-db");
		assertThat(healthyDependencies(service(services, "order"))).containsExactlyInAnyOrder("consul", "auth",
				"inventory-a", "inventory-b");

		List<String> published = new ArrayList<>();
		services.forEach((name, service) -> {
			for (Object port : (List<Object>) ((Map<String, Object>) service).getOrDefault("ports", List.of())) {
				published.add(name + " " + port);
			}
		});
		assertThat(published).containsExactlyInAnyOrder("consul 8500:8500", "zipkin 9411:9411", "order 8080:8080");
	}

	private static Map<String, Object> load() throws IOException {
		try (Reader reader = Files.newBufferedReader(COMPOSE_FILE)) {
			return new Yaml().load(reader);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> service(Map<String, Object> services, String name) {
		return (Map<String, Object>) services.get(name);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> environment(Map<String, Object> service) {
		return (Map<String, Object>) service.get("environment");
	}

	@SuppressWarnings("unchecked")
	private static List<String> healthyDependencies(Map<String, Object> service) {
		Map<String, Map<String, Object>> dependsOn = (Map<String, Map<String, Object>>) service
			.getOrDefault("depends_on", Map.of());
		return dependsOn.entrySet()
			.stream()
			.filter((entry) -> "service_healthy".equals(entry.getValue().get("condition")))
			.map(Map.Entry::getKey)
			.toList();
	}

	/** {@code docker-compose}, else {@code docker compose}, else {@code null}. */
	private static List<String> composeCommand() {
		for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
			try {
				List<String> version = new ArrayList<>(candidate);
				version.add("version");
				Process process = new ProcessBuilder(version).redirectErrorStream(true).start();
				process.getInputStream().readAllBytes();
				if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
					return new ArrayList<>(candidate);
				}
			}
			catch (IOException | InterruptedException ex) {
				// not installed; try the next
			}
		}
		return null;
	}

}
