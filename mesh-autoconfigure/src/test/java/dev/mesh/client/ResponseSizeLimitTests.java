package dev.mesh.client;

import java.time.Duration;
import java.util.List;

import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer;
import dev.mesh.testsupport.RawHttpServer.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code mesh.clients.<service>.max-response-size}: a body over the limit fails the
 * attempt, whether its size is announced or only found while reading, without being
 * retried (every instance would send the same) and with the exchange's connection closed;
 * a body at the limit is whole.
 */
@Timeout(30)
class ResponseSizeLimitTests {

	@RegisterExtension
	final MeshFixture raw = new MeshFixture();

	@Test
	void shouldFailWithoutRetryingWhenContentLengthIsOverTheLimit() {
		assertFailsOnceAndCloses(Answer.body(1025, true), "Content-Length 1025");
	}

	@Test
	void shouldFailWithoutRetryingWhenAChunkedBodyGrowsOverTheLimit() {
		assertFailsOnceAndCloses(Answer.body(1025, false), "more than 1024 bytes");
	}

	/**
	 * Read in full, the body would take the attempt's whole 10 s: the announced length
	 * fails it at once.
	 */
	@Test
	void shouldFailAtOnceWhenTheAnnouncedLengthIsOverTheLimitWhateverFollows() {
		assertFailsOnceAndCloses(Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 600000000\r\n\r\nfirst bytes"),
				"Content-Length 600000000");
	}

	@Test
	void shouldFailWithoutRetryingWhenABodyNeverEnds() {
		assertFailsOnceAndCloses(Answer.endlessBody(), "more than 1024 bytes");
	}

	@Test
	void shouldPassABodyOfExactlyTheLimit() {
		RawHttpServer a = server("a", Answer.body(1024, true));
		start(List.of(a), "mesh.clients.inventory.max-response-size=1KB");
		assertThat(inventory().get().uri("/").retrieve().body(byte[].class)).hasSize(1024);
		a.answer(Answer.body(1024, false));
		assertThat(inventory().get().uri("/").retrieve().body(byte[].class)).hasSize(1024);
		assertThat(a.requests()).isEqualTo(2);
	}

	/** A HEAD answer announces the length of the body a GET would have, and has none. */
	@Test
	void shouldPassAHeadAnswerAnnouncingABodyOverTheLimit() {
		RawHttpServer a = server("a", Answer.ascii("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n"));
		start(List.of(a), "mesh.clients.inventory.max-response-size=1KB");
		ResponseEntity<Void> head = inventory().head().uri("/").retrieve().toBodilessEntity();
		assertThat(head.getHeaders().getContentLength()).isEqualTo(5000);
	}

	@Test
	void shouldTakeTheLimitFromClientDefaultsAndDefaultTo10MB() {
		RawHttpServer a = server("a", Answer.body(2048, false));
		start(List.of(a), "mesh.client-defaults.max-response-size=2KB");
		assertThat(inventory().get().uri("/").retrieve().body(byte[].class)).hasSize(2048);
		this.raw.closeContext();
		a.answer(Answer.body(10 * 1024 * 1024 + 1, false));
		start(List.of(a));
		assertThatExceptionOfType(ResponseTooLargeException.class)
			.isThrownBy(() -> inventory().get().uri("/").retrieve().body(byte[].class))
			.withMessageContaining("(10MB)");
		a.answer(Answer.body(10 * 1024 * 1024, false));
		assertThat(inventory().get().uri("/").retrieve().body(byte[].class)).hasSize(10 * 1024 * 1024);
	}

	private void assertFailsOnceAndCloses(Answer answer, String detail) {
		RawHttpServer a = server("a", answer);
		RawHttpServer b = server("b", answer);
		start(List.of(a, b), "mesh.clients.inventory.max-response-size=1KB",
				"mesh.clients.inventory.per-attempt-timeout=10s", "mesh.clients.inventory.timeout=20s");
		long started = System.nanoTime();
		assertThatExceptionOfType(ResponseTooLargeException.class)
			.isThrownBy(() -> inventory().get().uri("/api/stock/1").retrieve().body(String.class))
			.withMessageContaining("mesh.clients.inventory.max-response-size")
			.withMessageContaining("service 'inventory'")
			.withMessageContaining("(1KB)")
			.withMessageContaining(detail);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well within the attempt's 10 s")
			.isLessThan(Duration.ofSeconds(5));
		assertThat(a.requests() + b.requests()).as("not retried").isEqualTo(1);
		assertThat(a.awaitAllClosed(Duration.ofSeconds(5)) && b.awaitAllClosed(Duration.ofSeconds(5)))
			.as("the attempt's connection is closed")
			.isTrue();
	}

	private RawHttpServer server(String id, Answer answer) {
		RawHttpServer server = RawHttpServer.start(id, answer);
		this.raw.keep(server);
		return server;
	}

	private void start(List<RawHttpServer> instances, String... properties) {
		this.raw.start(instances, properties);
	}

	private RestClient inventory() {
		return this.raw.inventory();
	}

}
