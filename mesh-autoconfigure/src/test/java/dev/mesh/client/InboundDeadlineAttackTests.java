package dev.mesh.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.resilience.BackoffSchedule;
import dev.mesh.resilience.InboundDeadline;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.MeshFixture.Consumer;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestServer;
import dev.mesh.testsupport.TestServer.Behaviour;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Plays the attacker against the deadlines a mesh member keeps: a caller sending hostile
 * {@code Mesh-Timeout-Ms} values to a public path, a caller that gives up (its thread
 * interrupted), an instance answering a {@code Retry-After} far in the future, and an
 * {@link Error} thrown inside an attempt. Whatever they send, the instances stay in
 * rotation, the circuit breaker and retry budget are untouched, in-flight counts and
 * permits come back, and only the attacker's own request is affected. Everything runs
 * against real servers on loopback: a mesh service ("middle") handling requests on
 * embedded Tomcat and calling {@code inventory} instances through a {@code @MeshClient}.
 */
@Timeout(120)
class InboundDeadlineAttackTests {

	private static final SettableClock CLOCK = new SettableClock(Instant.parse("2025-06-01T12:00:00Z"));

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	private final CountDownLatch release = new CountDownLatch(1);

	/** Lets hung servers answer before the fixture closes them. */
	@AfterEach
	void releaseHungServers() {
		this.release.countDown();
	}

	@Test
	void shouldKeepHealthyInstancesInRotationWhenCallersSendTinyDeadlines() throws Exception {
		TestServer a = this.mesh.server("a").behave(Behaviour.delay(Duration.ofMillis(100)));
		TestServer b = this.mesh.server("b").behave(Behaviour.delay(Duration.ofMillis(100)));
		startMiddle(List.of(a, b), breakerOf(5));
		String[] tiny = { "1", "2", "5", "20", "50" };
		for (int i = 0; i < 30; i++) {
			assertThat(rawGet("/stock", InboundDeadlineHeader.of(tiny[i % tiny.length]))).startsWith("HTTP/1.1 5");
		}
		ServiceRoute route = route();
		for (String id : List.of("a", "b")) {
			MeshInstance instance = instance(id);
			assertThat(instance.state().failures()).as("failures of %s", id).isZero();
			assertThat(instance.state().consecutiveFailures()).isZero();
			assertThat(instance.state().ejectedUntilNanos()).as("%s ejected", id).isZero();
			assertThat(instance.state().inFlight()).isZero();
		}
		assertThat(route.outlierDetector().ejectionCount()).isZero();
		CircuitBreaker breaker = route.circuitBreaker();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
		assertThat(route.retryBudget().retryCount()).isZero();
		assertThat(route.retryBudget().exhaustedCount()).isZero();
		int servedBefore = a.requests() + b.requests();
		for (int i = 0; i < 10; i++) {
			assertThat(rawGet("/stock")).startsWith("HTTP/1.1 200").containsPattern("stock from [ab]$");
		}
		assertThat(a.requests() + b.requests() - servedBefore).isEqualTo(10);
		assertThat(a.requests()).as("a still takes traffic").isGreaterThan(0);
		assertThat(b.requests()).as("b still takes traffic").isGreaterThan(0);
	}

	@Test
	void shouldStillCountATimeoutOfTheFullPerAttemptTimeoutAgainstTheInstance() throws Exception {
		TestServer hung = this.mesh.server("hung").behave(hangUntilReleased(null));
		startMiddle(List.of(hung), breakerOf(100), "mesh.clients.inventory.per-attempt-timeout=200ms",
				"mesh.clients.inventory.retry.max-attempts=1");
		// the caller's deadline is longer than the attempt's own timeout, so the attempt
		// had all of it
		assertThat(rawGet("/stock", InboundDeadlineHeader.of("5000"))).startsWith("HTTP/1.1 500");
		MeshInstance instance = instance("hung");
		assertThat(instance.state().failures()).isEqualTo(1);
		assertThat(instance.state().consecutiveFailures()).isEqualTo(1);
		assertThat(instance.state().inFlight()).isZero();
		assertThat(route().circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void shouldCountAHungInstanceWhenTheCallsTimeoutIsNoLongerThanItsPerAttemptTimeout() {
		TestServer hung = this.mesh.server("hung").behave(hangUntilReleased(null));
		// timeout below the default per-attempt-timeout (3s), and equal to it: no caller
		// cut anything short
		for (String perAttempt : List.of("3s", "300ms")) {
			startClient(List.of(hung), breakerOf(100), "mesh.clients.inventory.timeout=300ms",
					"mesh.clients.inventory.per-attempt-timeout=" + perAttempt,
					"mesh.clients.inventory.retry.max-attempts=1");
			RestClient inventory = this.mesh.inventory();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			assertThat(instance("hung").state().failures()).as("per-attempt-timeout %s", perAttempt).isEqualTo(1);
			assertThat(instance("hung").state().inFlight()).isZero();
			assertThat(route().circuitBreaker().getMetrics().getNumberOfFailedCalls())
				.as("per-attempt-timeout %s", perAttempt)
				.isEqualTo(1);
			this.mesh.closeContext();
		}
	}

	@Test
	void shouldEjectAHungInstanceBehindAnUpstreamThatSendsTheSamePerAttemptTimeout() throws Exception {
		TestServer hung = this.mesh.server("hung").behave(hangUntilReleased(null));
		startMiddle(List.of(hung), breakerOf(100), "mesh.clients.inventory.per-attempt-timeout=300ms",
				"mesh.clients.inventory.retry.max-attempts=1");
		// a first request takes the middle through its cold path (class loading, first
		// dispatch): on a loaded machine that alone can take a tenth of 300 ms, which the
		// tolerance of CallerAbort.cutShort is not meant to absorb. Its deadline is a
		// third of the attempt's time, so it is cut short and not counted.
		assertThat(rawGet("/stock", InboundDeadlineHeader.of("100"))).startsWith("HTTP/1.1 5");
		assertThat(instance("hung").state().failures()).as("cut short by its caller").isZero();
		// what an upstream mesh client with per-attempt-timeout=300ms sends on every
		// attempt
		assertThat(rawGet("/stock", InboundDeadlineHeader.of("300"))).startsWith("HTTP/1.1 500");
		assertThat(instance("hung").state().failures()).isEqualTo(1);
		assertThat(route().circuitBreaker().getMetrics().getNumberOfFailedCalls()).isEqualTo(1);
	}

	@Test
	void shouldNotLetCallersAskingForTooLargeResponsesOpenTheCircuitOrEjectTheInstance() {
		TestServer a = this.mesh.server("a").behave((server, request, response) -> {
			response.setStatus(200);
			response.getWriter().write("x".repeat(4096));
			return true;
		});
		startClient(List.of(a), breakerOf(5), "mesh.clients.inventory.max-response-size=1KB");
		RestClient inventory = this.mesh.inventory();
		for (int i = 0; i < 10; i++) {
			assertThatExceptionOfType(ResponseTooLargeException.class)
				.isThrownBy(() -> inventory.get().uri("/api/export?limit=999999").retrieve().body(String.class));
		}
		CircuitBreaker breaker = route().circuitBreaker();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("the answer was the request's doing").isZero();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(instance("a").state().failures()).isZero();
		assertThat(instance("a").state().inFlight()).isZero();
		a.behave((server, request, response) -> false);
		assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
	}

	@Test
	void shouldNotLetCallersWhoseValuesMakeAnInvalidHeaderOpenTheCircuitOrEjectTheInstance() {
		TestServer a = this.mesh.server("a");
		startClient(List.of(a), breakerOf(5));
		RestClient inventory = this.mesh.inventory();
		// a value the application copied from its caller into a header of its mesh call:
		// HTTP cannot carry it
		for (String hostile : List.of("\u65e5\u672c", "a\r\nX-Injected: 1", "a\u0000b")) {
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(IllegalArgumentException.class)
					.isThrownBy(() -> inventory.get()
						.uri("/api/stock/1")
						.header("X-User", hostile)
						.retrieve()
						.body(String.class))
					.withMessageContaining("X-User");
			}
		}
		CircuitBreaker breaker = route().circuitBreaker();
		assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("the header was the request's doing").isZero();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(instance("a").state().failures()).isZero();
		assertThat(instance("a").state().inFlight()).isZero();
		assertThat(a.requests()).isZero();
		assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
	}

	@Test
	void shouldNotCountALaterAttemptThatTheCallsOwnTimeoutCutShort() throws Exception {
		TestServer a = this.mesh.server("a").behave(hangUntilReleased(null));
		TestServer b = this.mesh.server("b").behave(hangUntilReleased(null));
		startClient(List.of(a, b), breakerOf(100), "mesh.clients.inventory.timeout=500ms",
				"mesh.clients.inventory.per-attempt-timeout=300ms", "mesh.clients.inventory.retry.backoff.initial=1ms",
				"mesh.clients.inventory.retry.backoff.jitter=0");
		RestClient inventory = this.mesh.inventory();
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
		assertThat(a.requests() + b.requests()).as("a full first attempt, then a retry with ~200 ms left").isEqualTo(2);
		// the first attempt had its full 300 ms; the second only what the call's 500 ms
		// left it
		assertThat(instance("a").state().failures() + instance("b").state().failures()).isEqualTo(1);
		assertThat(instance("a").state().inFlight() + instance("b").state().inFlight()).isZero();
		assertThat(route().circuitBreaker().getMetrics().getNumberOfFailedCalls())
			.as("the call did fail: its first attempt timed out in full")
			.isEqualTo(1);
	}

	@Test
	void shouldNotCountAnAttemptWhoseCallerWasInterruptedNorRetryIt() throws Exception {
		CountDownLatch received = new CountDownLatch(1);
		TestServer a = this.mesh.server("a").behave(hangUntilReleased(received));
		TestServer b = this.mesh.server("b").behave(hangUntilReleased(null));
		startClient(List.of(a, b), breakerOf(100), "mesh.clients.inventory.retry.backoff.initial=1ms");
		RestClient inventory = this.mesh.inventory();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		Future<String> call = caller.submit(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
		assertThat(received.await(30, TimeUnit.SECONDS)).isTrue();
		call.cancel(true);
		caller.shutdown();
		assertThat(caller.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		ServiceRoute route = route();
		for (String id : List.of("a", "b")) {
			assertThat(instance(id).state().failures()).as("failures of %s", id).isZero();
			assertThat(instance(id).state().inFlight()).as("in flight on %s", id).isZero();
		}
		assertThat(a.requests() + b.requests()).as("no retry for a caller who went away").isEqualTo(1);
		assertThat(route.retryBudget().retryCount()).isZero();
		assertThat(route.retryBudget().exhaustedCount()).isZero();
		assertThat(route.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
	}

	@Test
	void shouldEndTheAttemptAndFreeTheBreakerPermitWhenAnErrorEscapesIt() {
		TestServer a = this.mesh.server("a");
		startClient(List.of(a), breakerOf(100),
				"resilience4j.circuitbreaker.instances.mesh-inventory.permitted-number-of-calls-in-half-open-state=1");
		AtomicReference<String> hostile = new AtomicReference<>();
		ClientHttpRequestInterceptor later = (request, body, execution) -> {
			String mode = hostile.get();
			if ("throw".equals(mode)) {
				throw new StackOverflowError("thrown by an interceptor after the mesh's");
			}
			ClientHttpResponse response = execution.execute(request, body);
			return ("respond".equals(mode)) ? new ThrowingResponse(response) : response;
		};
		RestClient inventory = this.mesh.bean(MeshClientFactory.class)
			.configure(RestClient.builder(), "inventory")
			.requestInterceptor(later)
			.build();
		CircuitBreaker breaker = route().circuitBreaker();
		for (String mode : List.of("throw", "respond")) {
			// half-open with one permitted call: a leaked permit refuses every later call
			breaker.transitionToOpenState();
			breaker.transitionToHalfOpenState();
			hostile.set(mode);
			assertThatExceptionOfType(Error.class)
				.isThrownBy(() -> inventory.get().uri("/api/stock/1").retrieve().body(String.class));
			assertThat(instance("a").state().inFlight()).as("in flight after an Error (%s)", mode).isZero();
			hostile.set(null);
			assertThat(inventory.get().uri("/api/stock/1").retrieve().body(String.class)).isEqualTo("a");
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		}
	}

	@Test
	void shouldReturnThe503AtOnceWhenRetryAfterIsBeyondTheDeadline() {
		List<String> farAway = List.of("Fri, 31 Dec 9999 23:59:59 GMT", "99999999999999999999", "999999999");
		TestServer busy = this.mesh.server("busy");
		TestServer healthy = this.mesh.server("healthy");
		startClient(List.of(busy, healthy), new String[0], "mesh.clients.inventory.load-balancer=round-robin",
				"mesh.clients.inventory.outlier.consecutive-failures=1000");
		RestClient inventory = this.mesh.inventory();
		for (String retryAfter : farAway) {
			busy.behave((server, request, response) -> {
				response.setStatus(503);
				response.setHeader("Retry-After", retryAfter);
				return true;
			});
			// round robin alternates: make sure this call starts on busy
			if (busy.requests() > healthy.requests()) {
				inventory.get().uri("/").retrieve().body(String.class);
			}
			int healthyBefore = healthy.requests();
			assertThatExceptionOfType(HttpServerErrorException.ServiceUnavailable.class)
				.as("Retry-After: %s", retryAfter)
				.isThrownBy(() -> inventory.get().uri("/").retrieve().body(String.class));
			assertThat(healthy.requests()).as("no retry after Retry-After: %s", retryAfter).isEqualTo(healthyBefore);
		}
		assertThat(route().retryBudget().retryCount()).isZero();
	}

	@Test
	void shouldNeverLetAHugeOrMalformedDeadlineBreakOrLengthenTheCallsOfARequest() throws Exception {
		TestServer a = this.mesh.server("a");
		startMiddle(List.of(a), new String[0], "mesh.clients.inventory.per-attempt-timeout=700ms");
		// too large to be a deadline (millis * 1_000_000 would overflow a long): the same
		// as no header
		for (String huge : List.of("9300000000000", "9223372036854", "9223372036855", "9223372036854775807",
				"99999999999999999999", "0009300000000000")) {
			assertThat(rawGet("/stock", InboundDeadlineHeader.of(huge))).as(huge).startsWith("HTTP/1.1 200");
			assertThat(Long.parseLong(a.lastHeaders().get("mesh-timeout-ms"))).as(huge).isBetween(600L, 700L);
		}
		// not a whole number as HTTP writes one: ignored, the call keeps its own timeouts
		for (String garbage : List.of("+5", "5.0", "1e3", "0x10", "5 5", "five", "", "-", "+", "--5", "5-")) {
			assertThat(rawGet("/stock", InboundDeadlineHeader.of(garbage))).as(garbage).startsWith("HTTP/1.1 200");
			assertThat(Long.parseLong(a.lastHeaders().get("mesh-timeout-ms"))).as(garbage).isBetween(600L, 700L);
		}
		// zero or negative, of any size: the caller has given up, no work is done
		int served = a.requests();
		for (String passed : List.of("0", "-5", "-0", "-99999999999999999999")) {
			assertThat(rawGet("/stock", InboundDeadlineHeader.of(passed))).as(passed).startsWith("HTTP/1.1 504");
		}
		assertThat(a.requests()).isEqualTo(served);
		// whitespace around the value is not part of it (HTTP strips it): honoured, only
		// ever shortening
		assertThat(rawGet("/stock", InboundDeadlineHeader.of(" \t400 "))).startsWith("HTTP/1.1 200");
		assertThat(Long.parseLong(a.lastHeaders().get("mesh-timeout-ms"))).isBetween(1L, 400L);
	}

	@Test
	void shouldReadOnlyAsciiDigitsAsNumbers() {
		// Java's number parsing accepts any Unicode digit; HTTP numbers are ASCII digits
		// only
		for (String digits : List.of("\u0661\u0662", "\uFF11\uFF12", "\u0967")) {
			assertThat(InboundDeadline.parseMillis(digits)).as(digits).isNull();
		}
		BackoffSchedule backoff = new BackoffSchedule(
				new RetryPolicy.Backoff(Duration.ofMillis(25), 2.0, Duration.ofSeconds(1), 0), CLOCK.wall());
		assertThat(backoff.delayMillis(1, "\u0661\u0662")).isEqualTo(25);
	}

	@Test
	void shouldKeepARetryAfterFarInTheFutureWithinWhatNanosecondsCanHold() {
		BackoffSchedule backoff = new BackoffSchedule(
				new RetryPolicy.Backoff(Duration.ofMillis(25), 2.0, Duration.ofSeconds(1), 0), CLOCK.wall());
		for (String far : List.of("Fri, 31 Dec 9999 23:59:59 GMT", "99999999999999999999", "9223372036854775807")) {
			long millis = backoff.delayMillis(1, far);
			assertThat(millis).as(far).isGreaterThan(Duration.ofDays(365).toMillis());
			assertThat(Math.multiplyHigh(millis, 1_000_000L)).as("%s ms in nanos overflows", far).isZero();
			assertThat(millis * 1_000_000L).as(far).isPositive();
		}
	}

	private static String[] breakerOf(int minimumCalls) {
		String breaker = "resilience4j.circuitbreaker.instances.mesh-inventory.";
		return new String[] { breaker + "sliding-window-size=" + Math.max(10, minimumCalls),
				breaker + "minimum-number-of-calls=" + minimumCalls, breaker + "failure-rate-threshold=50",
				breaker + "wait-duration-in-open-state=60s" };
	}

	/** A behaviour that signals it has the request, then holds it until the test ends. */
	private Behaviour hangUntilReleased(CountDownLatch received) {
		return (server, request, response) -> {
			if (received != null) {
				received.countDown();
			}
			try {
				this.release.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return false;
		};
	}

	private void startMiddle(List<TestServer> instances, String[] breaker, String... extra) {
		this.mesh.start(Consumer.of(Middle.class).servlet(), instances, concat(breaker, extra));
	}

	private void startClient(List<TestServer> instances, String[] breaker, String... extra) {
		this.mesh.start(instances, concat(breaker, extra));
	}

	private static String[] concat(String[] first, String[] second) {
		List<String> all = new ArrayList<>(List.of(first));
		all.addAll(List.of(second));
		return all.toArray(String[]::new);
	}

	private ServiceRoute route() {
		return this.mesh.bean(MeshClientFactory.class).route("inventory");
	}

	private MeshInstance instance(String id) {
		return route().instances().stream().filter((instance) -> instance.id().equals(id)).findFirst().orElseThrow();
	}

	/**
	 * Sends a GET to the middle service over a raw socket, so header values reach it byte
	 * for byte.
	 * @return the whole response, status line first
	 */
	private String rawGet(String path, String... headerLines) throws IOException {
		int port = this.mesh.port();
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(30_000);
			StringBuilder request = new StringBuilder(
					"GET " + path + " HTTP/1.1\r\nHost: middle\r\nConnection: close\r\n");
			for (String line : headerLines) {
				request.append(line).append("\r\n");
			}
			request.append("\r\n");
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

	/** Header lines as an attacker writes them. */
	private static final class InboundDeadlineHeader {

		static String of(String value) {
			return "Mesh-Timeout-Ms: " + value;
		}

	}

	/**
	 * A response, as a later interceptor might return it, whose status cannot be read.
	 */
	private static final class ThrowingResponse implements ClientHttpResponse {

		private final ClientHttpResponse delegate;

		ThrowingResponse(ClientHttpResponse delegate) {
			this.delegate = delegate;
		}

		@Override
		public HttpStatusCode getStatusCode() {
			throw new OutOfMemoryError("thrown reading a response's status (test)");
		}

		@Override
		public String getStatusText() throws IOException {
			return this.delegate.getStatusText();
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.delegate.getHeaders();
		}

		@Override
		public InputStream getBody() throws IOException {
			return this.delegate.getBody();
		}

		@Override
		public void close() {
			this.delegate.close();
		}

	}

	/**
	 * A mesh service whose public handler calls {@code inventory} through a
	 * {@code @MeshClient}.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@RestController
	static class Middle {

		private final RestClient inventory;

		Middle(@MeshClient("inventory") RestClient inventory) {
			this.inventory = inventory;
		}

		@Bean
		@MeshClient("inventory")
		static RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

		@GetMapping("/stock")
		String stock() {
			return "stock from " + this.inventory.get().uri("/api/stock/1").retrieve().body(String.class);
		}

	}

}
