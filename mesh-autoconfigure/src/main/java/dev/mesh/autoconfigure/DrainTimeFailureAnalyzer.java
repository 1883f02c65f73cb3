package dev.mesh.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a drain time longer than Spring Boot's timeout per shutdown phase, naming both
 * properties and their values.
 */
class DrainTimeFailureAnalyzer extends AbstractFailureAnalyzer<DrainTimeTooLongException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DrainTimeTooLongException cause) {
		String description = String.format(
				"mesh.instance.shutdown.drain-time (%s) is longer than spring.lifecycle.timeout-per-shutdown-phase"
						+ " (%s): the drain runs before the web server's graceful shutdown, which then gets up to that"
						+ " timeout for the requests in flight; the mesh keeps the drain within one phase's time, so"
						+ " the whole shutdown stays within twice the timeout you set for a phase.",
				cause.getDrainTime(), cause.getPhaseTimeout());
		String action = String.format("Set mesh.instance.shutdown.drain-time to %s or less, or raise"
				+ " spring.lifecycle.timeout-per-shutdown-phase to at least %s (it also bounds the time in-flight"
				+ " requests get to finish after the drain).", cause.getPhaseTimeout(), cause.getDrainTime());
		return new FailureAnalysis(description, action, cause);
	}

}
