package dev.mesh.client;

import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.shutdown.GoingAway;

import org.springframework.http.client.ClientHttpResponse;

/**
 * The record-outcome step of the pipeline: ends an {@link Attempt} on its instance (the
 * one place its in-flight count goes down) as a success, a failure or an abort, and tells
 * the outlier detector and the call's {@link CallAttempts}. An attempt the caller ended
 * counts against nothing: not the instance, not the circuit breaker, not the retry
 * budget. An overload answer (429, or 503 with {@code Retry-After}, when the client
 * avoids overloaded instances) counts as neither success nor failure: it makes this
 * client keep away from the instance for the time asked. An answer with
 * {@value GoingAway#HEADER} (any value) makes callers keep away from its instance for the
 * outlier ejection time; the answer itself counts as what it is. A probe of such an
 * instance answered without the header re-admits it.
 */
final class AttemptOutcomes {

	private final ServiceRoute route;

	AttemptOutcomes(ServiceRoute route) {
		this.route = route;
	}

	/**
	 * @param attempt an attempt, answered or failed; nothing happens when it has ended
	 * already
	 * @param instanceFault whether its answer or failure is the instance's fault: an I/O
	 * failure, a 5xx that is no overload answer, or a 401 that rejects a token the mesh
	 * will not replace
	 * @param avoidNanos how long callers keep away from the instance because its answer
	 * says it is overloaded ({@link dev.mesh.resilience.OverloadRule#avoidNanos}), or -1
	 * when it is no overload answer
	 * @param attempts the call's attempts
	 */
	void record(Attempt attempt, boolean instanceFault, long avoidNanos, CallAttempts attempts) {
		if (attempt.ended()) {
			return;
		}
		noteGoingAway(attempt, instanceFault, attempts);
		if (attempt.byCaller()) {
			attempt.end(AttemptResult.ABORTED, this.route.clock());
			attempts.abort();
		}
		else if (avoidNanos >= 0) {
			attempt.end(AttemptResult.OVERLOADED, this.route.clock());
			// compared as now - until < 0: up to Long.MAX_VALUE ahead cannot wrap
			attempt.instance().state().overloaded(this.route.now() + avoidNanos);
		}
		else if (instanceFault) {
			int inARow = attempt.end(AttemptResult.FAILED, this.route.clock());
			attempts.failed();
			this.route.recordFailure(attempt.instance(), inARow);
		}
		else {
			attempt.end(AttemptResult.SUCCEEDED, this.route.clock());
			this.route.outlierDetector().recordSuccess(attempt.instance());
		}
	}

	private void noteGoingAway(Attempt attempt, boolean instanceFault, CallAttempts attempts) {
		ClientHttpResponse response = attempt.response();
		if (response == null) {
			return;
		}
		if (GoingAway.announced(response.getHeaders())) {
			attempt.instance().state().goingAway(this.route.now() + this.route.goingAwayNanos());
		}
		else if (!instanceFault && attempts.probes(attempt.instance())) {
			attempt.instance().state().stayed(attempts.probeUntil());
		}
	}

	/**
	 * Ends an attempt that says nothing about its instance: one re-sent with a fresh
	 * token, or one whose answer made something else throw. Does nothing when it has
	 * ended already.
	 * @param attempt the attempt
	 */
	void abandon(Attempt attempt) {
		attempt.end(AttemptResult.ABORTED, this.route.clock());
	}

}
