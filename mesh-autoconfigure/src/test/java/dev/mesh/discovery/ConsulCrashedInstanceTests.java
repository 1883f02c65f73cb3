package dev.mesh.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.mesh.autoconfigure.consul.ConsulConnectionDetails;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Consul (Testcontainers): an instance that dies without deregistering (its process
 * killed: here its context closed with deregistration off, so its health endpoint stops
 * answering) turns critical and is then removed from Consul's catalog by the
 * {@code DeregisterCriticalServiceAfter} the mesh sets by default (1 minute, plus up to
 * Consul's 30-second reap interval), rather than listed as critical for ever. Consul
 * checks the instance's health endpoint from its container, through Testcontainers' host
 * port forwarding. Skipped where there is no Docker; takes about two minutes.
 */
@Testcontainers(disabledWithoutDocker = true)
class ConsulCrashedInstanceTests {

	private static final ConsulContainer consul = new ConsulContainer("hashicorp/consul:1.20");

	private static int appPort;

	@BeforeAll
	static void startConsul() throws IOException {
		appPort = freePort();
		org.testcontainers.Testcontainers.exposeHostPorts(appPort);
		consul.start();
	}

	@AfterAll
	static void stopConsul() {
		consul.stop();
	}

	@Test
	void aKilledInstanceGoesCriticalAndThenLeavesTheCatalog() throws Exception {
		ConfigurableApplicationContext inventory = new SpringApplicationBuilder(Backend.class)
			.initializers((application) -> application.getBeanFactory()
				.registerSingleton("consulConnectionDetails", consulConnectionDetails()))
			.properties("spring.application.name=inventory", "server.port=" + appPort, "spring.main.banner-mode=off",
					"spring.cloud.consul.discovery.hostname=host.testcontainers.internal",
					"spring.cloud.consul.discovery.prefer-ip-address=false",
					"spring.cloud.consul.discovery.health-check-interval=1s",
					"spring.cloud.consul.discovery.health-check-timeout=1s",
					// a killed process deregisters nothing
					"spring.cloud.consul.discovery.deregister=false")
			.run();
		await(Duration.ofSeconds(30), () -> catalog("/v1/health/service/inventory?passing").contains("inventory-"));

		inventory.close();
		long killedAt = System.nanoTime();
		await(Duration.ofSeconds(30), () -> catalog("/v1/health/state/critical").contains("inventory"));
		assertThat(catalog("/v1/catalog/service/inventory")).as("still in the catalog, critical")
			.contains("inventory-");
		await(Duration.ofMinutes(3), () -> catalog("/v1/catalog/service/inventory").equals("[]"));
		assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).as("not before the critical timeout")
			.isGreaterThan(Duration.ofSeconds(55));
	}

	private static String catalog(String path) throws IOException, InterruptedException {
		HttpClient client = HttpClient.newHttpClient();
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://" + consul.getHost() + ":" + consul.getMappedPort(8500) + path))
			.build();
		return client.send(request, HttpResponse.BodyHandlers.ofString()).body().trim();
	}

	private static void await(Duration within, Check check) throws Exception {
		long deadline = System.nanoTime() + within.toNanos();
		while (!check.holds()) {
			assertThat(System.nanoTime()).as("waited %s", within).isLessThan(deadline);
			Thread.sleep(500);
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

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

	@FunctionalInterface
	private interface Check {

		boolean holds() throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Backend {

	}

}
