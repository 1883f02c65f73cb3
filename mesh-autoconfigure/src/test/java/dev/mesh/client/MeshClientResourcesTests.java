package dev.mesh.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.mesh.testsupport.BootHttpClientProperties;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer.Answer;
import dev.mesh.testsupport.RawHttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What a mesh client holds outside the heap (its JDK {@code HttpClient}'s selector thread
 * and connections, its executor's threads, the attempt watchdog's thread) ends with its
 * application context, so a closed context (a test's, or each devtools restart) leaves
 * nothing running.
 */
@Timeout(60)
class MeshClientResourcesTests {

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private static final String SELECTOR = "SelectorManager";

	@Test
	void shouldLeaveNoThreadAndNoConnectionOfTheMeshOnceTheContextIsClosed() {
		try (RawHttpServer a = RawHttpServer.start("a", Answer.body(5, true))) {
			Set<Thread> othersBefore = threads("mesh-");
			Set<Thread> before = threads(SELECTOR);
			// the JDK client, whose threads and connections outlive a context unless the
			// mesh ends them
			ConfigurableApplicationContext context = this.mesh.start(List.of(a),
					BootHttpClientProperties.FACTORY + "=jdk");
			RestClient inventory = context.getBean("inventory", RestClient.class);
			for (int i = 0; i < 5; i++) {
				assertThat(inventory.get().uri("/").retrieve().body(String.class)).isEqualTo("xxxxx");
			}
			Set<Thread> selectors = threads(SELECTOR);
			selectors.removeAll(before);
			// the mesh's, and the one Boot's builder made for the RestClient.Builder
			// before the mesh replaced it
			assertThat(selectors).as("the mesh client's HttpClient").isNotEmpty();
			assertThat(ours(othersBefore)).isNotEmpty();
			assertThat(a.openConnections()).as("the pooled connection").isEqualTo(1);
			context.close();
			assertThat(awaitWithoutGc(() -> ours(othersBefore).isEmpty()))
				.as("mesh threads left: %s", names(ours(othersBefore)))
				.isTrue();
			assertThatIllegalStateException().isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class))
				.withMessageContaining("service 'inventory'")
				.withMessageContaining("closed");
			if (Runtime.version().feature() >= 21) {
				// HttpClient.shutdownNow() ends the mesh's selector and closes the
				// connections at once (Boot's unused
				// client ends once collected)
				assertThat(awaitWithGc(() -> selectors.stream().noneMatch(Thread::isAlive))).isTrue();
				assertThat(a.awaitAllClosed(Duration.ofSeconds(10))).isTrue();
			}
			else {
				// before JDK 21 an HttpClient cannot be closed: its selector ends and
				// closes the connections
				// once the client is unreachable and collected: the closed mesh client no
				// longer holds it, even
				// while the RestClient is still held (as here)
				assertThat(awaitWithGc(() -> selectors.stream().noneMatch(Thread::isAlive))).isTrue();
				assertThat(a.awaitAllClosed(Duration.ofSeconds(10))).isTrue();
			}
		}
	}

	@Test
	void shouldNotOpenATransportForAServiceFirstCalledAfterClose() {
		try (RawHttpServer a = RawHttpServer.start("a", Answer.body(5, true))) {
			ConfigurableApplicationContext context = this.mesh.start(List.of(a));
			MeshClientFactory factory = context.getBean(MeshClientFactory.class);
			context.close();
			ClientHttpRequest request = factory.route("billing")
				.requestFactory()
				.createRequest(URI.create("http://127.0.0.1:" + a.port() + "/"), HttpMethod.GET);
			assertThatIllegalStateException().isThrownBy(request::execute).withMessageContaining("service 'billing'");
			assertThat(a.connections()).isZero();
		}
	}

	/**
	 * On the default transport (Apache HttpClient) closing the context closes the pooled
	 * connections at once.
	 */
	@Test
	void shouldCloseThePooledConnectionsOfTheDefaultTransportWithTheContext() {
		try (RawHttpServer a = RawHttpServer.start("a", Answer.body(5, true))) {
			ConfigurableApplicationContext context = this.mesh.start(List.of(a));
			RestClient inventory = context.getBean("inventory", RestClient.class);
			for (int i = 0; i < 5; i++) {
				assertThat(inventory.get().uri("/").retrieve().body(String.class)).isEqualTo("xxxxx");
			}
			assertThat(a.openConnections()).as("the pooled connection").isEqualTo(1);
			context.close();
			assertThat(a.awaitAllClosed(Duration.ofSeconds(10))).isTrue();
			assertThatIllegalStateException().isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class))
				.withMessageContaining("closed");
		}
	}

	/**
	 * Closing the context does not take the timeout from a call in flight: it still ends
	 * within it.
	 */
	@Test
	void shouldEndACallInFlightWithinItsTimeoutWhenTheContextIsClosedUnderIt() throws Exception {
		try (RawHttpServer silent = RawHttpServer.start("silent", (out, number) -> {
		})) {
			Set<Thread> othersBefore = threads("mesh-");
			ConfigurableApplicationContext context = this.mesh.start(List.of(silent),
					"mesh.clients.inventory.per-attempt-timeout=1s", "mesh.clients.inventory.retry.max-attempts=1",
					BootHttpClientProperties.FACTORY + "=jdk");
			RestClient inventory = context.getBean("inventory", RestClient.class);
			CompletableFuture<Throwable> call = CompletableFuture.supplyAsync(() -> {
				try {
					inventory.get().uri("/").retrieve().body(String.class);
					return null;
				}
				catch (RuntimeException ex) {
					return ex;
				}
			}, (task) -> new Thread(task, "caller").start());
			assertThat(RawHttpServer.await(() -> silent.requests() == 1, Duration.ofSeconds(10))).isTrue();
			context.close();
			long closed = System.nanoTime();
			Throwable failure = call.get(10, TimeUnit.SECONDS);
			assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(3));
			// JDK 21+ aborts the exchange at once (shutdownNow); before, the attempt's
			// timeout ends it
			assertThat(failure).isInstanceOf(ResourceAccessException.class)
				.hasMessageContaining((Runtime.version().feature() >= 21) ? "was closed with its application context"
						: "within 1000ms");
			assertThat(awaitWithoutGc(() -> ours(othersBefore).isEmpty()))
				.as("mesh threads left: %s", names(ours(othersBefore)))
				.isTrue();
		}
	}

	private static boolean awaitWithoutGc(BooleanSupplier condition) {
		return RawHttpServer.await(condition, Duration.ofSeconds(10));
	}

	private static boolean awaitWithGc(BooleanSupplier condition) {
		return RawHttpServer.await(() -> {
			System.gc();
			return condition.getAsBoolean();
		}, Duration.ofSeconds(20));
	}

	/**
	 * The mesh threads alive now that were not before this test's context started (other
	 * test classes' contexts, cached by Spring's test support, keep theirs while the JVM
	 * runs).
	 */
	private static Set<Thread> ours(Set<Thread> othersBefore) {
		Set<Thread> ours = threads("mesh-");
		ours.removeAll(othersBefore);
		return ours;
	}

	private static Set<Thread> threads(String namePart) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && (thread.getName().startsWith(namePart)
					|| (namePart.equals(SELECTOR) && thread.getName().contains(namePart))))
			.collect(Collectors.toSet());
	}

	private static List<String> names(Set<Thread> threads) {
		return threads.stream().map(Thread::getName).sorted().toList();
	}

}
