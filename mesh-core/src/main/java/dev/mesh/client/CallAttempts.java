package dev.mesh.client;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.loadbalancer.InstanceFilter;

/**
 * The attempts of one call: how many were sent, the instances they tried, whether the
 * latest was aborted by the caller (see {@link dev.mesh.resilience.CallerAbort}), and the
 * filter that steers its next attempt: first to an instance it has not tried that is not
 * ejected and has not said it is going away ({@link InstanceState#goingAway(long)}), then
 * to one that is going away, then (when none is left) to any instance that is not
 * ejected. When the client avoids overloaded instances, each of these steps skips an
 * instance that asked to be left alone ({@link InstanceState#overloaded(long)}), and only
 * when none is left are such instances used. A call routed to a version takes each of
 * these steps among that version's instances first, then among all. Ejected instances
 * count as healthy while the service is in panic mode (every instance ejected). A
 * going-away instance whose wait is over is picked by one call as a probe, which waits on
 * its behalf for another ejection time.
 */
final class CallAttempts implements InstanceFilter {

	private final ServiceRoute route;

	private final MeshInstance[] tried;

	private int count;

	private int sent;

	private boolean allowTried;

	private boolean skipEjected;

	private boolean skipGoingAway;

	private boolean skipOverloaded;

	/** Whether the client avoids overloaded instances ({@code overload.enabled}). */
	private final boolean avoidOverloaded;

	private MeshInstance probe;

	/** The end of the wait the probe's claim set. */
	private long probeUntil;

	private long now;

	private boolean aborted;

	private boolean failed;

	/** The version the call is routed to, or {@code null}. */
	private final String version;

	CallAttempts(ServiceRoute route, int maxAttempts) {
		this(route, maxAttempts, null);
	}

	/**
	 * @param version the version the call is routed to (drawn from the split, or pinned):
	 * every attempt prefers an instance of it, or {@code null} for any instance
	 */
	CallAttempts(ServiceRoute route, int maxAttempts, String version) {
		this(route, maxAttempts, version, false);
	}

	/**
	 * @param version see above
	 * @param avoidOverloaded whether attempts keep away from instances that answered they
	 * are overloaded while any other can take them
	 */
	CallAttempts(ServiceRoute route, int maxAttempts, String version, boolean avoidOverloaded) {
		this.route = route;
		this.tried = new MeshInstance[maxAttempts];
		this.version = version;
		this.avoidOverloaded = avoidOverloaded;
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
		this.skipGoingAway = true;
		this.skipOverloaded = this.avoidOverloaded;
		this.probe = null;
		MeshInstance instance = pick();
		if (instance == null) {
			this.skipGoingAway = false;
			instance = pick();
		}
		if (instance == null && this.count > 0) {
			this.allowTried = true;
			instance = pick();
		}
		if (instance == null && this.skipOverloaded) {
			this.skipOverloaded = false;
			instance = pick();
		}
		if (instance == null && this.skipEjected) {
			this.skipEjected = false;
			instance = pick();
		}
		return instance;
	}

	/**
	 * Picks; while going-away instances are skipped, one whose wait is over is taken only
	 * by the call that claims its probe.
	 */
	private MeshInstance pick() {
		for (int tries = 0; tries < 3; tries++) {
			MeshInstance instance = this.route.pick(this, this.now, this.version);
			if (instance == null || !this.skipGoingAway) {
				return instance;
			}
			InstanceState state = instance.state();
			long until = state.goingAwayUntilNanos();
			if (until == 0) {
				return instance;
			}
			if (this.now - until < 0) {
				// another call claimed the probe after this one's filter let it through
				continue;
			}
			long next = this.now + this.route.goingAwayNanos();
			if (state.claimGoingAwayProbe(until, next)) {
				this.probe = instance;
				this.probeUntil = next;
				return instance;
			}
		}
		return null;
	}

	/**
	 * @param instance an instance this call sent an attempt to
	 * @return whether the attempt probes it after it said it was going away
	 */
	boolean probes(MeshInstance instance) {
		return this.probe == instance;
	}

	/**
	 * @return the end of the wait the probe's claim set, for
	 * {@link InstanceState#stayed(long)}
	 */
	long probeUntil() {
		return this.probeUntil;
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
		if (this.skipGoingAway) {
			long until = instance.state().goingAwayUntilNanos();
			if (until != 0 && this.now - until < 0) {
				return false;
			}
		}
		if (this.skipEjected && this.route.outlierDetector().isEjected(instance, this.now)) {
			return false;
		}
		if (this.skipOverloaded && instance.state().overloadedAt(this.now)) {
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
