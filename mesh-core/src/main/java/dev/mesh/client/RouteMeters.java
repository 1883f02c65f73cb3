package dev.mesh.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import dev.mesh.discovery.MeshInstance;

/**
 * Where one called service's calls and attempts are timed: one {@link CallTimers} and one
 * {@link AttemptTimers} per meter registry bound to it. The arrays are copied on write,
 * so recording takes no lock and allocates nothing of its own.
 *
 * <p>
 * Instance ids change with every deploy, so the attempt timers of instances that have
 * left the service's list are removed from the registries once they have been gone for
 * the retention ({@link DepartedInstances}; 5 minutes unless
 * {@link #retainDeparted(Duration) set}): checked whenever the list changes, and on the
 * discovery thread when the oldest departure runs out (at most a second late). An
 * instance that returns within the retention keeps its timers.
 */
final class RouteMeters {

	/** Default retention of a departed instance's meters. */
	static final Duration DEFAULT_RETENTION = Duration.ofMinutes(5);

	/**
	 * Shortest wait before a scheduled check, so a clock that stands still cannot spin.
	 */
	private static final long MIN_CHECK_DELAY_NANOS = 1_000_000_000L;

	private volatile CallTimers[] callTimers = new CallTimers[0];

	private volatile AttemptTimers[] attemptTimers = new AttemptTimers[0];

	private final DepartedInstances departed = new DepartedInstances(DEFAULT_RETENTION,
			DepartedInstances.MAX_REMEMBERED);

	private final LongSupplier nanoClock;

	private final BiConsumer<Runnable, Duration> scheduler;

	private final AtomicBoolean checkScheduled = new AtomicBoolean();

	/**
	 * @param nanoClock monotonic time, in nanoseconds
	 * @param scheduler runs a task once after a delay on the discovery thread
	 */
	RouteMeters(LongSupplier nanoClock, BiConsumer<Runnable, Duration> scheduler) {
		this.nanoClock = nanoClock;
		this.scheduler = scheduler;
	}

	/**
	 * Sets how long the meters of an instance that left are kept.
	 * @param retention 0 (removed with the list that drops the instance) or more
	 */
	void retainDeparted(Duration retention) {
		this.departed.retain(retention);
	}

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

	/**
	 * Tells whoever makes {@link AttemptTimers} for this route that one registered a
	 * timer.
	 * @param instanceId the timer's instance
	 */
	void attemptTimerRegistered(String instanceId) {
		if (this.departed.meterRegistered(instanceId)) {
			scheduleCheck(0);
		}
	}

	/** Records how one attempt ended on one instance. */
	void recordAttempt(String instanceId, String method, int attempt, String status, String outcome, long nanos) {
		for (AttemptTimers timers : this.attemptTimers) {
			timers.record(instanceId, method, attempt, status, outcome, nanos);
		}
	}

	/**
	 * Takes the service's new instance list and removes the meters whose retention has
	 * run out.
	 * @param instances the new list
	 */
	void instancesChanged(List<MeshInstance> instances) {
		List<String> ids = new ArrayList<>(instances.size());
		for (MeshInstance instance : instances) {
			ids.add(instance.id());
		}
		this.departed.listChanged(ids, this.nanoClock.getAsLong());
		removeDeparted();
	}

	/**
	 * Removes the meters of departed instances whose retention has run out, and schedules
	 * the next check while departed instances are remembered.
	 */
	synchronized void removeDeparted() {
		long now = this.nanoClock.getAsLong();
		Predicate<String> keep = this.departed.keep(now);
		if (keep != null) {
			for (AttemptTimers timers : this.attemptTimers) {
				timers.retain(keep);
			}
		}
		long next = this.departed.nanosToNextExpiry(now);
		if (next >= 0) {
			scheduleCheck(next);
		}
	}

	/**
	 * @return how many departed instances are remembered now
	 */
	int rememberedDeparted() {
		return this.departed.remembered();
	}

	private void scheduleCheck(long delayNanos) {
		if (this.checkScheduled.compareAndSet(false, true)) {
			this.scheduler.accept(() -> {
				this.checkScheduled.set(false);
				removeDeparted();
			}, Duration.ofNanos(Math.max(MIN_CHECK_DELAY_NANOS, delayNanos)));
		}
	}

}
