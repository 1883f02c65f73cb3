package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.observability.ClientSnapshot;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestServer;
import dev.mesh.testsupport.TestServer.Behaviour;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Overload avoidance ({@code mesh.clients.<service>.overload.*}) over real servers: an
 * instance that answers 429, or 503 with {@code Retry-After}, is too busy, not broken.
 * The application's clock is the test's, so the time an instance asked for passes when
 * the test says.
 */
class OverloadIntegrationTests {

	static final SettableClock clock = new SettableClock(Instant.now());

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@BeforeEach
	void resetClock() {
		clock.set(Instant.now());
	}

	@Test
	void shouldKeepAwayFromAnInstanceThatAnswers429ForTheTimeItAsksWithoutFailingACall() {
		TestServer a = this.mesh.server("a").behave(tooBusy(429, "5"));
		TestServer b = this.mesh.server("b");
		TestServer c = this.mesh.server("c");
		start(List.of(a, b, c), "mesh.clients.inventory.overload.enabled=true");
		RestClient inventory = this.mesh.inventory();
		List<String> answers = calls(inventory, 30);
		assertThat(answers).as("every call answered by another instance").containsOnly("b", "c").hasSize(30);
		assertThat(a.requests()).as("avoided after its first 429").isEqualTo(1);
		MeshInstance busy = instance("a");
		assertThat(busy.state().consecutiveFailures()).isZero();
		assertThat(busy.state().failures()).isZero();
		assertThat(route().outlierDetector().ejectionCount()).isZero();
		ClientSnapshot snapshot = this.mesh.bean(MeshClientFactory.class).client("inventory");
		assertThat(snapshot.instances()).filteredOn((instance) -> instance.id().equals("a"))
			.singleElement()
			.satisfies((instance) -> assertThat(instance.overloadedUntil()).as("shown by /actuator/mesh")
				.isEqualTo(clock.instant().plusSeconds(5)));
		assertThat(snapshot.instances()).filteredOn((instance) -> !instance.id().equals("a"))
			.allSatisfy((instance) -> assertThat(instance.overloadedUntil()).isNull());
		a.behave(Behaviour.ECHO);
		clock.advance(Duration.ofMillis(4900));
		calls(inventory, 6);
		assertThat(a.requests()).as("still within the 5 s it asked for").isEqualTo(1);
		clock.advance(Duration.ofMillis(100));
		assertThat(calls(inventory, 30)).as("picked again once its time is up").contains("a");
	}

	@Test
	void shouldNeverEjectAnInstanceFor503WithRetryAfterButStillEjectForAPlain503() {
		TestServer a = this.mesh.server("a").behave(tooBusy(503, "0"));
		TestServer b = this.mesh.server("b");
		start(List.of(a, b), "mesh.clients.inventory.overload.enabled=true",
				"mesh.clients.inventory.outlier.consecutive-failures=2", "mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.mesh.inventory();
		int refused = 0;
		for (int second = 0; second < 3; second++) {
			for (int i = 0; i < 6; i++) {
				try {
					inventory.get().uri("/api/stock/1").retrieve().body(String.class);
				}
				catch (HttpServerErrorException.ServiceUnavailable ex) {
					refused++;
				}
			}
			// Retry-After: 0 asks for no wait: it is avoided for avoid-time (1s)
			clock.advance(Duration.ofSeconds(1));
		}
		assertThat(refused).as("one call per avoid-time reaches it").isEqualTo(3);
		assertThat(a.requests()).isEqualTo(3);
		assertThat(route().outlierDetector().ejectionCount()).as("three overload answers in a row").isZero();
		a.behave(Behaviour.status(503));
		for (int i = 0; i < 6; i++) {
			try {
				inventory.get().uri("/api/stock/1").retrieve().body(String.class);
			}
			catch (HttpServerErrorException.ServiceUnavailable ex) {
				// the two failures that eject it
			}
		}
		assertThat(route().outlierDetector().ejectionCount()).as("a plain 503 is a failure").isEqualTo(1);
	}

	@Test
	void shouldRetryA429OnAnotherInstanceOnlyWhereA503WouldBeRetried() {
		TestServer a = this.mesh.server("a").behave(tooBusy(429, null));
		TestServer b = this.mesh.server("b").behave(tooBusy(429, null));
		start(List.of(a, b), "mesh.clients.inventory.overload.enabled=true",
				"mesh.clients.inventory.retry.max-attempts=2");
		RestClient inventory = this.mesh.inventory();
		assertThatExceptionOfType(HttpClientErrorException.TooManyRequests.class)
			.isThrownBy(() -> inventory.post().uri("/api/reservations").body("{}").retrieve().toBodilessEntity());
		assertThat(a.requests() + b.requests()).as("a POST without Idempotency-Key is not retried").isEqualTo(1);
		assertThatExceptionOfType(HttpClientErrorException.TooManyRequests.class).isThrownBy(() -> inventory.post()
			.uri("/api/reservations")
			.header("Idempotency-Key", "order-7")
			.body("{}")
			.retrieve()
			.toBodilessEntity());
		assertThat(a.requests() + b.requests()).isEqualTo(3);
		assertThat(List.of(a.requests(), b.requests())).as("the keyed POST went first to the instance not avoided")
			.allMatch((requests) -> requests > 0);
		assertThatExceptionOfType(HttpClientErrorException.TooManyRequests.class)
			.as("every instance avoided: they are still called rather than none")
			.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
		assertThat(a.requests() + b.requests()).isEqualTo(5);
	}

	@Test
	void shouldLeaveA429ToTheCallerAndTheInstanceInTheRotationWhenOverloadIsOff() {
		TestServer a = this.mesh.server("a").behave(tooBusy(429, "5"));
		TestServer b = this.mesh.server("b");
		start(List.of(a, b));
		RestClient inventory = this.mesh.inventory();
		int tooMany = 0;
		for (int i = 0; i < 6; i++) {
			try {
				inventory.get().uri("/api/stock/1").retrieve().body(String.class);
			}
			catch (HttpClientErrorException.TooManyRequests ex) {
				tooMany++;
			}
		}
		assertThat(tooMany).isEqualTo(3);
		assertThat(a.requests()).isEqualTo(3);
	}

	private static Behaviour tooBusy(int status, String retryAfter) {
		return (server, request, response) -> {
			response.setStatus(status);
			if (retryAfter != null) {
				response.setHeader("Retry-After", retryAfter);
			}
			response.setHeader("X-Served-By", server.id());
			return true;
		};
	}

	private static List<String> calls(RestClient inventory, int count) {
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			answers.add(inventory.get().uri("/api/stock/1").retrieve().body(String.class));
		}
		return answers;
	}

	private void start(List<TestServer> instances, String... properties) {
		this.mesh.start(Consumer.of(Clients.class), instances, properties);
	}

	private ServiceRoute route() {
		return this.mesh.bean(MeshClientFactory.class).route("inventory");
	}

	private MeshInstance instance(String id) {
		return route().instances().stream().filter((instance) -> instance.id().equals(id)).findFirst().orElseThrow();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Clients {

		@Bean
		MeshClock meshClock() {
			return clock;
		}

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

}
