package dev.mesh.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.testsupport.BootHttpClientProperties;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer.Answer;
import dev.mesh.testsupport.RawHttpServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Plays an instance that answers with garbage or too much: huge headers, an endless body,
 * a wrong or malformed {@code Content-Length}, a body that stalls, no HTTP at all. Each
 * time the caller gets a clear failure (a {@link RestClientException} saying what was
 * wrong, never a raw parsing exception or a truncated body) within its deadline, and the
 * mesh keeps working: the next calls go through, and with a healthy instance beside the
 * hostile one, a retryable failure is retried there.
 */
@Timeout(60)
class TransportAttackTests {

	/** The whole call's deadline in these tests; attempts get 500 ms each. */
	private static final Duration DEADLINE = Duration.ofSeconds(1);

	private static final Answer HEALTHY = Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nhealthy");

	@RegisterExtension
	final MeshFixture raw = new MeshFixture();

	/** The HTTP client library under attack ({@code spring.http.client.factory}). */
	private String transport;

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void hugeHeadersFailTheAttemptAtTheJdkLimitNotWhenMemoryRunsOut(String transport) {
		byte[] line = ("X-Junk: " + "a".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
		RawHttpServer hostile = start(transport, (out, number) -> {
			out.write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
			while (true) {
				out.write(line);
			}
		});
		assertClearFailure(ResourceAccessException.class, "Header size", "Maximum line length limit exceeded",
				"Maximum header count exceeded", "header");
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void anEndlessBodyFailsAtMaxResponseSizeWithItsConnectionClosed(String transport) {
		RawHttpServer hostile = start(transport, Answer.endlessBody(), "mesh.clients.inventory.max-response-size=64KB");
		assertClearFailure(ResponseTooLargeException.class, "mesh.clients.inventory.max-response-size (64KB)");
		assertThat(hostile.awaitAllClosed(Duration.ofSeconds(5))).isTrue();
		assertNextCallsWork(hostile);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aContentLengthLongerThanTheBodyThenAClosedConnectionIsAFailureNeverATruncatedBody(String transport) {
		RawHttpServer hostile = start(transport, (out, number) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			throw new IOException("closing mid-body");
		});
		assertClearFailure(ResourceAccessException.class, "");
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aContentLengthLongerThanTheBodyThenSilenceTimesOutWithItsConnectionClosed(String transport) {
		RawHttpServer hostile = start(transport, Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"));
		assertClearFailure(ResourceAccessException.class, "within 500ms");
		// HttpURLConnection hands a connection with a few bytes left to its keep-alive
		// cleaner, which closes it
		// when they do not come within its 5 s; it is never used again
		assertThat(hostile.awaitAllClosed(Duration.ofSeconds("simple".equals(transport) ? 15 : 5))).isTrue();
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	/**
	 * The same attack, again and again, on HttpURLConnection: a disconnect hands a
	 * connection with bytes left to the JDK's keep-alive cleaner, which holds its stream
	 * for a 5 s read. Closing the response after that (Spring's close reads the rest) or
	 * a second disconnect from the watchdog waited for it: about every other call took 6
	 * s instead of 1 s, and the watchdog, which serves every attempt, was held as long.
	 */
	@org.junit.jupiter.api.Test
	void aContentLengthLongerThanTheBodyThenSilenceEndsEveryCallAtItsDeadlineOnSimple() {
		start("simple", Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"));
		for (int i = 0; i < 6; i++) {
			assertClearFailure(ResourceAccessException.class, "within 500ms");
		}
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aBodyThatStallsAfterTheHeadersTimesOutWithItsConnectionClosed(String transport) {
		RawHttpServer hostile = start(transport,
				Answer.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
		assertClearFailure(ResourceAccessException.class, "within 500ms");
		assertThat(hostile.awaitAllClosed(Duration.ofSeconds(5))).isTrue();
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	/**
	 * A body that trickles in, each byte well within any read timeout, still ends at the
	 * attempt's deadline: each socket read of HttpURLConnection ignores the watchdog's
	 * interrupt, and the watchdog must not wait on such a read either (it serves every
	 * attempt; before this test it did, for the whole trickle).
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aBodyThatTricklesInEndsAtTheDeadline(String transport) {
		RawHttpServer hostile = start(transport, (out, number) -> {
			out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			for (int i = 0; i < 100; i++) {
				out.write('x');
				out.flush();
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException(ex);
				}
			}
		});
		assertClearFailure(ResourceAccessException.class, "within 500ms");
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	/**
	 * Bytes after the announced body must never be read as the answer to a later call on
	 * the connection.
	 */
	@ParameterizedTest
	// only the JDK client closes a connection on bytes past the announced body: Apache
	// HttpClient and
	// HttpURLConnection read them as the next answer on that connection, which goes to
	// the same instance
	// (their pools are per instance), so an instance can only garble its own answers
	// (docs/security.md)
	@ValueSource(strings = { "jdk" })
	void aContentLengthShorterThanTheBodyNeverLeaksTheRestIntoTheNextCall(String transport) {
		RawHttpServer hostile = start(transport, Answer.ascii(
				"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled"));
		assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("ok");
		hostile.answer(HEALTHY);
		for (int i = 0; i < 5; i++) {
			try {
				assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
			}
			catch (ResourceAccessException ex) {
				// a garbled exchange may fail; it must never answer with the smuggled
				// body
			}
		}
		assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aContentLengthThatIsNoNumberIsAFailureOfTheInstanceNotARawParsingException(String transport) {
		RawHttpServer hostile = start(transport, Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello"));
		assertClearFailure(ResourceAccessException.class, "Invalid content length", "Malformed response",
				"Invalid 'Content-Length'", "Content-Length", "content length", "NumberFormatException",
				"For input string",
				// HttpURLConnection ignores such a length and reads until the connection
				// closes: the deadline ends it
				"within 500ms");
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aContentLengthTooLongForALongIsAFailureOfTheInstance(String transport) {
		RawHttpServer hostile = start(transport,
				Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\nhello"));
		assertClearFailure(ResourceAccessException.class, "Invalid content length", "Malformed response",
				"Invalid 'Content-Length'", "Content-Length", "content length", "NumberFormatException",
				"For input string",
				// HttpURLConnection ignores such a length and reads until the connection
				// closes: the deadline ends it
				"within 500ms");
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aNegativeContentLengthIsAFailure(String transport) {
		RawHttpServer hostile = start(transport, Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello"));
		assertClearFailure(ResourceAccessException.class, "");
		assertNextCallsWorkAndRetriesGoElsewhere(hostile);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void anAnswerThatIsNoHttpIsAFailureAndItsConnectionIsNeverReused(String transport) {
		RawHttpServer hostile = start(transport, Answer.ascii("HELLO WORLD\r\n\r\n"));
		assertClearFailure(ResourceAccessException.class, "Invalid status line", "Invalid HTTP response",
				"Invalid response", "status line", "Unexpected end of file", "The target server failed to respond",
				"Malformed response",
				// Apache HttpClient skips lines that are no status line: the attempt's
				// deadline ends it
				"within 500ms");
		int connections = hostile.connections();
		hostile.answer(HEALTHY);
		assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
		assertThat(hostile.connections()).as("a new connection").isEqualTo(connections + 1);
		assertNextCallsWork(hostile);
	}

	/**
	 * The jdk transport drives Boot's JDK client itself, so the application's
	 * spring.http.client.read-timeout must still reach it: a silent instance fails at
	 * that timeout, not at the mesh's longer per-attempt one.
	 */
	@org.junit.jupiter.api.Test
	void theJdkTransportKeepsTheApplicationsReadTimeout() {
		start("jdk", (out, number) -> {
		}, BootHttpClientProperties.PREFIX + "read-timeout=200ms");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory().get().uri("/api/stock/1").retrieve().body(String.class))
			.withRootCauseInstanceOf(java.net.http.HttpTimeoutException.class)
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("within 500ms"));
	}

	/**
	 * An instance that never answers, on a transport whose socket gives up at the
	 * application's read timeout: the failure names that setting as the running Boot line
	 * spells it (spring.http.clients.read-timeout on Boot 4).
	 */
	@ParameterizedTest
	@ValueSource(strings = { "http-components", "simple" })
	void aReadTimeoutNamesTheApplicationsSettingAsItsBootLineSpellsIt(String transport) {
		start(transport, (out, number) -> {
		}, BootHttpClientProperties.PREFIX + "read-timeout=200ms");
		assertClearFailure(ResourceAccessException.class, BootHttpClientProperties.PREFIX + "read-timeout");
	}

	private RawHttpServer start(String transport, Answer hostileAnswer, String... extra) {
		this.transport = transport;
		RawHttpServer hostile = RawHttpServer.start("hostile", hostileAnswer);
		this.raw.keep(hostile);
		List<String> properties = new ArrayList<>(List.of("mesh.clients.inventory.per-attempt-timeout=500ms",
				"mesh.clients.inventory.timeout=" + DEADLINE.toMillis() + "ms",
				"mesh.clients.inventory.retry.max-attempts=1", BootHttpClientProperties.FACTORY + "=" + transport));
		properties.addAll(List.of(extra));
		this.raw.start(List.of(hostile), properties.toArray(String[]::new));
		return hostile;
	}

	/**
	 * The call fails with the given exception, saying what went wrong, within the call's
	 * deadline.
	 */
	private void assertClearFailure(Class<? extends RestClientException> type, String... anyOf) {
		long started = System.nanoTime();
		assertThatExceptionOfType(type)
			.isThrownBy(() -> inventory().get().uri("/api/stock/1").retrieve().body(String.class))
			.satisfies((ex) -> assertThat(anyOf).as("one of these in: %s", ex.getMessage())
				.anyMatch((part) -> ex.getMessage().contains(part)));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE.plusSeconds(1));
	}

	/**
	 * Once the instance behaves, calls to it go through: nothing of the attack is left in
	 * the client.
	 */
	private void assertNextCallsWork(RawHttpServer hostile) {
		hostile.answer(HEALTHY);
		for (int i = 0; i < 3; i++) {
			assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
		}
	}

	/**
	 * With a healthy instance beside the hostile one and retries on (the defaults), every
	 * call is answered, the hostile instance's failures being retried on the healthy one.
	 */
	private void assertNextCallsWorkAndRetriesGoElsewhere(RawHttpServer hostile) {
		Answer attack = answerOf(hostile);
		this.raw.closeContext();
		RawHttpServer healthy = RawHttpServer.start("healthy", HEALTHY);
		this.raw.keep(healthy);
		this.raw.start(List.of(hostile, healthy), "mesh.clients.inventory.per-attempt-timeout=500ms",
				"mesh.clients.inventory.timeout=" + (3 * DEADLINE.toMillis()) + "ms",
				"mesh.clients.inventory.load-balancer=round-robin",
				BootHttpClientProperties.FACTORY + "=" + this.transport);
		hostile.answer(attack);
		int before = hostile.requests();
		for (int i = 0; i < 4; i++) {
			assertThat(inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
		}
		assertThat(hostile.requests()).as("the hostile instance was tried").isGreaterThan(before);
		assertNextCallsWork(hostile);
	}

	private Answer answerOf(RawHttpServer server) {
		return server.answer();
	}

	private RestClient inventory() {
		return this.raw.inventory();
	}

}
