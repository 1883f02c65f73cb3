package dev.mesh.autoconfigure;

import java.time.Duration;

/**
 * {@code mesh.instance.shutdown.drain-time} is longer than
 * {@code spring.lifecycle.timeout-per-shutdown-phase}, the time Spring Boot gives the
 * shutdown phase the drain runs in; explained by {@link DrainTimeFailureAnalyzer}.
 */
class DrainTimeTooLongException extends IllegalStateException {

	private final Duration drainTime;

	private final Duration phaseTimeout;

	DrainTimeTooLongException(Duration drainTime, Duration phaseTimeout) {
		super("mesh.instance.shutdown.drain-time (" + drainTime + ") is longer than"
				+ " spring.lifecycle.timeout-per-shutdown-phase (" + phaseTimeout + ")");
		this.drainTime = drainTime;
		this.phaseTimeout = phaseTimeout;
	}

	Duration getDrainTime() {
		return this.drainTime;
	}

	Duration getPhaseTimeout() {
		return this.phaseTimeout;
	}

}
