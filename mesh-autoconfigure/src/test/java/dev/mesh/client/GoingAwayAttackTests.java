package dev.mesh.client;

import java.util.ArrayList;
import java.util.List;

import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.RawHttpServer;
import dev.mesh.testsupport.RawHttpServer.Answer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile {@code Mesh-Going-Away} values from an instance, over the real transport: each
 * answer is returned to the caller as it is, the instance is skipped afterwards (any
 * value means going away), and the other instance takes the calls without one failing.
 */
class GoingAwayAttackTests {

	@RegisterExtension
	final MeshFixture fixture = new MeshFixture();

	@ParameterizedTest
	@ValueSource(strings = { "Mesh-Going-Away: -1\r\n", "Mesh-Going-Away: 99999999999999999999\r\n",
			"Mesh-Going-Away: abc\r\n", "Mesh-Going-Away:\r\n", "Mesh-Going-Away: true\r\n", "mesh-going-away: 2\r\n",
			"HUNDRED" })
	void aHostileValueIsGoingAwayAndBreaksNoCall(String header) {
		String headers = header.equals("HUNDRED")
				? "Mesh-Going-Away: 1\r\n".repeat(50) + "Mesh-Going-Away: x\r\n".repeat(50) : header;
		RawHttpServer leaving = this.fixture.raw("leaving", Answer
			.ascii("HTTP/1.1 200 OK\r\n" + headers + "Content-Type: text/plain\r\nContent-Length: 7\r\n\r\nleaving"));
		RawHttpServer staying = this.fixture.raw("staying",
				Answer.ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nstaying"));
		this.fixture.start(List.of(leaving, staying), "mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.fixture.inventory();
		List<String> bodies = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			bodies.add(inventory.get().uri("/api/stock/1").retrieve().body(String.class));
		}
		assertThat(bodies).as("every call answered; the going-away answer returned as it is").contains("leaving");
		assertThat(leaving.requests()).as("skipped after its first answer").isEqualTo(1);
		assertThat(bodies.stream().filter("staying"::equals).count()).isEqualTo(11);
	}

}
