package dev.mesh.client;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.loadbalancer.InstanceFilter;

/**
 * The attempts of one call: how many were sent, the instances they tried, whether the
 * latest was aborted by the caller (see {@link dev.mesh.resilience.CallerAbort}), and the
 * filter that steers its next attempt: first to an instance it has not tried that is not
 * ejected, then (when none is left) to any instance that is not ejected. Ejected
 * instances count as healthy while the service is in panic mode (every instance ejected).
 */
final class CallAttempts implements InstanceFilter {

	private final ServiceRoute route;

	private final MeshInstance[] tried;

	private int count;

	private int sent;

	private boolean allowTried;

	private boolean skipEjected;

	private long now;

	private boolean aborted;

	private boolean failed;

	CallAttempts(ServiceRoute route, int maxAttempts) {
		this.route = route;
		this.tried = new MeshInstance[maxAttempts];
	}

	/**
	 * @return the instance for the next attempt, or {@code null} when no instance can
	 * take it
	 */
	MeshInstance next() {
		this.now = this.route.now();
		this.route.checkZone(this.now);
		this.skipEjected = this.route.outlierDetector().skipEjected(this.route.instances(), this.now);
		this.allowTried = false;
		MeshInstance instance = this.route.pick(this, this.now);
		if (instance == null && this.count > 0) {
			this.allowTried = true;
			instance = this.route.pick(this, this.now);
		}
		if (instance == null && this.skipEjected) {
			this.skipEjected = false;
			instance = this.route.pick(this, this.now);
		}
		return instance;
	}

	/**
	 * Numbers an attempt being sent: 1, 2, ... in the order sent, a re-send with a fresh
	 * token included.
	 * @return its number
	 */
	int sent() {
		this.aborted = false;
		return ++this.sent;
	}

	/**
	 * Notes that the caller ended the latest attempt ({@link AttemptOutcomes} has ended
	 * it on its instance): the call ends without retry.
	 */
	void abort() {
		this.aborted = true;
	}

	/**
	 * @return whether the latest attempt was aborted by the caller: the call ends without
	 * counting against the instance or the retry budget
	 */
	boolean aborted() {
		return this.aborted;
	}

	/** Notes that an attempt of this call failed (recorded against its instance). */
	void failed() {
		this.failed = true;
	}

	/**
	 * @return whether the call was aborted with none of its attempts failing before: the
	 * circuit breaker counts it neither way (a call whose first attempts failed still
	 * counts as failed)
	 */
	boolean abortedWithoutFailure() {
		return this.aborted && !this.failed;
	}

	/**
	 * @return whether an attempt of this call failed (was recorded against its instance)
	 */
	boolean anyFailed() {
		return this.failed;
	}

	void tried(MeshInstance instance) {
		if (this.count < this.tried.length) {
			this.tried[this.count++] = instance;
		}
	}

	@Override
	public boolean accepts(MeshInstance instance) {
		if (this.skipEjected && this.route.outlierDetector().isEjected(instance, this.now)) {
			return false;
		}
		if (!this.allowTried) {
			for (int i = 0; i < this.count; i++) {
				if (this.tried[i] == instance) {
					return false;
				}
			}
		}
		return true;
	}

}
