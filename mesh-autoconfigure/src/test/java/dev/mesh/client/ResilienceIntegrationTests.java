package dev.mesh.client;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.TestServer;
import dev.mesh.testsupport.TestServer.Behaviour;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Failures a real fleet has, against real embedded Tomcat instances: instances that die,
 * hang, answer 5xx or break a response off; and what the mesh client does about them.
 */
class ResilienceIntegrationTests {

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@Test
	void shouldHideAnInstanceDyingUnderLoadAndStopSendingItAttemptsOnceEjected() throws Exception {
		TestServer a = this.mesh.server("a");
		TestServer b = this.mesh.server("b");
		TestServer c = this.mesh.server("c");
		this.mesh.start(List.of(a, b, c), "mesh.clients.inventory.retry.backoff.initial=1ms");
		RestClient inventory = this.mesh.inventory();
		ExecutorService pool = Executors.newFixedThreadPool(4);
		AtomicInteger done = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		java.util.Queue<String> failed = new java.util.concurrent.ConcurrentLinkedQueue<>();
		CountDownLatch halfway = new CountDownLatch(1);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			workers.add(pool.submit(() -> {
				for (int i = 0; i < 500; i++) {
					try {
						inventory.get().uri("/api/stock/1").retrieve().body(String.class);
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
						failed.add(ex.toString());
					}
					if (done.incrementAndGet() == 1000) {
						halfway.countDown();
					}
				}
			}));
		}
		halfway.await(60, TimeUnit.SECONDS);
		b.close();
		for (Future<?> worker : workers) {
			worker.get(120, TimeUnit.SECONDS);
		}
		pool.shutdown();
		assertThat(done.get()).isEqualTo(2000);
		assertThat(failures.get()).as("calls that failed: %s", failed).isZero();
		MeshInstance dead = instance("b");
		assertThat(dead.state().ejectedUntilNanos()).isNotZero();
		long attemptsAtEjection = dead.state().requests();
		for (int i = 0; i < 200; i++) {
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isIn("a", "c");
		}
		assertThat(dead.state().requests()).isEqualTo(attemptsAtEjection);
		assertThat(dead.state().failures()).isLessThanOrEqualTo(5 + 4);
	}

	@Test
	void shouldAnswerWithinTheDeadlineThroughAnotherInstanceWhenOneHangs() {
		TestServer a = this.mesh.server("a").behave(Behaviour.delay(Duration.ofSeconds(3)));
		TestServer b = this.mesh.server("b");
		this.mesh.start(List.of(a, b), "mesh.clients.inventory.per-attempt-timeout=200ms",
				"mesh.clients.inventory.timeout=1s", "mesh.clients.inventory.load-balancer=round-robin");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 4; i++) {
			long started = System.nanoTime();
			assertThat(inventory.get().uri("/").retrieve().body(String.class)).isEqualTo("b");
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		}
	}

	@Test
	void shouldSteerPeakEwmaAwayFromAnInstanceWhoseAttemptTimedOut() {
		TestServer a = this.mesh.server("a").behave(Behaviour.delay(Duration.ofSeconds(3)));
		TestServer b = this.mesh.server("b");
		this.mesh.start(List.of(a, b), "mesh.clients.inventory.per-attempt-timeout=200ms",
				"mesh.clients.inventory.timeout=1s", "mesh.clients.inventory.load-balancer=peak-ewma");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 20; i++) {
			assertThat(inventory.get().uri("/").retrieve().body(String.class)).isEqualTo("b");
		}
		// One timed-out attempt counts 200 ms against a, so b (a few ms) wins every later
		// comparison.
		assertThat(a.requests()).isLessThanOrEqualTo(1);
	}

	@Test
	void shouldNeverRetryAPostWithoutIdempotencyKeyThatReachedTheServer() {
		TestServer failing = this.mesh.server("failing").behave(Behaviour.workThenStatus(500));
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(List.of(failing),
				"mesh.clients.inventory.retry.on=connect-failure,reset,timeout,500,502,503,504");
		assertThatExceptionOfType(HttpServerErrorException.class).isThrownBy(
				() -> this.mesh.inventory().post().uri("/api/reservations").body("{}").retrieve().body(String.class));
		assertThat(failing.requests()).isEqualTo(1);
		assertThat(failing.reservations() + healthy.reservations()).isEqualTo(1);
	}

	@Test
	void shouldRetryAPostThatNeverReachedAServerOnAnotherInstance() throws Exception {
		TestServer healthy = this.mesh.server("healthy");
		int refusedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			refusedPort = socket.getLocalPort();
		}
		this.mesh.start(List.of(healthy),
				"spring.cloud.discovery.client.simple.instances.inventory[1].instance-id=refused",
				"spring.cloud.discovery.client.simple.instances.inventory[1].uri=http://127.0.0.1:" + refusedPort,
				"spring.cloud.discovery.client.simple.instances.inventory[1].metadata.weight=1000");
		assertThat(this.mesh.inventory().post().uri("/api/reservations").body("{}").retrieve().body(String.class))
			.isEqualTo("healthy");
		assertThat(healthy.reservations()).isEqualTo(1);
		assertThat(instance("refused").state().failures()).isEqualTo(1);
	}

	@Test
	void shouldRetryAPostWithIdempotencyKeyAfterA503AndReserveOnce() {
		TestServer busy = this.mesh.server("busy").behave(Behaviour.status(503));
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(List.of(busy, healthy), "mesh.clients.inventory.load-balancer=round-robin");
		for (int i = 0; i < 2; i++) {
			String servedBy = this.mesh.inventory()
				.post()
				.uri("/api/reservations")
				.header("Idempotency-Key", "order-" + i)
				.body("{}")
				.retrieve()
				.body(String.class);
			assertThat(servedBy).isEqualTo("healthy");
		}
		assertThat(busy.reservations()).isZero();
		assertThat(healthy.reservations()).isEqualTo(2);
		assertThat(busy.requests()).as("round robin sends each call to busy first").isEqualTo(2);
	}

	@Test
	void shouldKeepRetriesWithinTheBudgetWhenEveryInstanceFails() {
		TestServer a = this.mesh.server("a").behave(Behaviour.status(503));
		TestServer b = this.mesh.server("b").behave(Behaviour.status(503));
		TestServer c = this.mesh.server("c").behave(Behaviour.status(503));
		this.mesh.start(List.of(a, b, c), "mesh.clients.inventory.retry.backoff.initial=1ms",
				"mesh.clients.inventory.retry.backoff.max=1ms",
				"mesh.clients.inventory.outlier.consecutive-failures=1000000");
		RestClient inventory = this.mesh.inventory();
		int calls = 1000;
		int failed = 0;
		long started = System.nanoTime();
		for (int i = 0; i < calls; i++) {
			try {
				inventory.get().uri("/").retrieve().body(String.class);
			}
			catch (HttpServerErrorException ex) {
				failed++;
			}
		}
		int attempts = a.requests() + b.requests() + c.requests();
		assertThat(failed).isEqualTo(calls);
		// budget: in every 10 s window, retries <= 20% of its calls + 10/s x 10 s; a slow
		// machine may span more windows
		long windows = (Duration.ofNanos(System.nanoTime() - started).toMillis() + 1000) / 10_000 + 1;
		assertThat(attempts).isLessThanOrEqualTo((int) (1.2 * calls + 100 * windows));
		assertThat(attempts).as("far below the 3 x calls that retrying every call would give").isLessThan(2 * calls);
		assertThat(attempts).isGreaterThan(calls);
		ServiceRoute route = route();
		assertThat(route.retryBudget().exhaustedCount()).isPositive();
		assertThat(route.retryBudget().retryCount()).isEqualTo(attempts - calls);
		MeterRegistry meters = this.mesh.bean(MeterRegistry.class);
		assertThat(meters.get("mesh.client.retries").tag("service", "inventory").functionCounter().count())
			.isEqualTo(attempts - calls);
		assertThat(
				meters.get("mesh.client.retry.budget.exhausted").tag("service", "inventory").functionCounter().count())
			.isEqualTo(route.retryBudget().exhaustedCount());
	}

	@Test
	void shouldKeepTheFirstEjectedInstanceOutWhenAnotherFailsPastMaxEjectionPercent() {
		TestServer a = this.mesh.server("a").behave(Behaviour.status(500));
		TestServer b = this.mesh.server("b").behave(Behaviour.status(500));
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(List.of(a, b, healthy), "mesh.clients.inventory.outlier.consecutive-failures=2",
				"mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 60; i++) {
			try {
				inventory.get().uri("/").retrieve().body(String.class);
			}
			catch (HttpServerErrorException ex) {
				// a or b
			}
		}
		assertThat(route().outlierDetector().ejectionCount()).as("2 of 3 would be past 50%").isEqualTo(1);
		TestServer ejected = (instance("a").state().ejectedUntilNanos() != 0) ? a : b;
		TestServer kept = (ejected == a) ? b : a;
		assertThat(ejected.requests()).as("no traffic after its ejection").isEqualTo(2);
		assertThat(kept.requests()).isGreaterThan(10);
		assertThat(healthy.requests()).isGreaterThan(10);
		assertThat(a.requests() + b.requests() + healthy.requests()).isEqualTo(60);
	}

	@Test
	void shouldUseEveryInstanceInPanicModeWhenAllAreEjected() {
		TestServer a = this.mesh.server("a").behave(Behaviour.status(500));
		TestServer b = this.mesh.server("b").behave(Behaviour.status(500));
		this.mesh.start(List.of(a, b), "mesh.clients.inventory.outlier.consecutive-failures=2",
				"mesh.clients.inventory.outlier.max-ejection-percent=100",
				"mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 40; i++) {
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class));
		}
		assertThat(instance("a").state().ejectedUntilNanos()).isNotZero();
		assertThat(instance("b").state().ejectedUntilNanos()).isNotZero();
		assertThat(a.requests()).isGreaterThan(10);
		assertThat(b.requests()).isGreaterThan(10);
		assertThat(a.requests() + b.requests()).isEqualTo(40);
	}

	@Test
	void shouldEjectOneOfTwoFailingInstancesAtMostWithTheDefaultPercent() {
		TestServer bad = this.mesh.server("bad").behave(Behaviour.status(500));
		TestServer good = this.mesh.server("good");
		this.mesh.start(List.of(bad, good), "mesh.clients.inventory.retry.max-attempts=1");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 100; i++) {
			try {
				inventory.get().uri("/").retrieve().body(String.class);
			}
			catch (HttpServerErrorException ex) {
				// the bad instance, until ejected
			}
		}
		assertThat(bad.requests()).isEqualTo(5);
		assertThat(good.requests()).isEqualTo(95);
		assertThat(route().outlierDetector().ejectionCount()).isEqualTo(1);
		assertThat(this.mesh.bean(MeterRegistry.class)
			.get("mesh.client.ejections")
			.tag("service", "inventory")
			.functionCounter()
			.count()).isEqualTo(1);
	}

	@Test
	void shouldTreatAResponseBrokenOffMidBodyAsAFailureNeverATruncatedSuccess() {
		TestServer broken = this.mesh.server("broken").behave(Behaviour.truncatedBody());
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(List.of(broken), "mesh.clients.inventory.retry.max-attempts=1");
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> this.mesh.inventory().get().uri("/").retrieve().body(String.class));
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> this.mesh.inventory().post().uri("/").body("x").retrieve().body(String.class));
		this.mesh.closeContext();
		this.mesh.start(List.of(broken, healthy), "mesh.clients.inventory.load-balancer=round-robin");
		for (int i = 0; i < 4; i++) {
			assertThat(this.mesh.inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
		}
	}

	@Test
	void shouldRespectRetryAfterWithinTheDeadline() {
		TestServer busy = this.mesh.server("busy").behave((server, request, response) -> {
			response.setStatus(503);
			response.setHeader("Retry-After", "1");
			return true;
		});
		TestServer healthy = this.mesh.server("healthy");
		this.mesh.start(List.of(busy, healthy), "mesh.clients.inventory.load-balancer=round-robin");
		long started = System.nanoTime();
		assertThat(this.mesh.inventory().get().uri("/").retrieve().body(String.class)).isEqualTo("healthy");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
		this.mesh.closeContext();
		this.mesh.start(List.of(busy, healthy), "mesh.clients.inventory.load-balancer=round-robin",
				"mesh.clients.inventory.timeout=500ms");
		int healthyBefore = healthy.requests();
		started = System.nanoTime();
		assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class)
			.isThrownBy(() -> this.mesh.inventory().get().uri("/").retrieve().body(String.class));
		// real time: the back-off is a real wait; 1 s would mean it waited out the
		// Retry-After
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("did not wait out the 1s Retry-After")
			.isLessThan(Duration.ofMillis(950));
		assertThat(healthy.requests()).as("no retry the deadline cannot cover").isEqualTo(healthyBefore);
	}

	@Test
	void shouldFailFastWhenTheBulkheadIsFull() throws Exception {
		TestServer slow = this.mesh.server("slow").behave(Behaviour.delay(Duration.ofMillis(800)));
		this.mesh.start(List.of(slow), "mesh.clients.inventory.max-concurrent-requests=2");
		RestClient inventory = this.mesh.inventory();
		ExecutorService pool = Executors.newFixedThreadPool(2);
		List<Future<String>> inFlight = List.of(
				pool.submit(() -> inventory.get().uri("/").retrieve().body(String.class)),
				pool.submit(() -> inventory.get().uri("/").retrieve().body(String.class)));
		Thread.sleep(300);
		long started = System.nanoTime();
		assertThatExceptionOfType(ClientOverloadedException.class)
			.isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class))
			.withMessageContaining("'inventory'")
			.withMessageContaining("2 calls in flight");
		// real time: waiting for a slot would take the ~500 ms the slow calls have left
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("did not wait for a slot")
			.isLessThan(Duration.ofMillis(450));
		for (Future<String> call : inFlight) {
			assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("slow");
		}
		pool.shutdown();
		assertThat(slow.requests()).isEqualTo(2);
	}

	@Test
	void shouldOpenTheServicesCircuitBreakerConfiguredWithResilience4jProperties() {
		TestServer a = this.mesh.server("a").behave(Behaviour.status(500));
		TestServer b = this.mesh.server("b").behave(Behaviour.status(500));
		String breaker = "resilience4j.circuitbreaker.instances.mesh-inventory.";
		this.mesh.start(List.of(a, b), "mesh.clients.inventory.retry.max-attempts=1", breaker + "sliding-window-size=4",
				breaker + "minimum-number-of-calls=4", breaker + "failure-rate-threshold=50",
				breaker + "wait-duration-in-open-state=30s");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 4; i++) {
			assertThatExceptionOfType(HttpServerErrorException.class)
				.isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class));
		}
		int sent = a.requests() + b.requests();
		assertThatExceptionOfType(CircuitOpenException.class)
			.isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class))
			.withMessageContaining("'mesh-inventory' is OPEN");
		assertThat(a.requests() + b.requests()).isEqualTo(sent);
		assertThat(route().circuitBreaker().getState().name()).isEqualTo("OPEN");
	}

	@Test
	void shouldHaveNoCircuitBreakerUnlessAsked() {
		this.mesh.start(List.of(this.mesh.server("a")));
		this.mesh.inventory().get().uri("/").retrieve().body(String.class);
		assertThat(route().circuitBreaker()).isNull();
		this.mesh.closeContext();
		this.mesh.start(List.of(this.mesh.server("b")), "mesh.clients.inventory.circuit-breaker=true");
		this.mesh.inventory().get().uri("/").retrieve().body(String.class);
		assertThat(route().circuitBreaker().getName()).isEqualTo("mesh-inventory");
		assertThat(route().circuitBreaker().getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
	}

	@Test
	void shouldSendEachAttemptsTimeoutAsMeshTimeoutMs() {
		TestServer a = this.mesh.server("a");
		this.mesh.start(List.of(a), "mesh.clients.inventory.per-attempt-timeout=700ms");
		this.mesh.inventory().get().uri("/").retrieve().body(String.class);
		long sent = Long.parseLong(a.lastHeaders().get("mesh-timeout-ms"));
		assertThat(sent).isBetween(1L, 700L);
	}

	private ServiceRoute route() {
		return this.mesh.bean(MeshClientFactory.class).route("inventory");
	}

	private MeshInstance instance(String id) {
		return route().instances().stream().filter((instance) -> instance.id().equals(id)).findFirst().orElseThrow();
	}

}
