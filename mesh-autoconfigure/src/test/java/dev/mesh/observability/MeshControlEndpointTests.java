package dev.mesh.observability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mesh.client.MeshClient;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write operations of the {@code mesh} endpoint on a real consumer over three real
 * providers, with the actuator exposed as an operator exposes it: the instance's weight,
 * ejecting and restoring instances of a called service, the one-service read, and every
 * bad value answered 400 with a problem naming the field while nothing changes. The
 * service runs open here (no issuer), so the audit line names the caller
 * {@code anonymous}; {@link MeshControlSecurityTests} has the secured case.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshControlEndpointTests {

	private static final ObjectMapper json = new ObjectMapper();

	/**
	 * One consumer over three providers for the whole class: starting one takes seconds.
	 */
	private static final MeshFixture mesh = new MeshFixture();

	private static List<TestServer> servers;

	private static final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		servers = List.of(mesh.server("a"), mesh.server("b"), mesh.server("c"));
		mesh.start(Consumer.of(ControlledApplication.class).servlet(), servers, "spring.application.name=order",
				"mesh.instance.weight=3", "management.endpoints.web.exposure.include=health,mesh",
				"mesh.clients.inventory.load-balancer=round-robin",
				"mesh.clients.inventory.outlier.max-ejection-time=2m",
				// longer than the maximum, which nothing forbids: an ejection then lasts
				// this
				"mesh.clients.inventory.outlier.ejection-time=3m");
	}

	@AfterAll
	static void stop() throws Exception {
		mesh.afterEach(null);
	}

	/**
	 * Puts back what an earlier test changed through the endpoint itself, writing only
	 * what differs (every write is logged, and tests assert on the log).
	 */
	@BeforeEach
	void restoreWeightAndEjections() throws Exception {
		if (json.readTree(get("/actuator/mesh").body()).path("self").path("weight").asInt() != 3) {
			assertThat(post("/actuator/mesh", "{\"weight\": 3}").statusCode()).isEqualTo(200);
		}
		JsonNode client = json.readTree(get("/actuator/mesh/inventory").body());
		for (JsonNode instance : client.path("instances")) {
			if (instance.path("ejected").asBoolean()) {
				assertThat(post("/actuator/mesh/inventory", "{\"action\": \"reset\"}").statusCode()).isEqualTo(200);
				break;
			}
		}
	}

	@Test
	void shouldSetTheWeightAtRunTimeAndShowItBesideTheConfiguredOne(CapturedOutput output) throws Exception {
		HttpResponse<String> response = post("/actuator/mesh", "{\"weight\": 0}");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = json.readTree(response.body());
		assertThat(body.path("previous").asInt()).isEqualTo(3);
		assertThat(body.path("current").asInt()).isZero();
		assertThat(body.path("configured").asInt()).isEqualTo(3);
		assertThat(body.path("publishedTo").isNull()).isTrue();
		JsonNode self = json.readTree(get("/actuator/mesh").body()).path("self");
		assertThat(self.path("weight").asInt()).isZero();
		assertThat(self.path("configuredWeight").asInt()).isEqualTo(3);
		assertThat(output).contains("mesh control by anonymous: weight 3 -> 0 (local only");
	}

	@Test
	void shouldRefuseEveryBadWeightWithAProblemNamingTheFieldAndKeepTheWeight(CapturedOutput output) throws Exception {
		for (String body : List.of("{\"weight\": 10001}", "{\"weight\": -1}", "{\"weight\": \"abc\"}",
				"{\"weight\": \"+5\"}", "{\"weight\": \" 5\"}", "{\"weight\": \"0x10\"}", "{\"weight\": 1.5}",
				"{\"weight\": 99999999999999999999999999}", "{\"weight\": 4294967297}", "{\"weight\": null}", "{}")) {
			HttpResponse<String> response = post("/actuator/mesh", body);
			assertThat(response.statusCode()).as(body).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).as(body)
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			JsonNode problem = json.readTree(response.body());
			assertThat(problem.path("field").asText()).as(body).isEqualTo("weight");
			assertThat(problem.path("status").asInt()).as(body).isEqualTo(400);
			assertThat(problem.path("detail").asText()).as(body).contains("weight");
		}
		assertThat(json.readTree(get("/actuator/mesh").body()).path("self").path("weight").asInt()).isEqualTo(3);
		assertThat(output).doesNotContain("weight 3 ->");
	}

	@Test
	void shouldEjectAnInstanceOnThisClientForTheMaxEjectionTimeAndRestoreIt(CapturedOutput output) throws Exception {
		int[] before = served();
		HttpResponse<String> ejected = post("/actuator/mesh/inventory", "{\"action\": \"eject\", \"instance\": \"a\"}");
		assertThat(ejected.statusCode()).isEqualTo(200);
		JsonNode instance = instance(json.readTree(ejected.body()).path("client"), "a");
		assertThat(instance.path("ejected").asBoolean()).isTrue();
		assertThat(output).contains("mesh control by anonymous: eject instance 'a' of service 'inventory' for PT3M");
		for (int i = 0; i < 12; i++) {
			mesh.inventory().get().uri("/api/stock/apple").retrieve().body(String.class);
		}
		assertThat(servedSince(before, 0)).isZero();
		assertThat(servedSince(before, 1) + servedSince(before, 2)).isEqualTo(12);
		JsonNode read = json.readTree(get("/actuator/mesh/inventory").body());
		assertThat(instance(read, "a").path("ejected").asBoolean()).isTrue();
		HttpResponse<String> restored = post("/actuator/mesh/inventory",
				"{\"action\": \"restore\", \"instance\": \"a\"}");
		assertThat(restored.statusCode()).isEqualTo(200);
		assertThat(instance(json.readTree(restored.body()).path("client"), "a").path("ejected").asBoolean()).isFalse();
		for (int i = 0; i < 12; i++) {
			mesh.inventory().get().uri("/api/stock/apple").retrieve().body(String.class);
		}
		assertThat(servedSince(before, 0)).isEqualTo(4);
		assertThat(output).contains("mesh control by anonymous: restore instance 'a' of service 'inventory'");
	}

	@Test
	void shouldKeepCallingWhenAnOperatorEjectsEveryInstance() throws Exception {
		int[] before = served();
		for (String id : List.of("a", "b", "c")) {
			assertThat(post("/actuator/mesh/inventory", "{\"action\": \"eject\", \"instance\": \"" + id + "\"}")
				.statusCode()).isEqualTo(200);
		}
		JsonNode client = json.readTree(get("/actuator/mesh/inventory").body());
		assertThat(client.path("panic").asBoolean()).isTrue();
		for (int i = 0; i < 6; i++) {
			assertThat(mesh.inventory().get().uri("/api/stock/apple").retrieve().body(String.class)).isNotBlank();
		}
		assertThat(servedSince(before, 0) + servedSince(before, 1) + servedSince(before, 2)).isEqualTo(6);
	}

	@Test
	void shouldClearEveryEjectionOfAClientOnReset(CapturedOutput output) throws Exception {
		post("/actuator/mesh/inventory", "{\"action\": \"eject\", \"instance\": \"a\"}");
		post("/actuator/mesh/inventory", "{\"action\": \"eject\", \"instance\": \"b\"}");
		HttpResponse<String> reset = post("/actuator/mesh/inventory", "{\"action\": \"reset\"}");
		assertThat(reset.statusCode()).isEqualTo(200);
		JsonNode client = json.readTree(reset.body()).path("client");
		assertThat(client.path("instances"))
			.allSatisfy((node) -> assertThat(node.path("ejected").asBoolean()).isFalse());
		assertThat(output)
			.contains("mesh control by anonymous: reset ejections of service 'inventory' (2 were ejected)");
	}

	@Test
	void shouldReadOneClientAndAnswer404ForAServiceItDoesNotCall() throws Exception {
		HttpResponse<String> inventory = get("/actuator/mesh/inventory");
		assertThat(inventory.statusCode()).isEqualTo(200);
		assertThat(json.readTree(inventory.body()).path("service").asText()).isEqualTo("inventory");
		assertThat(get("/actuator/mesh/payments").statusCode()).isEqualTo(404);
	}

	@Test
	void shouldRefuseBadControlRequestsNamingTheFieldAndChangeNothing(CapturedOutput output) throws Exception {
		Map<String, String[]> cases = new HashMap<>();
		cases.put("nosuch", new String[] { "{\"action\": \"eject\", \"instance\": \"a\"}", "service" });
		cases.put("inventory-missing-action", new String[] { "{\"instance\": \"a\"}", "action" });
		cases.put("inventory-unknown-action",
				new String[] { "{\"action\": \"delete\", \"instance\": \"a\"}", "action" });
		cases.put("inventory-number-action", new String[] { "{\"action\": 7, \"instance\": \"a\"}", "action" });
		cases.put("inventory-missing-instance", new String[] { "{\"action\": \"eject\"}", "instance" });
		cases.put("inventory-unknown-instance",
				new String[] { "{\"action\": \"eject\", \"instance\": \"z\"}", "instance" });
		cases.put("inventory-number-instance", new String[] { "{\"action\": \"eject\", \"instance\": 1}", "instance" });
		cases.put("inventory-path-instance",
				new String[] { "{\"action\": \"eject\", \"instance\": \"../a\"}", "instance" });
		cases.put("inventory-restore-unknown",
				new String[] { "{\"action\": \"restore\", \"instance\": \"z\"}", "instance" });
		for (Map.Entry<String, String[]> entry : cases.entrySet()) {
			String service = entry.getKey().startsWith("inventory") ? "inventory" : entry.getKey();
			HttpResponse<String> response = post("/actuator/mesh/" + service, entry.getValue()[0]);
			assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(400);
			assertThat(response.headers().firstValue("Content-Type")).as(entry.getKey())
				.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
			assertThat(json.readTree(response.body()).path("field").asText()).as(entry.getKey())
				.isEqualTo(entry.getValue()[1]);
		}
		JsonNode client = json.readTree(get("/actuator/mesh/inventory").body());
		assertThat(client.path("instances")).hasSize(3)
			.allSatisfy((node) -> assertThat(node.path("ejected").asBoolean()).isFalse());
		assertThat(output).doesNotContain("mesh control by anonymous: eject");
	}

	@Test
	void shouldLogAnInstanceIdWithLineBreaksOnOneLineSoNoLogLineCanBeForged(CapturedOutput output) throws Exception {
		HttpResponse<String> response = post("/actuator/mesh/inventory",
				"{\"action\": \"eject\", \"instance\": \"a\\r\\nmesh control by admin: weight 3 -> 0\\u2028x\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(output).contains("instance 'a??mesh control by admin: weight 3 -> 0?x'")
			.doesNotContain("\nmesh control by admin")
			.doesNotContain("\rmesh control by admin");
	}

	@Test
	void shouldRefuseATenMegabyteWeightAndLogOnlyItsStart(CapturedOutput output) throws Exception {
		String huge = "9".repeat(10 * 1024 * 1024);
		HttpResponse<String> response = post("/actuator/mesh", "{\"weight\": \"" + huge + "\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json.readTree(response.body()).path("field").asText()).isEqualTo("weight");
		assertThat(response.body().length()).isLessThan(1000);
		assertThat(output).contains("...(10485760 chars)");
		assertThat(output.toString().length()).isLessThan(2 * 1024 * 1024);
		assertThat(post("/actuator/mesh", "{\"weight\": 2}").statusCode()).isEqualTo(200);
	}

	@Test
	void shouldChainConcurrentWeightChangesWithoutLosingOne() throws Exception {
		int writes = 40;
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<JsonNode>> answers = new ArrayList<>();
			for (int i = 0; i < writes; i++) {
				int weight = 100 + i;
				answers.add(pool
					.submit(() -> json.readTree(post("/actuator/mesh", "{\"weight\": " + weight + "}").body())));
			}
			Map<Integer, Integer> next = new HashMap<>();
			for (Future<JsonNode> answer : answers) {
				JsonNode body = answer.get();
				assertThat(next.put(body.path("previous").asInt(), body.path("current").asInt())).isNull();
			}
			int weight = 3;
			for (int i = 0; i < writes; i++) {
				assertThat(next).containsKey(weight);
				weight = next.get(weight);
			}
			assertThat(json.readTree(get("/actuator/mesh").body()).path("self").path("weight").asInt())
				.isEqualTo(weight);
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static JsonNode instance(JsonNode client, String id) {
		for (JsonNode instance : client.path("instances")) {
			if (instance.path("id").asText().equals(id)) {
				return instance;
			}
		}
		throw new AssertionError("no instance " + id + " in " + client);
	}

	private static int[] served() {
		return servers.stream().mapToInt(TestServer::requests).toArray();
	}

	private static int servedSince(int[] before, int server) {
		return servers.get(server).requests() - before[server];
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<String> post(String path, String body) throws Exception {
		return http.send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create("http://127.0.0.1:" + mesh.port() + path);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ControlledApplication {

		@Bean
		@MeshClient("inventory")
		static RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
