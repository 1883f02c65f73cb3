package dev.mesh.client;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.mesh.client.ExchangeTestSupport.Answer;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.security.DirectTokenSources;
import dev.mesh.security.ServiceTokenSource;
import dev.mesh.security.TokenUnavailableException;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.security.oauth2.core.OAuth2AccessToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The interceptor on its own: a fake execution answers each attempt and a fake clock
 * (with a sleeper that advances it) times the call, so each path of the pipeline can be
 * driven exactly: which instance each attempt went to, the time it was given, how its end
 * was recorded on the instance, and whether it was retried.
 */
class MeshClientInterceptorTests {

	private static final long MS = 1_000_000L;

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));

	private final List<Long> sleeps = new ArrayList<>();

	private final List<String> sentTo = new ArrayList<>();

	private final List<String> timeouts = new ArrayList<>();

	@Test
	void retriesA503OnAnotherInstanceAfterTheBackoffAndEndsEveryAttempt() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS);
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0],
				execution((host) -> host.equals("a") ? answer(503) : answer(200)))) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
		}
		assertThat(this.sentTo).containsExactly("a", "b");
		assertThat(this.sleeps).singleElement().satisfies((nanos) -> assertThat(nanos).isBetween(12 * MS, 38 * MS));
		assertThat(instance(route, "a").state().consecutiveFailures()).isEqualTo(1);
		assertThat(instance(route, "b").state().consecutiveFailures()).isZero();
		assertNothingInFlight(route);
	}

	@Test
	void givesEachAttemptWhatIsLeftOfTheCallsDeadlineOnTheInjectedClock() throws IOException {
		ServiceRoute route = route(policy(Duration.ofSeconds(4), Duration.ofSeconds(3), 3));
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
			if (host.equals("a")) {
				this.clock.advanceNanos(2_500 * MS);
				return answer(503);
			}
			return answer(200);
		}))) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
		}
		long backoff = this.sleeps.get(0);
		long leftMillis = (4_000 * MS - 2_500 * MS - backoff + MS - 1) / MS;
		assertThat(this.timeouts).containsExactly("3000", Long.toString(leftMillis));
	}

	@Test
	void a503AfterTheTimeTheCallLeftRanOutIsTheCallersDoingNotTheInstances() throws IOException {
		ServiceRoute route = route(policy(Duration.ofSeconds(2), Duration.ofMillis(1_500), 3));
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
			// each attempt takes the whole time it is given, then fails
			this.clock.advanceNanos(Long.parseLong(this.timeouts.get(this.timeouts.size() - 1)) * MS);
			return answer(503);
		}))) {
			assertThat(response.getStatusCode().value()).isEqualTo(503);
		}
		assertThat(this.sentTo).as("the second attempt had under 90% of its time: not retried").hasSize(2);
		assertThat(instance(route, "a").state().consecutiveFailures()).as("judged on its full time").isEqualTo(1);
		assertThat(instance(route, "b").state().consecutiveFailures()).as("cut short: not judged").isZero();
		assertNothingInFlight(route);
	}

	@Test
	void aConnectFailureIsTheInstancesFailureAndIsRetriedEvenForAPost() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS);
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(request(HttpMethod.POST), new byte[] { 1 },
				execution((host) -> {
					if (host.equals("a")) {
						throw new Failure(new ConnectException("Connection refused"));
					}
					return answer(201);
				}))) {
			assertThat(response.getStatusCode().value()).isEqualTo(201);
		}
		assertThat(this.sentTo).containsExactly("a", "b");
		assertThat(instance(route, "a").state().consecutiveFailures()).isEqualTo(1);
		assertThat(instance(route, "a").state().failures()).isEqualTo(1);
		assertNothingInFlight(route);
	}

	@Test
	void aPostThatGotA503IsNotRetried() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS);
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(request(HttpMethod.POST), new byte[] { 1 },
				execution((host) -> answer(503)))) {
			assertThat(response.getStatusCode().value()).isEqualTo(503);
		}
		assertThat(this.sentTo).containsExactly("a");
		assertThat(this.sleeps).isEmpty();
		assertNothingInFlight(route);
	}

	@Test
	void anErrorThrownBySendingEndsTheAttemptAndPropagatesWithoutJudgingTheInstance() {
		ServiceRoute route = route(ClientPolicy.DEFAULTS);
		MeshClientInterceptor interceptor = interceptor(route);
		assertThatExceptionOfType(StackOverflowError.class)
			.isThrownBy(() -> interceptor.intercept(get(), new byte[0], execution((host) -> {
				throw new StackOverflowError();
			})));
		assertThat(this.sentTo).containsExactly("a");
		assertThat(instance(route, "a").state().consecutiveFailures()).isZero();
		assertThat(instance(route, "a").state().requests()).isEqualTo(1);
		assertNothingInFlight(route);
	}

	@Test
	void anAnswerWhoseStatusCannotBeReadEndsItsAttempt() {
		ServiceRoute route = route(ClientPolicy.DEFAULTS);
		MeshClientInterceptor interceptor = interceptor(route);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> interceptor.intercept(get(), new byte[0], execution((host) -> new Answer(200) {

				@Override
				public HttpStatusCode getStatusCode() throws IOException {
					throw new IllegalStateException("no status");
				}

			})));
		assertNothingInFlight(route);
	}

	@Test
	void stopsRetryingWhenTheBackoffWouldOutlastTheDeadline() throws IOException {
		ServiceRoute route = route(policy(Duration.ofMillis(100), Duration.ofMillis(100), 3));
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
			this.clock.advanceNanos(95 * MS);
			return answer(503);
		}))) {
			assertThat(response.getStatusCode().value()).isEqualTo(503);
		}
		assertThat(this.sentTo).containsExactly("a");
		assertThat(this.sleeps).isEmpty();
		assertNothingInFlight(route);
	}

	@Test
	void anAnswerWhoseStatusCannotBeReadAgainAfterTheCallersTimeRanOutIsStillTheCallersDoing() {
		ServiceRoute route = route(policy(Duration.ofSeconds(2), Duration.ofMillis(1_500), 3));
		MeshClientInterceptor interceptor = interceptor(route);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> interceptor.intercept(get(), new byte[0], execution((host) -> {
				this.clock.advanceNanos(Long.parseLong(this.timeouts.get(this.timeouts.size() - 1)) * MS);
				if (host.equals("a")) {
					return answer(503);
				}
				// b: cut short, takes all its time, 503, and reading the status again
				// fails
				return new StatusReadOnce(503, new AtomicInteger());
			})));
		assertThat(this.sentTo).containsExactly("a", "b");
		assertThat(instance(route, "b").state().failures()).as("cut short by the caller: not judged").isZero();
		assertNothingInFlight(route);
	}

	@Test
	void anAnswerWhoseStatusCannotBeReadIsClosedAndTheCallFailsWithTheReadFailure() {
		ServiceRoute route = route(policy(Duration.ofSeconds(10), Duration.ofSeconds(3), 1));
		AtomicInteger closed = new AtomicInteger();
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> interceptor(route).intercept(get(), new byte[0],
					execution((host) -> new StatusReadOnce(200, closed))))
			.withMessageContaining("reading the status again");
		assertThat(closed).hasValue(1);
		assertThat(instance(route, "a").state().failures()).isEqualTo(1);
		assertNothingInFlight(route);
	}

	@Test
	void aFreshTokenThatCannotBeHadForTheResendEndsTheRejectedAttemptOnceAndJudgesNoInstance() {
		AtomicInteger fetches = new AtomicInteger();
		ServiceTokenSource tokens = DirectTokenSources.of(() -> {
			if (fetches.incrementAndGet() > 1) {
				throw new IllegalStateException("token endpoint down");
			}
			return token("t1");
		}, this.clock.wall());
		ServiceRoute route = route(ClientPolicy.DEFAULTS, tokens);
		MeshClientInterceptor interceptor = interceptor(route);
		assertThatExceptionOfType(TokenUnavailableException.class)
			.isThrownBy(() -> interceptor.intercept(get(), new byte[0], execution((host) -> {
				this.clock.advance(Duration.ofSeconds(1));
				return new Answer(401).with(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
			})));
		assertThat(this.sentTo).containsExactly("a");
		assertThat(instance(route, "a").state().failures()).isZero();
		assertThat(instance(route, "a").state().requests()).isEqualTo(1);
		assertNothingInFlight(route);
	}

	@Test
	void aFreshTokenRejectedAgainIsOneFailureOfTheInstance() throws IOException {
		AtomicInteger fetches = new AtomicInteger();
		ServiceTokenSource tokens = DirectTokenSources.of(() -> token("t" + fetches.incrementAndGet()),
				this.clock.wall());
		ServiceRoute route = route(policy(Duration.ofSeconds(10), Duration.ofSeconds(3), 1), tokens);
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
			this.clock.advance(Duration.ofSeconds(1));
			return new Answer(401).with(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
		}))) {
			assertThat(response.getStatusCode().value()).isEqualTo(401);
		}
		assertThat(this.sentTo).as("re-sent once with a fresh token").containsExactly("a", "a");
		assertThat(instance(route, "a").state().failures()).isEqualTo(1);
		assertThat(instance(route, "a").state().requests()).isEqualTo(2);
		assertNothingInFlight(route);
	}

	private static OAuth2AccessToken token(String value) {
		Instant issued = Instant.parse("2026-12-03T12:00:00Z");
		return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, value, issued, issued.plusSeconds(3600));
	}

	private static ClientPolicy policy(Duration timeout, Duration perAttemptTimeout, int maxAttempts) {
		ClientPolicy defaults = ClientPolicy.DEFAULTS;
		RetryPolicy retry = defaults.retry();
		return new ClientPolicy(LoadBalancerPolicy.ROUND_ROBIN, timeout, perAttemptTimeout, defaults.connectTimeout(),
				new RetryPolicy(maxAttempts, retry.on(), retry.backoff(), retry.budget()), defaults.outlier(),
				defaults.maxConcurrentRequests(), defaults.oauth2(), false, defaults.zoneAffinity(),
				defaults.slowStart(), defaults.maxResponseSize(), defaults.transport());
	}

	private ServiceRoute route(ClientPolicy policy) {
		return route(policy, null);
	}

	private ServiceRoute route(ClientPolicy policy, ServiceTokenSource tokens) {
		return RouteTestSupport.route(this.clock, policy, tokens, "a", "b");
	}

	private MeshClientInterceptor interceptor(ServiceRoute route) {
		return new MeshClientInterceptor(route, (nanos) -> {
			this.sleeps.add(nanos);
			this.clock.advanceNanos(nanos);
		});
	}

	private ClientHttpRequestExecution execution(Function<String, ClientHttpResponse> answers) {
		return (request, body) -> {
			this.sentTo.add(request.getURI().getHost());
			this.timeouts.add(request.getHeaders().getFirst("Mesh-Timeout-Ms"));
			try {
				return answers.apply(request.getURI().getHost());
			}
			catch (Failure failure) {
				throw failure.io;
			}
		};
	}

	private static MeshInstance instance(ServiceRoute route, String id) {
		return RouteTestSupport.instance(route, id);
	}

	private static void assertNothingInFlight(ServiceRoute route) {
		assertThat(route.instances()).allSatisfy((instance) -> assertThat(instance.state().inFlight()).isZero());
	}

	private static HttpRequest get() {
		return request(HttpMethod.GET);
	}

	private static HttpRequest request(HttpMethod method) {
		return ExchangeTestSupport.request(method);
	}

	private static ClientHttpResponse answer(int status) {
		return new Answer(status);
	}

	/**
	 * An answer whose status reads once, as the attempt step reads it, and then fails:
	 * the connection broke under it.
	 */
	private static final class StatusReadOnce extends Answer {

		private final AtomicInteger reads = new AtomicInteger();

		private final AtomicInteger closed;

		StatusReadOnce(int status, AtomicInteger closed) {
			super(status);
			this.closed = closed;
		}

		@Override
		public HttpStatusCode getStatusCode() throws IOException {
			if (this.reads.incrementAndGet() > 1) {
				throw new IOException("reset while reading the status again");
			}
			return super.getStatusCode();
		}

		@Override
		public void close() {
			this.closed.incrementAndGet();
		}

	}

	/** Carries an I/O failure out of an answer function. */
	private static final class Failure extends RuntimeException {

		private final IOException io;

		Failure(IOException io) {
			this.io = io;
		}

	}

}
