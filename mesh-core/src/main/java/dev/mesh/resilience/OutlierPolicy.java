package dev.mesh.resilience;

import java.time.Duration;

/**
 * When an instance is ejected (passive health checking).
 *
 * @param consecutiveFailures failures in a row (connect failure, timeout or 5xx) that
 * eject an instance
 * @param ejectionTime how long the first ejection lasts; each repeated ejection doubles
 * it
 * @param maxEjectionTime the longest an ejection lasts
 * @param maxEjectionPercent most instances of a service that may be ejected at once, in
 * percent (one always may be); an ejection past it is refused
 */
public record OutlierPolicy(int consecutiveFailures, Duration ejectionTime, Duration maxEjectionTime,
		int maxEjectionPercent) {
}
