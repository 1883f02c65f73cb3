package dev.mesh.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.testsupport.BootHttpClientProperties;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer.Answer;
import dev.mesh.testsupport.RawHttpServer;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Attacks the mesh's transports (Apache HttpClient, the JDK client,
 * {@code HttpURLConnection}) where the mesh itself takes part in the exchange: the
 * redirects it follows or refuses, the bodies of those redirects, the abort that keeps an
 * attempt's deadline. Each test plays a misbehaving instance on a raw socket and asserts
 * what a caller relies on: a clear failure within the deadline, nothing read past
 * {@code max-response-size}, no connection left open.
 */
@Timeout(30)
class TransportRewriteAttackTests {

	/** The whole call's deadline in these tests; attempts get 1 s each. */
	private static final Duration DEADLINE = Duration.ofSeconds(2);

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	/**
	 * A redirect whose body trickles past the deadline, then a target that never answers:
	 * the deadline fires while the mesh is done with the first exchange and before the
	 * second registered its abort; the second must not run on past the deadline (Apache's
	 * socket reads ignore the interrupt).
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aDeadlineThatFiresBetweenARedirectAndItsTargetStillEndsTheAttempt(String transport) {
		start(transport, (out, number) -> {
			if (number == 1) {
				out.write(ascii(
						"HTTP/1.1 307 Temporary Redirect\r\nLocation: /next\r\nTransfer-Encoding: chunked\r\n\r\n"));
				trickle(out);
			}
			sleep(Duration.ofSeconds(60));
		});
		assertFailsWithin(ResourceAccessException.class, "within 1000ms");
	}

	/**
	 * A redirect to another host is refused without reading its body to the end (closing
	 * Spring's Apache and {@code HttpURLConnection} responses reads it all): an endless
	 * one was read until the deadline and the caller got a timeout instead of the
	 * refusal. The JDK client reads the body with the headers, up to max-response-size.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aRedirectToAnotherHostWithAnEndlessBodyIsRefusedAtOnceNotReadUntilTheDeadline(String transport) {
		RawHttpServer hostile = start(transport, (out, number) -> {
			out.write(ascii(
					"HTTP/1.1 301 Moved Permanently\r\nLocation: http://evil.example/steal\r\nTransfer-Encoding: chunked\r\n\r\n"));
			endless(out);
		}, "mesh.clients.inventory.max-response-size=64KB");
		assertFailsWithin(RestClientException.class,
				"jdk".equals(transport) ? "max-response-size (64KB)" : "which is not that instance");
		assertThat(hostile.awaitAllClosed(Duration.ofSeconds(5))).isTrue();
	}

	/**
	 * The body of a redirect the mesh follows is read no further than max-response-size.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aRedirectsBodyIsCappedByMaxResponseSize(String transport) {
		RawHttpServer hostile = start(transport, (out, number) -> {
			out.write(ascii("HTTP/1.1 302 Found\r\nLocation: /next\r\nTransfer-Encoding: chunked\r\n\r\n"));
			endless(out);
		}, "mesh.clients.inventory.max-response-size=64KB");
		assertFailsWithin(ResponseTooLargeException.class, "mesh.clients.inventory.max-response-size (64KB)");
		assertThat(hostile.awaitAllClosed(Duration.ofSeconds(5))).isTrue();
		assertThat(hostile.requests()).as("the redirect is not followed").isEqualTo(1);
	}

	/**
	 * A caller's {@code Content-Length} that does not match its body (one copied from the
	 * request being served, say) must not frame the exchange: Apache HttpClient sent the
	 * body cut to it without a word, and {@code HttpURLConnection} failed the attempt as
	 * the instance's fault. The length is the body's.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aCallersContentLengthThatIsNotTheBodysNeitherCutsTheBodyNorFailsTheInstance(String transport) {
		TestServer server = this.mesh.server("instance");
		this.mesh.start(List.of(), "spring.cloud.discovery.client.simple.instances.inventory[0].uri=" + server.uri(),
				"mesh.clients.inventory.per-attempt-timeout=1s", "mesh.clients.inventory.retry.max-attempts=1",
				BootHttpClientProperties.FACTORY + "=" + transport);
		for (String length : List.of("5", "100", "0")) {
			assertThat(inventory().post()
				.uri("/api/stock")
				.header("Content-Length", length)
				.body("hello world")
				.retrieve()
				.body(String.class)).isEqualTo("instance");
			assertThat(server.lastHeaders()).containsEntry("content-length", "11");
		}
	}

	/**
	 * An informational answer (103 Early Hints) before the real one is skipped, never
	 * taken for the answer. {@code HttpURLConnection} on JDK 17 cannot skip it and hands
	 * it over as the response: the mesh then read its "body" (the real answer, then
	 * nothing) until the deadline. It now fails the attempt at once, with its connection
	 * closed. Newer JDKs (25 here) skip it themselves: then the real answer is the
	 * answer.
	 */
	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void anEarlyHintBeforeTheAnswerIsNotTakenForIt(String transport) {
		RawHttpServer instance = start(transport,
				Answer.ascii("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
						+ "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
		if ("simple".equals(transport) && !jdkSkipsInformationalAnswers()) {
			assertFailsWithin(ResourceAccessException.class, "informational");
			assertThat(instance.awaitAllClosed(Duration.ofSeconds(5))).isTrue();
			return;
		}
		for (int i = 0; i < 3; i++) {
			assertThat(inventory().get().uri("/api/stock/1").retrieve().toEntity(String.class).getBody())
				.isEqualTo("ok");
		}
	}

	/**
	 * Apache HttpClient's reads ignore the interrupt, so an attempt's deadline rests on
	 * the abort its exchange registers; an exchange that registers it after the deadline
	 * fired (the next hop of a redirect, a thread descheduled before sending) must be
	 * aborted at once, not run on unbounded.
	 */
	@org.junit.jupiter.api.Test
	void anAbortRegisteredAfterTheDeadlineFiredRunsAtOnce() {
		AttemptWatchdog watchdog = new AttemptWatchdog();
		try {
			AttemptWatchdog.Watch watch = watchdog.watch(Duration.ZERO);
			long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (!Thread.currentThread().isInterrupted() && System.nanoTime() - giveUp < 0) {
				Thread.onSpinWait();
			}
			java.util.concurrent.atomic.AtomicBoolean aborted = new java.util.concurrent.atomic.AtomicBoolean();
			watch.abortWith(() -> aborted.set(true));
			assertThat(aborted).isTrue();
			assertThat(watch.release()).isTrue();
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		}
		finally {
			watchdog.close();
		}
	}

	private RawHttpServer start(String transport, Answer answer, String... extra) {
		RawHttpServer server = this.mesh.raw("hostile", answer);
		List<String> properties = new ArrayList<>(List.of("mesh.clients.inventory.per-attempt-timeout=1s",
				"mesh.clients.inventory.timeout=" + DEADLINE.toMillis() + "ms",
				"mesh.clients.inventory.retry.max-attempts=1", BootHttpClientProperties.FACTORY + "=" + transport));
		properties.addAll(List.of(extra));
		this.mesh.start(List.of(server), properties.toArray(String[]::new));
		return server;
	}

	private void assertFailsWithin(Class<? extends RuntimeException> type, String part) {
		assertFailsWithin(type, part, DEADLINE.plusSeconds(1));
	}

	private void assertFailsWithin(Class<? extends RuntimeException> type, String part, Duration within) {
		long started = System.nanoTime();
		assertThatExceptionOfType(type)
			.isThrownBy(() -> inventory().get().uri("/api/stock/1").retrieve().body(String.class))
			.withMessageContaining(part);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(within);
	}

	/**
	 * Whether this JDK's {@code HttpURLConnection} skips a 103 before the real answer
	 * (JDK 25 does, JDK 17 hands the 103 over).
	 */
	private static boolean jdkSkipsInformationalAnswers() {
		return Runtime.version().feature() >= 25;
	}

	private RestClient inventory() {
		return this.mesh.inventory();
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** Writes one small chunk every 50 ms, for ever. */
	private static void trickle(OutputStream out) throws IOException {
		while (true) {
			out.write(ascii("1\r\nx\r\n"));
			out.flush();
			sleep(Duration.ofMillis(50));
		}
	}

	/** Writes 4 KB chunks as fast as the client reads them, for ever. */
	private static void endless(OutputStream out) throws IOException {
		byte[] chunk = ascii("1000\r\n" + "x".repeat(4096) + "\r\n");
		while (true) {
			out.write(chunk);
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

}
