package dev.mesh.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the timeouts of attempts that block their calling thread in the JDK client's synchronous
 * {@code send}: one daemon thread looks at the attempts in flight every {@value #TICK_MILLIS} ms and
 * interrupts the thread of each one whose time is up, which makes the JDK cancel the exchange and close
 * its connection. Watching an attempt is adding it to a set and removing it again; nothing is scheduled
 * and no other thread is woken, unless the watchdog was idle because no attempt was in flight.
 *
 * <p>Written here because neither way the JDK offers is cheap or whole. Its own
 * {@code HttpRequest.timeout} arms a timer by waking the client's selector thread on every request, and
 * it ends when the response headers arrive, so a body that stalls would hang the caller. Waiting on
 * {@code sendAsync} instead hands every exchange to the client's executor and every completion to the
 * common fork-join pool (one thread on a 2-core machine): on the benchmark machine that cost about
 * 190 µs at p50 per call under two callers (docs/benchmarks.md).
 *
 * <p>An interrupt is only ever sent while the attempt is watched, and {@link Watch#release()} waits for
 * one that is on its way and clears it, so no interrupt of the watchdog's outlives the attempt. (An
 * interrupt from elsewhere that arrives at the same moment as the watchdog's is cleared with it.)
 */
final class AttemptWatchdog {

	/** How often attempts in flight are looked at: a timeout is kept to within this. */
	static final long TICK_MILLIS = 10;

	private static final AttemptWatchdog SHARED = new AttemptWatchdog();

	private final Set<Watch> watched = ConcurrentHashMap.newKeySet();

	private final Thread thread;

	private volatile boolean idle;

	private AttemptWatchdog() {
		this.thread = new Thread(this::run, "mesh-attempt-watchdog");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Watches an attempt that the calling thread is about to make.
	 * @param timeout how long the attempt may take
	 * @return the watch, to {@linkplain Watch#release() release} once the attempt has ended, however
	 */
	static Watch watch(Duration timeout) {
		return SHARED.watch(Thread.currentThread(), System.nanoTime() + timeout.toNanos());
	}

	private Watch watch(Thread caller, long deadlineNanos) {
		Watch watch = new Watch(caller, deadlineNanos);
		this.watched.add(watch);
		if (this.idle) {
			LockSupport.unpark(this.thread);
		}
		return watch;
	}

	private void run() {
		while (true) {
			// nothing should interrupt this thread, but if something did, parking would return at once for ever
			Thread.interrupted();
			if (this.watched.isEmpty()) {
				this.idle = true;
				if (this.watched.isEmpty()) {
					LockSupport.park(this);
				}
				this.idle = false;
				continue;
			}
			long now = System.nanoTime();
			for (Watch watch : this.watched) {
				if (now - watch.deadlineNanos >= 0) {
					watch.fire();
				}
			}
			LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
		}
	}

	/** One watched attempt. */
	final class Watch {

		private static final int WATCHING = 0;

		private static final int FIRING = 1;

		private static final int FIRED = 2;

		private static final int RELEASED = 3;

		/** Updates {@link #state} without an atomic object per attempt. */
		private static final AtomicIntegerFieldUpdater<Watch> STATE = AtomicIntegerFieldUpdater.newUpdater(Watch.class,
				"state");

		private volatile int state = WATCHING;

		private final Thread caller;

		private final long deadlineNanos;

		private Watch(Thread caller, long deadlineNanos) {
			this.caller = caller;
			this.deadlineNanos = deadlineNanos;
		}

		private void fire() {
			if (STATE.compareAndSet(this, WATCHING, FIRING)) {
				this.caller.interrupt();
				this.state = FIRED;
			}
		}

		/**
		 * Stops watching the attempt; call once, on the thread that made it.
		 * @return whether its time ran out (and the watchdog interrupted the thread, an interrupt this
		 * has cleared again)
		 */
		boolean release() {
			AttemptWatchdog.this.watched.remove(this);
			if (STATE.compareAndSet(this, WATCHING, RELEASED)) {
				return false;
			}
			while (this.state != FIRED) {
				Thread.onSpinWait();
			}
			Thread.interrupted();
			return true;
		}

	}

}
