package dev.mesh.client;

import java.io.IOException;
import java.util.function.Supplier;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.resilience.BackoffSchedule;
import dev.mesh.resilience.FailureKind;
import dev.mesh.resilience.OverloadRule;
import dev.mesh.resilience.RetryBudget;
import dev.mesh.resilience.RetryRule;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;

/**
 * Decides, after each attempt of a call, whether the call tries again, on which instance
 * and after how long, the way Armeria's {@code RetryDecision} does: one decision value
 * instead of early returns in the pipeline. The checks, in order: the method and outcome
 * allow a retry ({@link RetryRule}); attempts are left ({@code retry.max-attempts}); the
 * caller was not interrupted; the backoff (or the instance's {@code Retry-After}) ends
 * before the call's deadline; another instance is available; and the retry budget has a
 * token, asked last because asking takes one.
 *
 * <p>
 * An overload answer ({@link OverloadRule}: a 429, or a 503 with {@code Retry-After},
 * when the client tells overload from failure) is retried as a 503 is, and its
 * {@code Retry-After} is not waited as such: it asked its callers to keep away from that
 * instance, not from the service. Instead, with the overload rules on, a retry that can
 * only go to an instance still avoided (every other one avoided or tried) waits until
 * that instance's avoidance ends, which is at most {@code max-avoid-time}.
 */
final class RetryDecider {

	private static final long MILLI = 1_000_000L;

	private final RetryRule rule;

	private final BackoffSchedule backoff;

	private final RetryBudget budget;

	private final int maxAttempts;

	private final OverloadRule overload;

	/**
	 * @param rule which methods and outcomes may be retried
	 * @param backoff the delay before each retry
	 * @param budget the service's retry budget
	 * @param maxAttempts {@code retry.max-attempts}: attempts in all, the first included
	 * @param overload which answers say an instance is overloaded
	 */
	RetryDecider(RetryRule rule, BackoffSchedule backoff, RetryBudget budget, int maxAttempts, OverloadRule overload) {
		this.rule = rule;
		this.backoff = backoff;
		this.budget = budget;
		this.maxAttempts = maxAttempts;
		this.overload = overload;
	}

	/**
	 * @return which answers say an instance is overloaded, under this decider's policy
	 */
	OverloadRule overload() {
		return this.overload;
	}

	/**
	 * @param request the call's request
	 * @param attempt the number of the attempt that just ended, from 1
	 * @param failure how the attempt failed without a response, or {@code null}
	 * @param status the response's status when there is one, else 0
	 * @param responseHeaders the response's headers when there is one, else {@code null}
	 * @param overloaded whether the response is an overload answer
	 * ({@link OverloadRule#avoidNanos} was not negative)
	 * @param nowNanos now, on the clock of the instances' states
	 * @param leftNanos the time the call has left until its deadline
	 * @param interrupted whether the calling thread has been interrupted
	 * @param nextInstance picks the instance for the next attempt, or {@code null} when
	 * none is left
	 * @return whether to retry, where and when
	 */
	RetryDecision decide(HttpRequest request, int attempt, IOException failure, int status, HttpHeaders responseHeaders,
			boolean overloaded, long nowNanos, long leftNanos, boolean interrupted,
			Supplier<MeshInstance> nextInstance) {
		boolean retryable;
		if (failure != null) {
			retryable = this.rule.mayRetry(request.getMethod(), request.getHeaders(), FailureKind.of(failure));
		}
		else if (overloaded && status == OverloadRule.TOO_MANY_REQUESTS) {
			retryable = this.rule.mayRetryOverloaded(request.getMethod(), request.getHeaders());
		}
		else {
			retryable = status >= 500 && this.rule.mayRetry(request.getMethod(), request.getHeaders(), status);
		}
		if (!retryable) {
			return RetryDecision.stop(RetryDecision.Reason.NOT_RETRYABLE);
		}
		if (attempt >= this.maxAttempts) {
			return RetryDecision.stop(RetryDecision.Reason.NO_ATTEMPTS_LEFT);
		}
		if (interrupted) {
			return RetryDecision.stop(RetryDecision.Reason.INTERRUPTED);
		}
		String retryAfter = (status == 503 && !overloaded && responseHeaders != null)
				? responseHeaders.getFirst(HttpHeaders.RETRY_AFTER) : null;
		// at most BackoffSchedule.MAX_MILLIS, so never overflows
		long delayNanos = this.backoff.delayMillis(attempt, retryAfter) * MILLI;
		if (delayNanos >= leftNanos) {
			return RetryDecision.stop(RetryDecision.Reason.DEADLINE);
		}
		MeshInstance next = nextInstance.get();
		if (next == null) {
			return RetryDecision.stop(RetryDecision.Reason.NO_INSTANCE);
		}
		if (this.overload.enabled() && next.state().overloadedAt(nowNanos)) {
			// only an avoided instance is left: it gets the wait it asked for
			delayNanos = Math.max(delayNanos, next.state().overloadedUntilNanos() - nowNanos);
			if (delayNanos >= leftNanos) {
				return RetryDecision.stop(RetryDecision.Reason.DEADLINE);
			}
		}
		if (!this.budget.tryRetry()) {
			return RetryDecision.stop(RetryDecision.Reason.BUDGET_EXHAUSTED);
		}
		return new RetryDecision(RetryDecision.Reason.RETRY, next, delayNanos);
	}

	/**
	 * What {@link RetryDecider#decide} decided.
	 *
	 * @param reason why the call goes on or stops
	 * @param next the instance of the next attempt, when it goes on
	 * @param delayNanos the wait before the next attempt, when it goes on
	 */
	record RetryDecision(Reason reason, MeshInstance next, long delayNanos) {

		static RetryDecision stop(Reason reason) {
			return new RetryDecision(reason, null, 0);
		}

		/**
		 * @return whether the call tries again
		 */
		boolean retry() {
			return this.reason == Reason.RETRY;
		}

		/** Why. */
		enum Reason {

			/** Another attempt follows. */
			RETRY,

			/**
			 * The method or the outcome may not be retried ({@code retry.on},
			 * idempotency).
			 */
			NOT_RETRYABLE,

			/** {@code retry.max-attempts} attempts have been made. */
			NO_ATTEMPTS_LEFT,

			/** The calling thread was interrupted. */
			INTERRUPTED,

			/** The backoff would end at or after the call's deadline. */
			DEADLINE,

			/** No instance is left that this call has not tried (or may use). */
			NO_INSTANCE,

			/** The service's retry budget has no token. */
			BUDGET_EXHAUSTED

		}

	}

}
