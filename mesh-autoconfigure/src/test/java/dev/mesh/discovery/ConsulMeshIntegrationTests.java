package dev.mesh.discovery;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.autoconfigure.consul.ConsulConnectionDetails;
import dev.mesh.client.MeshClient;
import dev.mesh.shutdown.GoingAway;
import dev.mesh.testsupport.ServerPorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Consul (Testcontainers): instances register with their weights as service
 * {@code Meta}, a mesh client splits calls by them, a deregistered instance stops getting
 * picks within about a second, and a closing instance leaves Consul as its drain starts
 * while it still answers. Skipped where there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConsulMeshIntegrationTests {

	@Container
	static final ConsulContainer consul = new ConsulContainer("hashicorp/consul:1.20");

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void shouldSplitByPublishedWeightsAndDropADeregisteredInstanceWithinASecond() throws Exception {
		ConfigurableApplicationContext light = start(new SpringApplicationBuilder(Backend.class), "inventory", "light",
				"mesh.instance.weight=1", "mesh.instance.zone=z1");
		start(new SpringApplicationBuilder(Backend.class), "inventory", "heavy", "mesh.instance.weight=3");
		ConfigurableApplicationContext client = start(
				new SpringApplicationBuilder(Client.class).web(WebApplicationType.NONE), "order", "client",
				"spring.cloud.consul.discovery.register=false");

		List<ServiceInstance> registered = client.getBean(DiscoveryClient.class).getInstances("inventory");
		assertThat(registered).hasSize(2);
		assertThat(registered).extracting((instance) -> instance.getMetadata().get("weight"))
			.containsExactlyInAnyOrder("1", "3");

		RestClient inventory = client.getBean(Client.class).inventory;
		Map<String, Integer> servedBy = new HashMap<>();
		for (int i = 0; i < 400; i++) {
			servedBy.merge(inventory.get().uri("/who").retrieve().body(String.class), 1, Integer::sum);
		}
		assertThat(servedBy).containsExactlyInAnyOrderEntriesOf(Map.of("light", 100, "heavy", 300));

		light.close();
		long deregisteredAt = System.nanoTime();
		String last = "light";
		while (!isQuiet(inventory)) {
			assertThat(Duration.ofNanos(System.nanoTime() - deregisteredAt)).isLessThan(Duration.ofMillis(1500));
			Thread.sleep(20);
		}
		for (int i = 0; i < 100; i++) {
			last = inventory.get().uri("/who").retrieve().body(String.class);
			assertThat(last).isEqualTo("heavy");
		}
	}

	@Test
	void shouldLeaveConsulWhenTheDrainStartsAndStillAnswerDuringIt() throws Exception {
		ConfigurableApplicationContext leaving = start(new SpringApplicationBuilder(Backend.class), "inventory",
				"leaving", "mesh.instance.shutdown.drain-time=3s");
		ConfigurableApplicationContext client = start(
				new SpringApplicationBuilder(Client.class).web(WebApplicationType.NONE), "order", "client",
				"spring.cloud.consul.discovery.register=false");
		DiscoveryClient discovery = client.getBean(DiscoveryClient.class);
		assertThat(discovery.getInstances("inventory")).hasSize(1);
		int port = leaving.getEnvironment().getProperty("local.server.port", Integer.class);
		Thread closing = new Thread(leaving::close);
		closing.start();
		try {
			long start = System.nanoTime();
			while (!discovery.getInstances("inventory").isEmpty()) {
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
				Thread.sleep(20);
			}
			HttpResponse<String> answer = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/who")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.headers().firstValue(GoingAway.HEADER)).isPresent();
		}
		finally {
			closing.join(15_000);
		}
	}

	@Test
	void shouldPublishAWeightSetAtRunTimeToConsul() throws Exception {
		ConfigurableApplicationContext backend = start(new SpringApplicationBuilder(Backend.class), "inventory",
				"heavy", "mesh.instance.weight=3", "management.endpoints.web.exposure.include=mesh");
		ConfigurableApplicationContext client = start(
				new SpringApplicationBuilder(Client.class).web(WebApplicationType.NONE), "order", "client",
				"spring.cloud.consul.discovery.register=false");
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ServerPorts.of(backend) + "/actuator/mesh"))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"weight\": 0}"))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"publishedTo\":\"consul\"");
		assertThat(client.getBean(DiscoveryClient.class).getInstances("inventory"))
			.extracting((instance) -> instance.getMetadata().get("weight"))
			.containsExactly("0");
	}

	private static boolean isQuiet(RestClient inventory) {
		for (int i = 0; i < 8; i++) {
			try {
				if (!"heavy".equals(inventory.get().uri("/who").retrieve().body(String.class))) {
					return false;
				}
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return true;
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder, String name, String id,
			String... properties) {
		ConfigurableApplicationContext context = builder
			.initializers((application) -> application.getBeanFactory()
				.registerSingleton("consulConnectionDetails", consulConnectionDetails()))
			.properties("spring.application.name=" + name, "backend.id=" + id, "server.port=0",
					"server.address=127.0.0.1", "spring.cloud.consul.discovery.register-health-check=false",
					"spring.cloud.consul.discovery.prefer-ip-address=true",
					"spring.cloud.consul.discovery.ip-address=127.0.0.1", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
		this.contexts.add(context);
		return context;
	}

	/**
	 * Where the container's agent is, as a {@code @ServiceConnection} would give it;
	 * these applications are started with {@link SpringApplicationBuilder}, outside the
	 * test context that {@code @ServiceConnection} works in.
	 */
	private static ConsulConnectionDetails consulConnectionDetails() {
		return new ConsulConnectionDetails() {

			@Override
			public String getHost() {
				return consul.getHost();
			}

			@Override
			public int getPort() {
				return consul.getMappedPort(8500);
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@RestController
	static class Backend {

		private final String id;

		Backend(Environment environment) {
			this.id = environment.getProperty("backend.id");
		}

		@GetMapping("/who")
		String who() {
			return this.id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Client {

		RestClient inventory;

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

		@Bean
		Object inventoryHolder(@MeshClient("inventory") RestClient inventory) {
			this.inventory = inventory;
			return inventory;
		}

	}

}
