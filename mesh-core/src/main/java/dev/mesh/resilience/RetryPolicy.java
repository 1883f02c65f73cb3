package dev.mesh.resilience;

import java.time.Duration;

/**
 * How a mesh client retries a failed attempt.
 *
 * @param maxAttempts attempts in all, including the first (1 = never retry)
 * @param on which failures may be retried
 * @param backoff the wait between attempts
 * @param budget the share of calls that may be retried
 */
public record RetryPolicy(int maxAttempts, RetryOn on, Backoff backoff, Budget budget) {

	/**
	 * Exponential backoff with jitter: attempt {@code n} waits about
	 * {@code initial × multiplier^(n-1)}, at most {@code max}, randomised by ±
	 * {@code jitter} of itself.
	 *
	 * @param initial the first wait
	 * @param multiplier growth per retry
	 * @param max the longest wait
	 * @param jitter randomisation factor, from 0 (none) to below 1
	 */
	public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {
	}

	/**
	 * A retry budget: retries may be at most {@code ratio} of calls, plus
	 * {@code minPerSecond} retries per second so that low-traffic clients can still
	 * retry.
	 *
	 * @param ratio retries per call, from 0 to 1
	 * @param minPerSecond retries per second always allowed
	 */
	public record Budget(double ratio, int minPerSecond) {
	}

}
