package dev.mesh.client;

import java.util.Arrays;

/**
 * Where one called service's calls and attempts are timed: one {@link CallTimers} and one
 * {@link AttemptTimers} per meter registry bound to it. The arrays are copied on write,
 * so recording takes no lock and allocates nothing of its own.
 */
final class RouteMeters {

	private volatile CallTimers[] callTimers = new CallTimers[0];

	private volatile AttemptTimers[] attemptTimers = new AttemptTimers[0];

	/** Times the service's calls in one more meter registry from now on. */
	synchronized void timeCalls(CallTimers timers) {
		CallTimers[] all = Arrays.copyOf(this.callTimers, this.callTimers.length + 1);
		all[all.length - 1] = timers;
		this.callTimers = all;
	}

	/** Records how one call ended, after all of its attempts. */
	void recordCall(String method, String status, String outcome, long nanos) {
		for (CallTimers timers : this.callTimers) {
			timers.record(method, status, outcome, nanos);
		}
	}

	/** Times the service's attempts in one more meter registry from now on. */
	synchronized void timeAttempts(AttemptTimers timers) {
		AttemptTimers[] all = Arrays.copyOf(this.attemptTimers, this.attemptTimers.length + 1);
		all[all.length - 1] = timers;
		this.attemptTimers = all;
	}

	/** Records how one attempt ended on one instance. */
	void recordAttempt(String instanceId, String method, int attempt, String status, String outcome, long nanos) {
		for (AttemptTimers timers : this.attemptTimers) {
			timers.record(instanceId, method, attempt, status, outcome, nanos);
		}
	}

}
