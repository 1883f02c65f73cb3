package dev.mesh.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.mesh.testsupport.BootHttpClientProperties;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer.Answer;
import dev.mesh.testsupport.RawHttpServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code mesh.clients.<service>.buffer-response=false} on each transport: the body of a
 * 2xx answer is handed to the caller as a stream once the headers are in, past
 * {@code max-response-size} and past the attempt's timeout; an answer that fails before
 * that is retried on another instance, nothing after; and the stream is closed on every
 * path, without reading on: the instance sees its connection closed when the caller stops
 * early, and the {@code http-components} pool has no connection left leased.
 */
// a separate thread: a read that ignores interrupts (a drain on close) fails the test
// instead of hanging the run
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamingTransportTests {

	private static final byte[] SSE_HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			+ "Transfer-Encoding: chunked\r\n\r\n")
		.getBytes(StandardCharsets.US_ASCII);

	@RegisterExtension
	final MeshFixture raw = new MeshFixture();

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aLargeDownloadIsStreamedPastMaxResponseSize(String transport) {
		int size = 50 * 1024 * 1024;
		RawHttpServer a = server("a", (out, number) -> {
			out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			byte[] block = new byte[64 * 1024];
			for (int sent = 0; sent < size; sent += block.length) {
				out.write(block, 0, Math.min(block.length, size - sent));
			}
		});
		start(transport, List.of(a), "mesh.clients.inventory.max-response-size=1MB");
		long read = inventory().get().uri("/download").exchange((request, response) -> count(response.getBody()));
		assertThat(read).isEqualTo(size);
		assertNoConnectionLeased();
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void serverSentEventsReachTheCallerOneByOne(String transport) {
		CountDownLatch firstSeen = new CountDownLatch(1);
		AtomicBoolean secondWaitedForTheCaller = new AtomicBoolean();
		RawHttpServer a = server("a", (out, number) -> {
			out.write(SSE_HEAD);
			out.write(chunk("data: one\n\n"));
			out.flush();
			secondWaitedForTheCaller.set(await(firstSeen));
			out.write(chunk("data: two\n\n"));
			out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		});
		start(transport, List.of(a));
		List<String> events = inventory().get().uri("/events").exchange((request, response) -> {
			List<String> seen = new ArrayList<>();
			BufferedReader lines = new BufferedReader(
					new InputStreamReader(response.getBody(), StandardCharsets.UTF_8));
			for (String line; (line = lines.readLine()) != null;) {
				if (line.startsWith("data: ")) {
					seen.add(line.substring(6));
					firstSeen.countDown();
				}
			}
			return seen;
		});
		assertThat(events).containsExactly("one", "two");
		assertThat(secondWaitedForTheCaller).as("the caller saw the first event before the second was sent").isTrue();
		assertNoConnectionLeased();
	}

	/**
	 * The attempt's 300 ms cover the exchange up to the headers; the body then takes as
	 * long as it takes.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void theDeadlineCoversTheExchangeUpToTheHeadersOnly(String transport) {
		CountDownLatch callerWaited = new CountDownLatch(1);
		RawHttpServer a = server("a", (out, number) -> {
			out.write(SSE_HEAD);
			out.write(chunk("first\n"));
			out.flush();
			await(callerWaited);
			out.write(chunk("second\n"));
			out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		});
		start(transport, List.of(a), "mesh.clients.inventory.per-attempt-timeout=300ms");
		String body = inventory().get().uri("/slow").exchange((request, response) -> {
			InputStream in = response.getBody();
			StringBuilder text = new StringBuilder();
			for (int b; (b = in.read()) != '\n';) {
				text.append((char) b);
			}
			// the rest of the body is sent three attempt timeouts after the headers
			sleep(Duration.ofMillis(900));
			callerWaited.countDown();
			return text + "\n" + new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		});
		assertThat(body).isEqualTo("first\nsecond\n");
		assertNoConnectionLeased();
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aFailureBeforeTheBodyIsRetriedOnAnotherInstance(String transport) {
		RawHttpServer busy = server("busy",
				Answer.ascii("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"));
		RawHttpServer ok = server("ok", Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
		start(transport, List.of(busy, ok), "mesh.clients.inventory.load-balancer=round-robin");
		for (int i = 0; i < 4; i++) {
			String answer = inventory().get()
				.uri("/")
				.exchange((request, response) -> response.getStatusCode().value() + " "
						+ new String(response.getBody().readAllBytes(), StandardCharsets.US_ASCII));
			assertThat(answer).isEqualTo("200 ok");
		}
		assertThat(busy.requests()).as("the busy instance was tried").isPositive();
		assertThat(ok.requests()).isEqualTo(4);
		assertNoConnectionLeased();
	}

	/**
	 * Once the caller has the stream, a body broken off is the caller's failure to see:
	 * never retried, never cut silently.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aBodyBrokenOffAfterItWasHandedOverFailsTheReadAndIsNotRetried(String transport) {
		Answer brokenOff = (out, number) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			throw new IOException("closing mid-body");
		};
		RawHttpServer a = server("a", brokenOff);
		RawHttpServer b = server("b", brokenOff);
		start(transport, List.of(a, b));
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(
					() -> inventory().get().uri("/").exchange((request, response) -> response.getBody().readAllBytes()))
			.withCauseInstanceOf(IOException.class);
		assertThat(a.requests() + b.requests()).as("not retried").isEqualTo(1);
		assertNoConnectionLeased();
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aCallerThatStopsReadingClosesTheStreamWithoutReadingOn(String transport) {
		RawHttpServer a = server("a", Answer.endlessBody());
		start(transport, List.of(a));
		byte[] first = inventory().get().uri("/").exchange((request, response) -> response.getBody().readNBytes(1024));
		assertThat(first).hasSize(1024);
		assertClosedAndReleased(a);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aCallerThatFailsWhileReadingClosesTheStreamWithoutReadingOn(String transport) {
		RawHttpServer a = server("a", Answer.endlessBody());
		start(transport, List.of(a));
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> inventory().get().uri("/").exchange((request, response) -> {
				response.getBody().readNBytes(1024);
				throw new IllegalStateException("the caller's own failure");
			}));
		assertClosedAndReleased(a);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aStreamTakenOutOfTheExchangeAndClosedEarlyClosesItsConnection(String transport) throws IOException {
		RawHttpServer a = server("a", Answer.endlessBody());
		start(transport, List.of(a));
		InputStream body = inventory().get().uri("/").exchange((request, response) -> response.getBody(), false);
		assertThat(body.readNBytes(1024)).hasSize(1024);
		body.close();
		assertClosedAndReleased(a);
	}

	/**
	 * With the body read to its end, the connection goes back to the pool and is used
	 * again.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aBodyReadToItsEndKeepsTheConnectionForTheNextCall(String transport) {
		RawHttpServer a = server("a", Answer.body(100_000, false));
		start(transport, List.of(a));
		for (int i = 0; i < 3; i++) {
			long read = inventory().get().uri("/").exchange((request, response) -> count(response.getBody()));
			assertThat(read).isEqualTo(100_000);
		}
		assertThat(a.connections()).as("one connection, reused").isEqualTo(1);
		assertNoConnectionLeased();
	}

	private void assertClosedAndReleased(RawHttpServer server) {
		assertThat(server.awaitAllClosed(Duration.ofSeconds(5))).as("the instance sees the connection closed").isTrue();
		assertNoConnectionLeased();
		server.answer(Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
		assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("ok");
	}

	private void assertNoConnectionLeased() {
		int leased = TransportPools.leased(this.raw.context(), "inventory");
		assertThat(leased).as("leased connections: %s", TransportPools.stats(this.raw.context(), "inventory"))
			.isLessThanOrEqualTo(0);
	}

	private static long count(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		long total = 0;
		for (int n; (n = in.read(buffer)) != -1;) {
			total += n;
		}
		return total;
	}

	private static byte[] chunk(String text) {
		return (Integer.toHexString(text.length()) + "\r\n" + text + "\r\n").getBytes(StandardCharsets.US_ASCII);
	}

	private static boolean await(CountDownLatch latch) {
		try {
			return latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private RawHttpServer server(String id, Answer answer) {
		RawHttpServer server = RawHttpServer.start(id, answer);
		this.raw.keep(server);
		return server;
	}

	private void start(String transport, List<RawHttpServer> instances, String... extra) {
		List<String> properties = new ArrayList<>(List.of(BootHttpClientProperties.FACTORY + "=" + transport,
				"mesh.clients.inventory.buffer-response=false"));
		properties.addAll(List.of(extra));
		this.raw.start(instances, properties.toArray(String[]::new));
	}

	private RestClient inventory() {
		return this.raw.inventory();
	}

}
