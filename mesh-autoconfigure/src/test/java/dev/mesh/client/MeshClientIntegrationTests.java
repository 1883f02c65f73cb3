package dev.mesh.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.mesh.testsupport.BootRestClients;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.Provider;
import dev.mesh.testsupport.SimpleDiscoveryRegistry;
import dev.mesh.testsupport.TestServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A real application with {@code @MeshClient} beans calling real embedded Tomcat
 * instances found through Spring Cloud's {@code SimpleDiscoveryClient}.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshClientIntegrationTests {

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@Test
	void shouldSplitCallsExactlyByWeightWithWeightedRoundRobin() {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		TestServer c = this.mesh.server("c");
		start(instance(a, "1"), instance(b, "2"), instance(c, "3"));
		RestClient inventory = inventoryClient();
		Map<String, Integer> servedBy = new HashMap<>();
		for (int i = 0; i < 600; i++) {
			String id = inventory.get().uri("/api/stock/{sku}", "sku-" + i).retrieve().body(String.class);
			servedBy.merge(id, 1, Integer::sum);
		}
		assertThat(servedBy).containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 200, "c", 300));
	}

	@Test
	void shouldSendRelativeAndServiceUrisToAnInstanceKeepingPathAndQuery() {
		TestServer a = this.mesh.server("a");
		start(instance(a, "1"));
		RestClient inventory = inventoryClient();
		assertThat(inventory.get().uri("/api/stock/{sku}?full=true", "x 1").retrieve().body(String.class))
			.isEqualTo("a");
		assertThat(a.lastHeaders().get(":path")).isEqualTo("/api/stock/x%201?full=true");
		assertThat(inventory.get().uri("http://inventory/api/stock/2").retrieve().body(String.class)).isEqualTo("a");
		assertThat(a.lastHeaders().get(":path")).isEqualTo("/api/stock/2");
		assertThat(a.lastHeaders().get("host")).isEqualTo("127.0.0.1:" + a.port());
		assertThat(a.requests()).isEqualTo(2);
	}

	/**
	 * The JDK never proxies loopback addresses, so the instance here is one that cannot
	 * be reached (TEST-NET-1, RFC 5737) while the JVM's proxy, a real local server, could
	 * answer for it: with the proxy settings honoured the call would succeed through it.
	 */
	@Test
	void shouldConnectToTheInstanceDirectlyWhateverTheJvmProxySettings() {
		TestServer proxy = this.mesh.server("proxy");
		DefaultServiceInstance unreachable = new DefaultServiceInstance("far", "inventory", "192.0.2.1", 8080, false,
				Map.of("weight", "1"));
		start(List.of("mesh.clients.inventory.connect-timeout=200ms", "mesh.clients.inventory.retry.max-attempts=1"),
				unreachable);
		RestClient inventory = inventoryClient();
		Map<String, String> proxied = Map.of("http.proxyHost", "127.0.0.1", "http.proxyPort",
				Integer.toString(proxy.port()), "http.nonProxyHosts", "nothing.invalid");
		Map<String, String> saved = new HashMap<>();
		proxied.keySet().forEach((key) -> saved.put(key, System.getProperty(key)));
		try {
			proxied.forEach(System::setProperty);
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
		}
		finally {
			saved.forEach((key, value) -> {
				if (value == null) {
					System.clearProperty(key);
				}
				else {
					System.setProperty(key, value);
				}
			});
		}
		assertThat(proxy.requests()).isZero();
	}

	@Test
	@Timeout(20)
	void shouldCloseTheConnectionOfAnAttemptThatTimedOut() throws Exception {
		// the server reads the request and never answers
		assertTimesOutAndClosesTheConnection(null);
		// the timeout interrupted this thread to abort the exchange and cleared that
		// again; no interrupt of
		// the watchdog's comes later either (sleep would throw)
		Thread.sleep(3 * AttemptWatchdog.TICK_MILLIS);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	@Timeout(20)
	void shouldTimeOutAnAttemptWhoseBodyStalls() throws Exception {
		// the server sends the headers and the first 5 of 100 promised bytes, then
		// nothing
		assertTimesOutAndClosesTheConnection("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello");
	}

	/**
	 * Calls an instance on a raw socket with a 300 ms attempt timeout: the call must fail
	 * in time, the abandoned exchange must be aborted (its connection closed, not left
	 * waiting on the instance for ever), and the calling thread must not be left
	 * interrupted.
	 * @param answer what the instance writes after reading the request, if anything
	 */
	private void assertTimesOutAndClosesTheConnection(String answer) throws Exception {
		try (ServerSocket instance = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Long> closedAt = CompletableFuture.supplyAsync(() -> {
				try (Socket connection = instance.accept()) {
					InputStream in = connection.getInputStream();
					in.read(new byte[4096]);
					if (answer != null) {
						connection.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
						connection.getOutputStream().flush();
					}
					while (in.read() != -1) {
						// nothing more until the client closes
					}
					return System.nanoTime();
				}
				catch (IOException ex) {
					return System.nanoTime();
				}
			});
			start(List.of("mesh.clients.inventory.per-attempt-timeout=300ms",
					"mesh.clients.inventory.retry.max-attempts=1"),
					new DefaultServiceInstance("raw", "inventory", "127.0.0.1", instance.getLocalPort(), false,
							Map.of("weight", "1")));
			long started = System.nanoTime();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> inventoryClient().get().uri("/api/stock/1").retrieve().body(String.class))
				.withMessageContaining("within 300ms");
			long failed = System.nanoTime();
			assertThat(Duration.ofNanos(failed - started)).isLessThan(Duration.ofSeconds(2));
			assertThat(closedAt.get(5, TimeUnit.SECONDS)).isLessThan(failed + Duration.ofSeconds(2).toNanos());
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		}
	}

	@Test
	void shouldLeaveAnInterruptOfTheCallersOwnToTheCaller() {
		TestServer a = this.mesh.server("a");
		start(List.of("mesh.clients.inventory.retry.max-attempts=1"), instance(a, "1"));
		RestClient inventory = inventoryClient();
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class))
				.withRootCauseInstanceOf(InterruptedException.class);
			assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt is kept").isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
	}

	@Test
	void shouldGiveTheCallerTheResponseHeadersByAnyCaseAndDropHeadersTheTransportSetsItself() {
		TestServer a = this.mesh.server("a");
		start(instance(a, "1"));
		ResponseEntity<String> response = inventoryClient().get()
			.uri("/api/stock/1")
			.header("Connection", "close")
			.header("UPGRADE", "h2c")
			.header("host", "elsewhere.example")
			.header("EXPECT", "100-continue")
			.header("Content-length", "0")
			.header("X-Upgrade-Id", "kept")
			.retrieve()
			.toEntity(String.class);
		assertThat(response.getBody()).isEqualTo("a");
		assertThat(response.getHeaders().getFirst("X-Served-By")).isEqualTo("a");
		assertThat(response.getHeaders().getFirst("x-served-by")).isEqualTo("a");
		assertThat(response.getHeaders().getContentType()).isNotNull();
		assertThat(a.lastHeaders()).containsEntry("x-upgrade-id", "kept")
			.containsEntry("host", "127.0.0.1:" + a.port())
			.doesNotContainKeys("upgrade", "expect");
	}

	@Test
	void shouldRefuseRequestsToAnyOtherHost() {
		TestServer a = this.mesh.server("a");
		TestServer stranger = this.mesh.server("stranger");
		start(instance(a, "1"));
		RestClient inventory = inventoryClient();
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> inventory.get().uri(stranger.uri() + "/steal").retrieve().body(String.class))
			.withMessageContaining("'inventory'")
			.withMessageContaining("127.0.0.1:" + stranger.port());
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> inventory.get().uri("http://inventory:8443/x").retrieve().body(String.class));
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> inventory.get().uri("http://billing/x").retrieve().body(String.class));
		assertThat(stranger.requests()).isZero();
		assertThat(a.requests()).isZero();
	}

	@Test
	void shouldRefuseAnotherHostWithoutRepeatingTheCredentialsOrQueryInItsUri() {
		TestServer a = this.mesh.server("a");
		TestServer stranger = this.mesh.server("stranger");
		start(instance(a, "1"));
		String refused = "http://admin:s3cret@127.0.0.1:" + stranger.port() + "/steal?api_key=k1";
		assertThatExceptionOfType(ForeignHostException.class)
			.isThrownBy(() -> inventoryClient().get().uri(refused).retrieve().body(String.class))
			.withMessageEndingWith("refused request to http://127.0.0.1:" + stranger.port())
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("s3cret").doesNotContain("admin"));
		assertThat(stranger.requests()).isZero();
	}

	@Test
	void shouldFailWithASpecificExceptionWhenTheServiceHasNoInstance() {
		start();
		assertThatExceptionOfType(NoInstanceAvailableException.class)
			.isThrownBy(() -> inventoryClient().get().uri("/api/stock/1").retrieve().body(String.class))
			.withMessageContaining("'inventory'")
			.satisfies((ex) -> assertThat(ex.getServiceId()).isEqualTo("inventory"));
	}

	@Test
	void shouldMakeAnnotatedBuilderBeansIntoMeshClientsToo() {
		TestServer a = this.mesh.server("a");
		start(instance(a, "1"));
		RestClient fromBuilder = this.mesh.bean(Clients.class).fromBuilder;
		assertThat(fromBuilder.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
	}

	@Test
	void shouldKeepBootsObservationInstrumentation() {
		TestServer a = this.mesh.server("a");
		start(instance(a, "1"));
		for (int i = 0; i < 3; i++) {
			inventoryClient().get().uri("/api/stock/{sku}", i).retrieve().body(String.class);
		}
		MeterRegistry registry = this.mesh.bean(MeterRegistry.class);
		assertThat(registry.get("http.client.requests").tag("uri", "/api/stock/{sku}").timer().count()).isEqualTo(3);
	}

	@Test
	void shouldStopPickingAnInstanceWithinASecondOfItLeavingTheRegistry() throws InterruptedException {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		start(instance(a, "1"), instance(b, "1"));
		RestClient inventory = inventoryClient();
		for (int i = 0; i < 10; i++) {
			inventory.get().uri("/").retrieve().body(String.class);
		}
		assertThat(b.requests()).isEqualTo(5);
		SimpleDiscoveryProperties registry = this.mesh.bean(SimpleDiscoveryProperties.class);
		SimpleDiscoveryRegistry.list(registry, "inventory", List.of(instance(a, "1")));
		long removedAt = System.nanoTime();
		int servedByBAfterRemoval = b.requests();
		while (b.requests() > servedByBAfterRemoval
				|| System.nanoTime() - removedAt < Duration.ofMillis(1200).toNanos()) {
			servedByBAfterRemoval = b.requests();
			inventory.get().uri("/").retrieve().body(String.class);
			Thread.sleep(5);
			assertThat(Duration.ofNanos(System.nanoTime() - removedAt)).isLessThan(Duration.ofSeconds(3));
		}
		int before = b.requests();
		for (int i = 0; i < 50; i++) {
			inventory.get().uri("/").retrieve().body(String.class);
		}
		assertThat(b.requests()).isEqualTo(before);
	}

	@Test
	void shouldCountGarbageWeightsAsOneAndWarnOncePerInstance(CapturedOutput output) {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		TestServer c = this.mesh.server("c");
		start(instance(a, "abc"), instance(b, "-5"), instance(c, "1e99"));
		RestClient inventory = inventoryClient();
		for (int i = 0; i < 300; i++) {
			inventory.get().uri("/").retrieve().body(String.class);
		}
		assertThat(List.of(a.requests(), b.requests(), c.requests())).containsExactly(100, 100, 100);
		assertThat(output.getAll().split("weight='abc'", -1)).hasSize(2);
		assertThat(output.getAll().split("weight='-5'", -1)).hasSize(2);
		assertThat(output.getAll().split("weight='1e99'", -1)).hasSize(2);
	}

	private static DefaultServiceInstance instance(TestServer server, String weight) {
		return (DefaultServiceInstance) server.instance("inventory", Map.of("weight", weight));
	}

	private RestClient inventoryClient() {
		return this.mesh.bean(Clients.class).inventory;
	}

	private void start(DefaultServiceInstance... instances) {
		start(List.of(), instances);
	}

	private void start(List<String> extraProperties, DefaultServiceInstance... instances) {
		List<Provider> registry = Stream.of(instances).<Provider>map((instance) -> (service) -> instance).toList();
		this.mesh.start(Consumer.of(ClientApplication.class), registry, extraProperties.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ClientApplication {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(BeanFactory beanFactory) {
			return BootRestClients.configuredBuilder(beanFactory).build();
		}

		/**
		 * A builder bean replaces Boot's, so it is made with Boot's configurer to keep
		 * observations.
		 */
		@Bean
		@MeshClient("inventory")
		RestClient.Builder inventoryBuilder(BeanFactory beanFactory) {
			return BootRestClients.configuredBuilder(beanFactory);
		}

		@Bean
		Clients clients(@MeshClient("inventory") RestClient inventory,
				@MeshClient("inventory") RestClient.Builder inventoryBuilder) {
			return new Clients(inventory, inventoryBuilder.build());
		}

	}

	static final class Clients {

		final RestClient inventory;

		final RestClient fromBuilder;

		Clients(RestClient inventory, RestClient fromBuilder) {
			this.inventory = inventory;
			this.fromBuilder = fromBuilder;
		}

	}

}
