package dev.mesh.resilience;

import java.time.Clock;

import io.github.resilience4j.core.IntervalFunction;

/**
 * The wait before each retry: resilience4j's exponential random backoff, or longer when a
 * 503 says {@code Retry-After}. A {@code Retry-After} however far away (a date in the
 * year 9999, a number of seconds with twenty digits) is capped at {@value #MAX_MILLIS}
 * ms, so the wait always fits a {@code long} of nanoseconds; the pipeline then finds it
 * beyond its deadline and returns the 503.
 */
public final class BackoffSchedule {

	/**
	 * The longest wait: more milliseconds than this overflow a {@code long} of
	 * nanoseconds.
	 */
	public static final long MAX_MILLIS = RetryAfter.MAX_MILLIS;

	private final IntervalFunction intervals;

	private final Clock clock;

	/**
	 * @param backoff the policy
	 * @param clock wall clock, for {@code Retry-After} dates
	 */
	public BackoffSchedule(RetryPolicy.Backoff backoff, Clock clock) {
		long initial = Math.max(1, backoff.initial().toMillis());
		long max = Math.max(initial, backoff.max().toMillis());
		this.intervals = (backoff.jitter() > 0)
				? IntervalFunction.ofExponentialRandomBackoff(initial, backoff.multiplier(), backoff.jitter(), max)
				: IntervalFunction.ofExponentialBackoff(initial, backoff.multiplier(), max);
		this.clock = clock;
	}

	/**
	 * @param retry which retry this is, from 1
	 * @param retryAfter the failed response's {@code Retry-After} header, or {@code null}
	 * @return milliseconds to wait, at most {@value #MAX_MILLIS}
	 */
	public long delayMillis(int retry, String retryAfter) {
		long delay = this.intervals.apply(retry);
		long asked = retryAfterMillis(retryAfter);
		return Math.max(delay, asked);
	}

	/**
	 * Reads a {@code Retry-After} value: seconds (ASCII digits, any number of them) or an
	 * HTTP date. Garbage counts as absent.
	 * @param value the header value, may be {@code null}
	 * @return the wait it asks for in milliseconds, from 0 to {@value #MAX_MILLIS}
	 */
	long retryAfterMillis(String value) {
		return Math.max(0, RetryAfter.millis(value, this.clock));
	}

}
