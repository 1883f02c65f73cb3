package dev.mesh.resilience;

import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import io.github.resilience4j.core.IntervalFunction;

/**
 * The wait before each retry: resilience4j's exponential random backoff, or longer when a 503 says
 * {@code Retry-After}.
 */
public final class BackoffSchedule {

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
	 * @return milliseconds to wait
	 */
	public long delayMillis(int retry, String retryAfter) {
		long delay = this.intervals.apply(retry);
		long asked = retryAfterMillis(retryAfter);
		return Math.max(delay, asked);
	}

	/**
	 * Reads a {@code Retry-After} value: seconds or an HTTP date. Garbage counts as absent.
	 * @param value the header value, may be {@code null}
	 * @return the wait it asks for in milliseconds, or 0
	 */
	long retryAfterMillis(String value) {
		if (value == null || value.isBlank()) {
			return 0;
		}
		String trimmed = value.trim();
		if (trimmed.length() <= 9 && trimmed.chars().allMatch(Character::isDigit)) {
			return Long.parseLong(trimmed) * 1000;
		}
		try {
			ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
			return Math.max(0, at.toInstant().toEpochMilli() - this.clock.millis());
		}
		catch (DateTimeParseException ex) {
			return 0;
		}
	}

}
