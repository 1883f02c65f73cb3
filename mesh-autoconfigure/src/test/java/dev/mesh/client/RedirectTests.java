package dev.mesh.client;

import java.nio.charset.StandardCharsets;
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

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Redirects are followed by the mesh, never by the transport: within the instance that
 * answered, as {@code spring.http.client.redirects} allows, at most five times; never to
 * another host, which sees no request (and so neither the body nor a token).
 */
@Timeout(60)
class RedirectTests {

	private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone";

	@RegisterExtension
	final MeshFixture raw = new MeshFixture();

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aRedirectWithinTheInstanceIsFollowed(String transport) {
		RawHttpServer a = server("a", redirectOnce("302", "/moved"));
		start(transport, a);
		assertThat(inventory().get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("done");
		assertThat(a.received()).extracting(RawHttpServer.Received::target).containsExactly("/api/stock/1", "/moved");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http-components", "jdk" })
	void a307KeepsThePostAndItsBodyAndA303TurnsItIntoAGet(String transport) {
		RawHttpServer a = server("a", redirectOnce("307", "/again"));
		start(transport, a);
		assertThat(post("twelve bytes")).isEqualTo("done");
		assertThat(a.received()).extracting(RawHttpServer.Received::method).containsExactly("POST", "POST");
		assertThat(a.received().get(1).bodyLength()).isEqualTo(12);
		assertThat(a.received().get(1).bodyCrc32()).isEqualTo(a.received().get(0).bodyCrc32());
		a.answer(redirectOnce("303", "/result", a.requests()));
		assertThat(post("twelve bytes")).isEqualTo("done");
		assertThat(a.received().subList(2, 4)).extracting(RawHttpServer.Received::method)
			.containsExactly("POST", "GET");
		assertThat(a.received().get(3).bodyLength()).isZero();
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void aRedirectToAnotherHostIsNeverRequestedNorItsTokenSent(String transport) {
		RawHttpServer elsewhere = server("elsewhere", Answer.ascii(OK));
		RawHttpServer a = server("a", Answer.ascii("HTTP/1.1 301 Moved\r\nLocation: http://localhost:"
				+ elsewhere.port() + "/stolen\r\nContent-Length: 0\r\n\r\n"));
		start(transport, a, "mesh.clients.inventory.retry.max-attempts=1");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory().get()
				.uri("/api/stock/1")
				.header("Authorization", "Bearer secret")
				.retrieve()
				.body(String.class))
			.withMessageContaining("which is not that instance");
		assertThat(elsewhere.requests()).isZero();
		assertThat(elsewhere.connections()).isZero();
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void moreThanFiveRedirectsFailTheAttempt(String transport) {
		RawHttpServer a = server("a",
				(out, number) -> out
					.write(("HTTP/1.1 302 Found\r\nLocation: /hop" + number + "\r\nContent-Length: 0\r\n\r\n")
						.getBytes(StandardCharsets.US_ASCII)));
		start(transport, a, "mesh.clients.inventory.retry.max-attempts=1");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory().get().uri("/api/stock/1").retrieve().body(String.class))
			.withMessageContaining("redirected more than 5 times");
		assertThat(a.requests()).isEqualTo(6);
	}

	@ParameterizedTest
	@MethodSource("dev.mesh.testsupport.Transports#matrix")
	void dontFollowHandsTheRedirectToTheCaller(String transport) {
		RawHttpServer a = server("a", redirectOnce("302", "/moved"));
		start(transport, a, BootHttpClientProperties.PREFIX + "redirects=dont-follow");
		ResponseEntity<Void> response = inventory().get().uri("/api/stock/1").retrieve().toBodilessEntity();
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(response.getHeaders().getLocation()).hasToString("/moved");
		assertThat(a.requests()).isEqualTo(1);
	}

	private String post(String body) {
		return inventory().post()
			.uri("/api/orders")
			.contentType(MediaType.TEXT_PLAIN)
			.body(body)
			.retrieve()
			.body(String.class);
	}

	/**
	 * The first request (after {@code skip} earlier ones) is redirected, the next
	 * answered.
	 */
	private static Answer redirectOnce(String status, String location, int skip) {
		return (out,
				number) -> out.write(((number == skip + 1)
						? "HTTP/1.1 " + status + " Redirect\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n"
						: OK)
					.getBytes(StandardCharsets.US_ASCII));
	}

	private static Answer redirectOnce(String status, String location) {
		return redirectOnce(status, location, 0);
	}

	private RawHttpServer server(String id, Answer answer) {
		RawHttpServer server = RawHttpServer.start(id, answer);
		this.raw.keep(server);
		return server;
	}

	private void start(String transport, RawHttpServer instance, String... extra) {
		List<String> properties = new ArrayList<>(List.of(BootHttpClientProperties.FACTORY + "=" + transport,
				"mesh.clients.inventory.per-attempt-timeout=2s"));
		properties.addAll(List.of(extra));
		this.raw.start(List.of(instance), properties.toArray(String[]::new));
	}

	private org.springframework.web.client.RestClient inventory() {
		return this.raw.inventory();
	}

}
