package dev.mesh.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.mesh.testsupport.RawHttpServer;
import dev.mesh.testsupport.RawHttpServer.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What a mesh client holds outside the heap (its JDK {@code HttpClient}'s selector thread and
 * connections, its executor's threads, the attempt watchdog's thread) ends with its application
 * context, so a closed context (a test's, or each devtools restart) leaves nothing running.
 */
@Timeout(60)
class MeshClientResourcesTests {

	private static final String SELECTOR = "SelectorManager";

	/** Mesh threads of other test classes' unclosed factories, running before these tests start. */
	private static final Set<Thread> OTHERS = threads("mesh-");

	@Test
	void shouldLeaveNoThreadAndNoConnectionOfTheMeshOnceTheContextIsClosed() {
		try (RawHttpServer a = RawHttpServer.start("a", Answer.body(5, true))) {
			ConfigurableApplicationContext context = RawInstances.start(List.of(a));
			Set<Thread> before = threads(SELECTOR);
			RestClient inventory = RawInstances.inventory(context);
			for (int i = 0; i < 5; i++) {
				assertThat(inventory.get().uri("/").retrieve().body(String.class)).isEqualTo("xxxxx");
			}
			Set<Thread> selectors = threads(SELECTOR);
			selectors.removeAll(before);
			assertThat(selectors).as("the mesh client's HttpClient, made on its first call").hasSize(1);
			assertThat(threads("mesh-")).isNotEmpty();
			assertThat(a.openConnections()).as("the pooled connection").isEqualTo(1);
			context.close();
			assertThat(awaitWithoutGc(() -> meshThreadsOf(context).isEmpty()))
				.as("mesh threads left: %s", names(meshThreadsOf(context))).isTrue();
			assertThatIllegalStateException()
				.isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class))
				.withMessageContaining("service 'inventory'")
				.withMessageContaining("closed");
			if (Runtime.version().feature() >= 21) {
				// HttpClient.shutdownNow() ends the selector and closes the connections at once
				assertThat(awaitWithoutGc(() -> selectors.stream().noneMatch(Thread::isAlive))).isTrue();
				assertThat(a.awaitAllClosed(Duration.ofSeconds(10))).isTrue();
			}
			else {
				// before JDK 21 an HttpClient cannot be closed: its selector ends and closes the connections
				// once the client is unreachable and collected: the closed mesh client no longer holds it, even
				// while the RestClient is still held (as here)
				assertThat(awaitWithGc(() -> selectors.stream().noneMatch(Thread::isAlive))).isTrue();
				assertThat(a.awaitAllClosed(Duration.ofSeconds(10))).isTrue();
			}
		}
	}

	@Test
	void shouldNotOpenATransportForAServiceFirstCalledAfterClose() {
		try (RawHttpServer a = RawHttpServer.start("a", Answer.body(5, true))) {
			ConfigurableApplicationContext context = RawInstances.start(List.of(a));
			MeshClientFactory factory = context.getBean(MeshClientFactory.class);
			context.close();
			ClientHttpRequest request = factory.route("billing").requestFactory()
				.createRequest(URI.create("http://127.0.0.1:" + a.port() + "/"), HttpMethod.GET);
			assertThatIllegalStateException().isThrownBy(request::execute).withMessageContaining("service 'billing'");
			assertThat(a.connections()).isZero();
		}
	}

	/** Closing the context does not take the timeout from a call in flight: it still ends within it. */
	@Test
	void shouldEndACallInFlightWithinItsTimeoutWhenTheContextIsClosedUnderIt() throws Exception {
		try (RawHttpServer silent = RawHttpServer.start("silent", (out, number) -> {
		})) {
			ConfigurableApplicationContext context = RawInstances.start(List.of(silent),
					"mesh.clients.inventory.per-attempt-timeout=1s", "mesh.clients.inventory.retry.max-attempts=1");
			RestClient inventory = RawInstances.inventory(context);
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
			// JDK 21+ aborts the exchange at once (shutdownNow); before, the attempt's timeout ends it
			assertThat(failure).isInstanceOf(ResourceAccessException.class)
				.hasMessageContaining((Runtime.version().feature() >= 21) ? "was closed with its application context"
						: "within 1000ms");
			assertThat(awaitWithoutGc(() -> meshThreadsOf(context).isEmpty()))
				.as("mesh threads left: %s", names(meshThreadsOf(context))).isTrue();
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
	 * The mesh threads started since this test class was loaded: other test classes in the same JVM
	 * leave factories of their own unclosed, whose threads are not this context's.
	 */
	private static Set<Thread> meshThreadsOf(ConfigurableApplicationContext context) {
		Set<Thread> threads = threads("mesh-");
		threads.removeAll(OTHERS);
		return threads;
	}

	private static Set<Thread> threads(String namePart) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && (thread.getName().startsWith(namePart)
					|| (namePart.equals(SELECTOR) && thread.getName().contains(namePart))))
			.collect(Collectors.toSet());
	}

	private static List<String> names(Set<Thread> threads) {
		return threads.stream().map(Thread::getName).sorted().toList();
	}

}
