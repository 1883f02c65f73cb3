package dev.mesh.resilience;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;

/**
 * Passive health checking of one service's instances, as Envoy's outlier detection does:
 * after {@code consecutive-failures} failed attempts in a row an instance is ejected for
 * {@code ejection-time}, doubled on each repeated ejection up to
 * {@code max-ejection-time}. When the time is up it gets real traffic again on probation:
 * its first success clears the record, its first failure ejects it again.
 *
 * <p>
 * As in Envoy, at most {@code max-ejection-percent} of the instances are ejected at once,
 * but one always may be: an ejection past that share is refused, and the instance keeps
 * taking traffic (and counting failures, so it is ejected as soon as a slot frees).
 * Refusing the ejection, rather than ejecting and then using every instance when too many
 * are out, keeps a dead instance ejected when a healthy one has a bad moment. Only when
 * every instance is ejected (one instance, or a share of 100) is the service in panic
 * mode, and ejected instances are used: sending traffic to a possibly bad instance beats
 * failing every call.
 *
 * <p>
 * Written by hand because resilience4j's circuit breakers are per-resource and know
 * nothing of a service's other instances.
 */
public final class OutlierDetector {

	private static final long PANIC_RECHECK_NANOS = 100_000_000L;

	/** The policy's numbers, replaced whole when the policy changes at run time. */
	private volatile Limits limits;

	private final LongSupplier nanoClock;

	private final LongAdder ejectionCount = new LongAdder();

	private volatile boolean panic;

	private volatile long panicCheckedAt;

	/**
	 * @param policy when to eject
	 * @param nanoClock a monotonic clock in nanoseconds (the application's
	 * {@code MeshClock::nanoTime})
	 */
	public OutlierDetector(OutlierPolicy policy, LongSupplier nanoClock) {
		this.limits = Limits.of(policy);
		this.nanoClock = nanoClock;
		this.panicCheckedAt = nanoClock.getAsLong() - PANIC_RECHECK_NANOS;
	}

	/**
	 * @param instance an instance
	 * @param now {@link #now()}
	 * @return whether it is ejected now
	 */
	public boolean isEjected(MeshInstance instance, long now) {
		long until = instance.state().ejectedUntilNanos();
		return until != 0 && now - until < 0;
	}

	/**
	 * Whether the picker should skip ejected instances: true unless the service is in
	 * panic mode (every instance ejected).
	 * @param instances all instances of the service
	 * @param now {@link #now()}
	 * @return whether to skip ejected instances
	 */
	public boolean skipEjected(List<MeshInstance> instances, long now) {
		if (now - this.panicCheckedAt > PANIC_RECHECK_NANOS) {
			updatePanic(instances, now);
		}
		return !this.panic;
	}

	/**
	 * Takes note of a successful attempt (a response below 500), which ends the
	 * instance's probation. The attempt itself was ended by its owner
	 * ({@link InstanceState#attemptEnded}).
	 * @param instance the instance that answered
	 */
	public void recordSuccess(MeshInstance instance) {
		InstanceState state = instance.state();
		if (state.onProbation() && !isEjected(instance, now())) {
			state.recovered();
		}
	}

	/**
	 * Takes note of a failed attempt (connect failure, reset, timeout or 5xx) and ejects
	 * the instance if that makes too many in a row, or if it was on probation. The
	 * attempt itself was ended by its owner ({@link InstanceState#attemptEnded}), which
	 * counted the failure.
	 * @param instance the instance that failed
	 * @param inARow its failures in a row, this one included, as
	 * {@link InstanceState#attemptEnded} returned them
	 * @param instances all instances of the service, to update panic mode
	 * @return whether the instance was ejected by this failure
	 */
	public boolean recordFailure(MeshInstance instance, int inARow, List<MeshInstance> instances) {
		InstanceState state = instance.state();
		long now = now();
		boolean ejected = isEjected(instance, now);
		boolean probationFailed = state.onProbation() && !ejected && state.ejectedUntilNanos() != 0;
		Limits limits = this.limits;
		if (ejected || (inARow < limits.consecutiveFailures() && !probationFailed)) {
			return false;
		}
		synchronized (this) {
			if (isEjected(instance, now) || !mayEjectOneMore(instances, now, limits)) {
				return false;
			}
			int previous = Math.min(state.ejections(), 30);
			long duration = Math.min(limits.maxEjectionNanos(), limits.ejectionNanos() << Math.min(previous, 20));
			if (duration < 0) {
				duration = limits.maxEjectionNanos();
			}
			state.eject(now + duration);
		}
		this.ejectionCount.increment();
		updatePanic(instances, now);
		return true;
	}

	/**
	 * @return ejections so far
	 */
	public long ejectionCount() {
		return this.ejectionCount.sum();
	}

	/**
	 * @param instances all instances of the service
	 * @return how many are ejected now
	 */
	public int ejectedCount(List<MeshInstance> instances) {
		return ejectedCount(instances, now());
	}

	private int ejectedCount(List<MeshInstance> instances, long now) {
		int ejected = 0;
		for (int i = 0; i < instances.size(); i++) {
			if (isEjected(instances.get(i), now)) {
				ejected++;
			}
		}
		return ejected;
	}

	/**
	 * @return the detector's clock now, in nanoseconds
	 */
	public long now() {
		return this.nanoClock.getAsLong();
	}

	/**
	 * Whether one more ejection keeps within {@code max-ejection-percent}; the first
	 * always does.
	 */
	private boolean mayEjectOneMore(List<MeshInstance> instances, long now, Limits limits) {
		int ejected = ejectedCount(instances, now);
		return ejected == 0 || (ejected + 1) * 100L <= (long) instances.size() * limits.maxEjectionPercent();
	}

	/**
	 * Applies a changed policy from now on: later failures and ejections follow it, an
	 * ejection in progress keeps its end.
	 * @param policy the new policy
	 */
	public void update(OutlierPolicy policy) {
		this.limits = Limits.of(policy);
	}

	/**
	 * Ejects an instance on an operator's word for {@code max-ejection-time}, whatever
	 * its failures and past {@code max-ejection-percent}; the panic rule still holds, so
	 * ejecting every instance makes the service use them all rather than fail every call.
	 * When the time is up the instance is on probation, as after any ejection.
	 * @param instance the instance
	 * @param instances all instances of the service, to update panic mode
	 */
	public void eject(MeshInstance instance, List<MeshInstance> instances) {
		long now = now();
		synchronized (this) {
			instance.state().eject(now + this.limits.maxEjectionNanos());
		}
		this.ejectionCount.increment();
		updatePanic(instances, now);
	}

	/**
	 * Ends an instance's ejection and probation on an operator's word.
	 * @param instance the instance
	 * @param instances all instances of the service, to update panic mode
	 */
	public void restore(MeshInstance instance, List<MeshInstance> instances) {
		synchronized (this) {
			instance.state().recovered();
		}
		updatePanic(instances, now());
	}

	private void updatePanic(List<MeshInstance> instances, long now) {
		int size = instances.size();
		this.panic = size > 0 && ejectedCount(instances, now) == size;
		this.panicCheckedAt = now;
	}

	private record Limits(long ejectionNanos, long maxEjectionNanos, int consecutiveFailures, int maxEjectionPercent) {

		static Limits of(OutlierPolicy policy) {
			return new Limits(nanos(policy.ejectionTime()), nanos(policy.longestEjectionTime()),
					policy.consecutiveFailures(), policy.maxEjectionPercent());
		}

		/** A time too long for nanoseconds (about 292 years) counts as for ever. */
		static long nanos(Duration duration) {
			try {
				return duration.toNanos();
			}
			catch (ArithmeticException ex) {
				return Long.MAX_VALUE;
			}
		}

	}

}
