package dev.mesh.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.client.RetryDecider.RetryDecision;
import dev.mesh.client.RetryDecider.RetryDecision.Reason;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.resilience.BackoffSchedule;
import dev.mesh.resilience.OverloadPolicy;
import dev.mesh.resilience.OverloadRule;
import dev.mesh.resilience.RetryBudget;
import dev.mesh.resilience.RetryOn;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.resilience.RetryRule;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The retry decision on its own, with the mesh's real rule, backoff and budget on fixed
 * clocks: each check that stops a call, in order, and the decision to go on.
 */
class RetryDeciderTests {

	private static final long SECOND = 1_000_000_000L;

	private final AtomicLong nanos = new AtomicLong(1);

	private final Clock wall = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

	private final MeshInstance other = MeshInstance
		.of(new DefaultServiceInstance("inventory-2", "inventory", "127.0.0.1", 8082, false), 1);

	private final AtomicInteger picks = new AtomicInteger();

	private RetryBudget budget;

	private RetryDecider decider(int maxAttempts, double budgetRatio, int budgetMinPerSecond) {
		this.budget = new RetryBudget(new RetryPolicy.Budget(budgetRatio, budgetMinPerSecond), this.nanos::get);
		return new RetryDecider(new RetryRule(RetryOn.parse(List.of("connect-failure", "reset", "timeout", "503"))),
				new BackoffSchedule(new RetryPolicy.Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0),
						this.wall),
				this.budget, maxAttempts, new OverloadRule(OverloadPolicy.DEFAULTS, this.wall));
	}

	private RetryDecision decide(RetryDecider decider, HttpMethod method, int attempt, IOException failure, int status,
			HttpHeaders headers, long leftNanos, boolean interrupted) {
		return decider.decide(request(method), attempt, failure, status, headers, false, this.nanos.get(), leftNanos,
				interrupted, () -> {
					this.picks.incrementAndGet();
					return this.other;
				});
	}

	@Test
	void aConnectFailureOfAGetIsRetriedOnTheNextInstanceAfterTheBackoff() {
		RetryDecision decision = decide(decider(3, 0.2, 10), HttpMethod.GET, 1, new ConnectException("refused"), 0,
				null, 5 * SECOND, false);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.next()).isSameAs(this.other);
		assertThat(decision.delayNanos()).isEqualTo(100_000_000L);
	}

	@Test
	void a503WithRetryAfterWaitsWhatTheInstanceAsked() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		RetryDecision decision = decide(decider(3, 0.2, 10), HttpMethod.GET, 1, null, 503, headers, 5 * SECOND, false);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.delayNanos()).isEqualTo(SECOND);
	}

	@Test
	void aPostThatReachedTheServerIsNotRetriedAndNoInstanceIsPicked() {
		RetryDecision decision = decide(decider(3, 0.2, 10), HttpMethod.POST, 1, null, 503, new HttpHeaders(),
				5 * SECOND, false);
		assertThat(decision.reason()).isEqualTo(Reason.NOT_RETRYABLE);
		assertThat(this.picks).hasValue(0);
	}

	@Test
	void aSuccessOrAClientErrorEndsTheCall() {
		assertThat(decide(decider(3, 0.2, 10), HttpMethod.GET, 1, null, 200, new HttpHeaders(), 5 * SECOND, false)
			.reason()).isEqualTo(Reason.NOT_RETRYABLE);
		assertThat(decide(decider(3, 0.2, 10), HttpMethod.GET, 1, null, 404, new HttpHeaders(), 5 * SECOND, false)
			.reason()).isEqualTo(Reason.NOT_RETRYABLE);
	}

	@Test
	void theLastAttemptIsNotRetried() {
		assertThat(decide(decider(3, 0.2, 10), HttpMethod.GET, 3, new ConnectException("refused"), 0, null, 5 * SECOND,
				false)
			.reason()).isEqualTo(Reason.NO_ATTEMPTS_LEFT);
	}

	@Test
	void anInterruptedCallerIsNotRetried() {
		assertThat(decide(decider(3, 0.2, 10), HttpMethod.GET, 1, new ConnectException("refused"), 0, null, 5 * SECOND,
				true)
			.reason()).isEqualTo(Reason.INTERRUPTED);
	}

	/** A budget of exactly one retry: 10% of ten calls, no minimum. */
	private RetryDecider deciderWithOneRetryInItsBudget() {
		RetryDecider decider = decider(3, 0.1, 0);
		for (int i = 0; i < 10; i++) {
			this.budget.recordCall();
		}
		return decider;
	}

	@Test
	void aBackoffThatWouldEndAtOrAfterTheDeadlineEndsTheCallWithoutTakingABudgetToken() {
		RetryDecider decider = deciderWithOneRetryInItsBudget();
		assertThat(decide(decider, HttpMethod.GET, 1, new ConnectException("refused"), 0, null, 100_000_000L, false)
			.reason()).isEqualTo(Reason.DEADLINE);
		assertThat(this.picks).hasValue(0);
		// the one token of the budget is still there
		assertThat(
				decide(decider, HttpMethod.GET, 1, new ConnectException("refused"), 0, null, 5 * SECOND, false).retry())
			.isTrue();
	}

	@Test
	void noOtherInstanceEndsTheCall() {
		RetryDecision decision = decider(3, 0.2, 10).decide(request(HttpMethod.GET), 1, new ConnectException("refused"),
				0, null, false, this.nanos.get(), 5 * SECOND, false, () -> null);
		assertThat(decision.reason()).isEqualTo(Reason.NO_INSTANCE);
		assertThat(decision.next()).isNull();
	}

	@Test
	void anEmptyBudgetEndsTheCall() {
		RetryDecider decider = deciderWithOneRetryInItsBudget();
		assertThat(
				decide(decider, HttpMethod.GET, 1, new ConnectException("refused"), 0, null, 5 * SECOND, false).retry())
			.isTrue();
		assertThat(decide(decider, HttpMethod.GET, 1, new ConnectException("refused"), 0, null, 5 * SECOND, false)
			.reason()).isEqualTo(Reason.BUDGET_EXHAUSTED);
	}

	@Test
	void anOverloaded429IsRetriedOnAnotherInstanceWithoutWaitingItsRetryAfter() {
		RetryDecision decision = overloaded(overloadDecider("503"), request(HttpMethod.GET), 429, "5", 10 * SECOND);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.next()).isSameAs(this.other);
		assertThat(decision.delayNanos()).as("the backoff, not the 5 s the other instance asked for")
			.isEqualTo(100_000_000L);
	}

	@Test
	void aRetryThatCanOnlyGoToAnAvoidedInstanceWaitsUntilItsAvoidanceEnds() {
		this.other.state().overloaded(this.nanos.get() + 2 * SECOND);
		RetryDecision decision = overloaded(overloadDecider("503"), request(HttpMethod.GET), 503, "20", 10 * SECOND);
		assertThat(decision.retry()).isTrue();
		assertThat(decision.delayNanos()).as("the wait the next instance asked for, not this answer's")
			.isEqualTo(2 * SECOND);
		this.other.state().overloaded(this.nanos.get() + 20 * SECOND);
		assertThat(overloaded(overloadDecider("503"), request(HttpMethod.GET), 429, null, 10 * SECOND).reason())
			.isEqualTo(Reason.DEADLINE);
	}

	@Test
	void anOverloaded429IsRetriedOnlyWhereA503WouldBe() {
		assertThat(overloaded(overloadDecider("503"), request(HttpMethod.POST), 429, null, 10 * SECOND).reason())
			.isEqualTo(Reason.NOT_RETRYABLE);
		HttpRequest keyed = request(HttpMethod.POST);
		keyed.getHeaders().set("Idempotency-Key", "k-1");
		assertThat(overloaded(overloadDecider("503"), keyed, 429, null, 10 * SECOND).retry()).isTrue();
		assertThat(overloaded(overloadDecider("502"), request(HttpMethod.GET), 429, null, 10 * SECOND).reason())
			.as("retry.on without 503")
			.isEqualTo(Reason.NOT_RETRYABLE);
		assertThat(this.picks).hasValue(1);
	}

	@Test
	void a429IsAnAnswerLikeAnyOtherWhenOverloadIsOff() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		assertThat(decide(decider(3, 0.2, 10), HttpMethod.GET, 1, null, 429, headers, 5 * SECOND, false).reason())
			.isEqualTo(Reason.NOT_RETRYABLE);
	}

	private RetryDecider overloadDecider(String retryOn) {
		this.budget = new RetryBudget(new RetryPolicy.Budget(0.2, 10), this.nanos::get);
		return new RetryDecider(new RetryRule(RetryOn.parse(List.of("connect-failure", retryOn))),
				new BackoffSchedule(new RetryPolicy.Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0),
						this.wall),
				this.budget, 3,
				new OverloadRule(new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(30)), this.wall));
	}

	private RetryDecision overloaded(RetryDecider decider, HttpRequest request, int status, String retryAfter,
			long leftNanos) {
		HttpHeaders headers = new HttpHeaders();
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
		}
		boolean overload = decider.overload().avoidNanos(status, headers) >= 0;
		assertThat(overload).as("an overload answer").isTrue();
		return decider.decide(request, 1, null, status, headers, true, this.nanos.get(), leftNanos, false, () -> {
			this.picks.incrementAndGet();
			return this.other;
		});
	}

	private static HttpRequest request(HttpMethod method) {
		return new HttpRequest() {

			private final HttpHeaders headers = new HttpHeaders();

			@Override
			public HttpMethod getMethod() {
				return method;
			}

			@Override
			public URI getURI() {
				return URI.create("http://inventory/api/stock/1");
			}

			@Override
			public java.util.Map<String, Object> getAttributes() {
				return new java.util.HashMap<>();
			}

			@Override
			public HttpHeaders getHeaders() {
				return this.headers;
			}

		};
	}

}
