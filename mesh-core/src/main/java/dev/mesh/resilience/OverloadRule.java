package dev.mesh.resilience;

import java.time.Clock;
import java.time.Duration;

import org.springframework.http.HttpHeaders;

/**
 * Tells an overload answer from a failure, as {@link OverloadPolicy} asks: with the
 * policy on, a 429 (with or without {@code Retry-After}) and a 503 with a
 * {@code Retry-After} header say the instance is too busy, not broken. Such an answer
 * asks callers to keep away for the time its {@code Retry-After} gives (seconds or an
 * HTTP date), or for {@code avoid-time} when it gives none that can be read; never for
 * less than {@code avoid-time} (a "too busy, retry now" that would leave a fast-failing
 * instance in the rotation) nor more than {@code max-avoid-time}. Written by hand:
 * Envoy's and Linkerd's overload handling has no counterpart in Spring Cloud LoadBalancer
 * or resilience4j.
 */
public final class OverloadRule {

	/** The status of a rate-limited answer. */
	public static final int TOO_MANY_REQUESTS = 429;

	private static final int SERVICE_UNAVAILABLE = 503;

	private final boolean enabled;

	private final long avoidNanos;

	private final long maxAvoidNanos;

	private final Clock clock;

	/**
	 * @param policy the policy
	 * @param clock wall clock, for {@code Retry-After} dates
	 */
	public OverloadRule(OverloadPolicy policy, Clock clock) {
		this.enabled = policy.enabled();
		this.maxAvoidNanos = nanos(policy.maxAvoidTime());
		this.avoidNanos = Math.min(nanos(policy.avoidTime()), this.maxAvoidNanos);
		this.clock = clock;
	}

	/**
	 * @return whether overload answers are told from failures at all
	 */
	public boolean enabled() {
		return this.enabled;
	}

	/**
	 * @param status an answer's status
	 * @param headers its headers
	 * @return how long callers should keep away from the instance that gave it, in
	 * nanoseconds ({@code avoid-time} to {@code max-avoid-time}), or -1 when it is no
	 * overload answer (or the policy is off)
	 */
	public long avoidNanos(int status, HttpHeaders headers) {
		if (!this.enabled || (status != TOO_MANY_REQUESTS && status != SERVICE_UNAVAILABLE)) {
			return -1;
		}
		String retryAfter = headers.getFirst(HttpHeaders.RETRY_AFTER);
		if (status == SERVICE_UNAVAILABLE && retryAfter == null) {
			return -1;
		}
		long millis = RetryAfter.millis(retryAfter, this.clock);
		// at most RetryAfter.MAX_MILLIS, so never overflows
		long asked = (millis < 0) ? this.avoidNanos : Math.max(millis * 1_000_000L, this.avoidNanos);
		return Math.min(asked, this.maxAvoidNanos);
	}

	/**
	 * @return the longest an instance is avoided, in nanoseconds
	 */
	public long maxAvoidNanos() {
		return this.maxAvoidNanos;
	}

	/** A time too long for nanoseconds (about 292 years) counts as for ever. */
	private static long nanos(Duration duration) {
		try {
			return Math.max(0, duration.toNanos());
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
