package dev.mesh.autoconfigure;

import java.time.Duration;

/**
 * The drain time in effect ({@code mesh.instance.shutdown.drain-time}): the configured
 * one, or by default twice the discovery refresh interval (callers refresh their lists at
 * least once in that time), never longer than Spring Boot's timeout per shutdown phase,
 * in which the drain runs.
 */
final class DrainTimes {

	/** Spring Boot's default {@code spring.lifecycle.timeout-per-shutdown-phase}. */
	static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

	private DrainTimes() {
	}

	/**
	 * @param configured {@code mesh.instance.shutdown.drain-time}, or {@code null} when
	 * not set
	 * @param refreshInterval {@code mesh.discovery.refresh-interval}
	 * @param phaseTimeout {@code spring.lifecycle.timeout-per-shutdown-phase}
	 * @return the drain time, 0 for none
	 * @throws DrainTimeTooLongException when the configured drain time is longer than the
	 * phase timeout
	 * @throws IllegalStateException when the phase timeout is negative
	 */
	static Duration resolve(Duration configured, Duration refreshInterval, Duration phaseTimeout) {
		if (phaseTimeout.isNegative()) {
			throw new IllegalStateException("spring.lifecycle.timeout-per-shutdown-phase (" + phaseTimeout
					+ ") is negative (expected: 0s or more); the mesh's drain before shutdown is bounded by it");
		}
		if (configured != null) {
			if (configured.compareTo(phaseTimeout) > 0) {
				throw new DrainTimeTooLongException(configured, phaseTimeout);
			}
			return configured;
		}
		Duration twice = (refreshInterval.compareTo(phaseTimeout) >= 0) ? phaseTimeout
				: refreshInterval.multipliedBy(2);
		return (twice.compareTo(phaseTimeout) > 0) ? phaseTimeout : twice;
	}

}
