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

	/**
	 * @return the longest an ejection lasts, and how long an operator's ejection lasts:
	 * the longer of {@code maxEjectionTime} and {@code ejectionTime} (nothing requires
	 * the maximum to be the longer one)
	 */
	public Duration longestEjectionTime() {
		return (this.maxEjectionTime.compareTo(this.ejectionTime) >= 0) ? this.maxEjectionTime : this.ejectionTime;
	}

}
