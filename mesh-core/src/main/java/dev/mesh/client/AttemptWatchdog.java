package dev.mesh.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps the timeouts of attempts that block their calling thread in the JDK client's
 * synchronous {@code send}: one daemon thread ({@value #THREAD_NAME}) looks at the
 * attempts in flight every {@value #TICK_MILLIS} ms and interrupts the thread of each one
 * whose time is up, which makes the JDK cancel the exchange and close its connection.
 * Watching an attempt is adding it to a set and removing it again; nothing is scheduled
 * and no other thread is woken, unless the watchdog was idle because no attempt was in
 * flight.
 *
 * <p>
 * Written here because neither way the JDK offers is cheap or whole. Its own
 * {@code HttpRequest.timeout} arms a timer by waking the client's selector thread on
 * every request, and it ends when the response headers arrive, so a body that stalls
 * would hang the caller. Waiting on {@code sendAsync} instead hands every exchange to the
 * client's executor and every completion to the common fork-join pool (one thread on a
 * 2-core machine): on the benchmark machine that cost about 190 µs at p50 per call under
 * two callers (docs/benchmarks.md).
 *
 * <p>
 * An interrupt is only ever sent while the attempt is watched, and
 * {@link Watch#release()} waits for one that is on its way and clears it, so no interrupt
 * of the watchdog's outlives the attempt. (An interrupt from elsewhere that arrives at
 * the same moment as the watchdog's is cleared with it.)
 *
 * <p>
 * Every attempt anywhere depends on this thread, so it must not die: whatever a look at
 * the attempts throws, {@link OutOfMemoryError} included, is logged and the next look
 * goes ahead. Should the thread end anyway (its error handling itself failing), the next
 * {@link #watch(Duration)} starts a new one. The thread is started by the first watched
 * attempt, not before; it belongs to the mesh client factory of one application context,
 * and after {@link #close()} it ends as soon as no attempt is in flight (an attempt
 * started later still gets its timeout, from a thread that again ends when it is done).
 *
 * <p>
 * It reads {@link System#nanoTime()}, not the application's
 * {@link dev.mesh.discovery.MeshClock}: it waits on the machine (parks, then interrupts a
 * thread blocked on a socket), and a test clock that stands still or jumps must not hold
 * a hung attempt for ever or abort one at once. It is given durations only, so nothing it
 * compares comes from the other clock.
 */
final class AttemptWatchdog implements AutoCloseable {

	/** How often attempts in flight are looked at: a timeout is kept to within this. */
	static final long TICK_MILLIS = 10;

	/** The name of the watchdog's thread. */
	static final String THREAD_NAME = "mesh-attempt-watchdog";

	static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);

	/**
	 * The longest timeout kept (about 146 years); a longer one is this, rather than an
	 * overflow of its nanoseconds, and deadlines this far apart still compare correctly
	 * across {@code nanoTime}'s wrap.
	 */
	private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 2);

	private static final Log logger = LogFactory.getLog(AttemptWatchdog.class);

	/**
	 * The attempt the current thread is making, for transports that register how to abort
	 * it.
	 */
	private static final ThreadLocal<Watch> CURRENT = new ThreadLocal<>();

	private final Set<Watch> watched = ConcurrentHashMap.newKeySet();

	/**
	 * The thread now looking at the attempts, or {@code null} when none is (not started,
	 * or ended).
	 */
	private volatile Thread thread;

	private volatile boolean idle;

	private volatile boolean closed;

	/**
	 * Watches an attempt that the calling thread is about to make.
	 * @param timeout how long the attempt may take
	 * @return the watch, to {@linkplain Watch#release() release} once the attempt has
	 * ended, however
	 */
	Watch watch(Duration timeout) {
		long nanos = (timeout.compareTo(LONGEST) < 0) ? timeout.toNanos() : LONGEST.toNanos();
		Watch watch = new Watch(Thread.currentThread(), System.nanoTime() + nanos);
		this.watched.add(watch);
		Thread current = this.thread;
		if (current == null) {
			try {
				ensureRunning();
			}
			catch (RuntimeException | Error ex) {
				// no thread could be started: this attempt must not be interrupted by a
				// later one
				this.watched.remove(watch);
				throw ex;
			}
		}
		else if (this.idle) {
			LockSupport.unpark(current);
		}
		CURRENT.set(watch);
		return watch;
	}

	/**
	 * @return the watched attempt the calling thread is making, or {@code null}: how a
	 * transport whose blocking calls an interrupt does not end (such as Apache
	 * HttpClient's classic socket reads) finds the attempt to
	 * {@linkplain Watch#abortWith(Runnable) register} its abort with
	 */
	static Watch current() {
		return CURRENT.get();
	}

	/**
	 * Lets the watchdog's thread end once no attempt is in flight; an attempt watched
	 * after this still gets its timeout.
	 */
	@Override
	public void close() {
		this.closed = true;
		Thread current = this.thread;
		if (current != null) {
			LockSupport.unpark(current);
		}
	}

	/**
	 * @return the thread looking at the attempts now, or {@code null}
	 */
	Thread thread() {
		return this.thread;
	}

	private synchronized void ensureRunning() {
		if (this.thread == null) {
			Thread started = new Thread(this::run, THREAD_NAME);
			started.setDaemon(true);
			this.thread = started;
			try {
				started.start();
			}
			catch (RuntimeException | Error ex) {
				this.thread = null;
				throw ex;
			}
		}
	}

	private void run() {
		Thread self = Thread.currentThread();
		try {
			while (lookOnce()) {
				// until closed and no attempt is in flight
			}
		}
		finally {
			synchronized (this) {
				if (this.thread == self) {
					this.thread = null;
				}
			}
			// an attempt watched while this thread was ending saw it still set and left
			// it to this one
			if (!this.watched.isEmpty()) {
				ensureRunning();
			}
		}
	}

	/**
	 * Looks at the attempts once, or parks while there are none.
	 * @return {@code false} when the thread should end: closed, and no attempt is in
	 * flight
	 */
	private boolean lookOnce() {
		try {
			// nothing should interrupt this thread, but if something did, parking would
			// return at once for ever
			Thread.interrupted();
			if (this.watched.isEmpty()) {
				if (this.closed) {
					return false;
				}
				this.idle = true;
				if (this.watched.isEmpty() && !this.closed) {
					LockSupport.park(this);
				}
				this.idle = false;
				return true;
			}
			long now = System.nanoTime();
			for (Watch watch : this.watched) {
				if (now - watch.deadlineNanos >= 0) {
					watch.fire();
				}
				else {
					watch.abortIfCallerInterrupted();
				}
			}
			LockSupport.parkNanos(this, TICK_NANOS);
			return true;
		}
		catch (Throwable ex) {
			// an OutOfMemoryError elsewhere in the JVM, or a caller's thread whose
			// interrupt() throws: the
			// other attempts still need their timeouts. If logging fails too, the thread
			// ends and the next
			// watch() starts another.
			this.idle = false;
			logger.error("The mesh attempt watchdog hit an error and carries on: " + ex, ex);
			LockSupport.parkNanos(this, TICK_NANOS);
			return true;
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

		/**
		 * What else ends the exchange when the time is up, besides the interrupt; see
		 * {@link #abortWith}.
		 */
		private volatile Runnable abort;

		/**
		 * Whether {@link #abort} is a disconnect; see
		 * {@link #abortWithDisconnect(Runnable)}.
		 */
		private volatile boolean disconnects;

		/**
		 * Whether the exchange of {@link #abort} has its response; see
		 * {@link #responded()}.
		 */
		private volatile boolean responded;

		/** Whether {@link #abortIfCallerInterrupted()} has aborted the exchange. */
		private volatile boolean callerAborted;

		private final Thread caller;

		private final long deadlineNanos;

		private Watch(Thread caller, long deadlineNanos) {
			this.caller = caller;
			this.deadlineNanos = deadlineNanos;
		}

		private void fire() {
			if (STATE.compareAndSet(this, WATCHING, FIRING)) {
				try {
					this.caller.interrupt();
					abortFromWatchdog();
				}
				finally {
					// set even when the interrupt failed, so release() does not wait for
					// it for ever
					this.state = FIRED;
				}
			}
		}

		/**
		 * @return the time the attempt has left, in nanoseconds (negative once it is up)
		 */
		long remainingNanos() {
			return this.deadlineNanos - System.nanoTime();
		}

		/**
		 * Registers how to end the attempt's exchange when its time is up, for transports
		 * whose blocking calls an interrupt does not end: closing its socket, cancelling
		 * its request. It runs on the watchdog's thread, so it must not block; what it
		 * throws is logged. Registered after the time ran out (the next exchange of a
		 * redirect, a thread descheduled before it sent), it runs at once on the calling
		 * thread: the watchdog fires only once, and that exchange's reads may ignore the
		 * interrupt.
		 * @param action the abort, replacing any registered before
		 */
		void abortWith(Runnable action) {
			abortWith(action, false);
		}

		/**
		 * Notes that the exchange has its response (status and headers) and what is left
		 * is its body; see {@link #abortWithDisconnect(Runnable)}.
		 */
		void responded() {
			this.responded = true;
		}

		/**
		 * Registers a disconnect as the abort ({@code HttpURLConnection}'s), which
		 * differs from other aborts twice. It closes the response too, so the response is
		 * not closed again after it: Spring's close would read the rest of the body, and
		 * the JDK's keep-alive cleaner, to which a disconnect hands a connection with a
		 * few bytes left, holds the body's stream for up to 5 s. And it waits for that
		 * stream's lock, which a body read holds for as long as it blocks: so once the
		 * response has come ({@link #responded()}) the watchdog leaves the exchange to
		 * its interrupt, which the body's reader notices between reads, and to the read
		 * timeout, and the caller disconnects after the failure. The watchdog's thread,
		 * shared by every attempt, is never held by one exchange's read.
		 * @param disconnect the disconnect, replacing any abort registered before; it
		 * should act once only
		 */
		void abortWithDisconnect(Runnable disconnect) {
			abortWith(disconnect, true);
		}

		private void abortWith(Runnable action, boolean disconnects) {
			this.disconnects = disconnects;
			this.responded = false;
			this.abort = action;
			int current = this.state;
			if (current == FIRING || current == FIRED) {
				// fire() may have run the previous abort, or be running this one now:
				// aborting twice is harmless
				abort();
			}
		}

		/**
		 * Aborts the exchange once when something else interrupted the calling thread
		 * (the caller gave up: {@code Future.cancel(true)}, a shutdown) and the
		 * transport's blocking call does not notice interrupts; the attempt then ends as
		 * the caller's abort.
		 */
		private void abortIfCallerInterrupted() {
			if (this.abort != null && !this.callerAborted && this.state == WATCHING && this.caller.isInterrupted()) {
				this.callerAborted = true;
				abortFromWatchdog();
			}
		}

		/**
		 * @return the abort registered now, or {@code null}: kept by a response streamed
		 * to the caller, to end its exchange without reading on when it is closed early
		 * (see {@link StreamedResponse})
		 */
		Runnable abortAction() {
			return this.abort;
		}

		/**
		 * @return whether the last abort registered, once run, closes the transport's
		 * response too (also after {@link #release()})
		 */
		boolean abortClosesResponse() {
			return this.disconnects;
		}

		/**
		 * Runs the registered abort on the watchdog's thread, unless it is a disconnect
		 * that could block there.
		 */
		private void abortFromWatchdog() {
			if (!(this.disconnects && this.responded)) {
				abort();
			}
		}

		/**
		 * Runs the registered abort, if any, now (on the calling thread); never throws.
		 */
		void abort() {
			Runnable action = this.abort;
			if (action != null) {
				try {
					action.run();
				}
				catch (RuntimeException ex) {
					logger.debug("Aborting an attempt's exchange failed", ex);
				}
			}
		}

		/**
		 * Stops watching the attempt; call once, on the thread that made it.
		 * @return whether its time ran out (and the watchdog interrupted the thread, an
		 * interrupt this has cleared again)
		 */
		boolean release() {
			AttemptWatchdog.this.watched.remove(this);
			this.abort = null;
			if (CURRENT.get() == this) {
				CURRENT.remove();
			}
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
