package dev.mesh.resilience;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
	public static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000L;

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
		if (value == null || value.isBlank()) {
			return 0;
		}
		String trimmed = value.trim();
		if (trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
			// more digits than a long holds is as far away as can be: saturate rather
			// than ignore
			long seconds = (trimmed.length() <= 18) ? Long.parseLong(trimmed) : Long.MAX_VALUE;
			return (seconds <= MAX_MILLIS / 1000) ? seconds * 1000 : MAX_MILLIS;
		}
		try {
			ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
			return Math.min(MAX_MILLIS, Math.max(0, at.toInstant().toEpochMilli() - this.clock.millis()));
		}
		catch (DateTimeParseException ex) {
			return 0;
		}
	}

}
