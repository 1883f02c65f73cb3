package dev.mesh.client;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.mesh.testsupport.RawHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watchdog of attempt timeouts: it interrupts the thread of an attempt whose time is
 * up, and only then, and releasing the attempt takes its interrupt back; it survives
 * errors, is replaced if its thread dies anyway, and has a thread only while it is open
 * or attempts are in flight.
 */
@Timeout(20)
class AttemptWatchdogTests {

	private final AttemptWatchdog watchdog = new AttemptWatchdog();

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
		this.watchdog.close();
	}

	@Test
	void shouldInterruptAnAttemptWhoseTimeIsUpAndTakeTheInterruptBackOnRelease() {
		long started = System.nanoTime();
		AttemptWatchdog.Watch watch = this.watchdog.watch(Duration.ofMillis(30));
		while (!Thread.currentThread().isInterrupted()) {
			Thread.onSpinWait();
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
		assertThat(watch.release()).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void shouldNeverInterruptAnAttemptReleasedInTime() throws InterruptedException {
		AttemptWatchdog.Watch watch = this.watchdog.watch(Duration.ofMillis(20));
		assertThat(watch.release()).isFalse();
		Thread.sleep(20 + 5 * AttemptWatchdog.TICK_MILLIS);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void shouldWatchEachAttemptByItsOwnDeadline() throws Exception {
		AttemptWatchdog.Watch late = this.watchdog.watch(Duration.ofSeconds(30));
		AttemptWatchdog.Watch[] soon = new AttemptWatchdog.Watch[1];
		boolean[] released = new boolean[1];
		Thread other = new Thread(() -> {
			soon[0] = this.watchdog.watch(Duration.ofMillis(20));
			while (!Thread.currentThread().isInterrupted()) {
				Thread.onSpinWait();
			}
			released[0] = soon[0].release();
		});
		other.start();
		other.join();
		assertThat(released[0]).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).as("the other attempt's time is not this one's").isFalse();
		assertThat(late.release()).isFalse();
	}

	/**
	 * A timeout too long for a long of nanoseconds (per-attempt-timeout=1000000d) is no
	 * timeout, not a failure.
	 */
	@Test
	void shouldTakeATimeoutBeyondWhatNanosecondsHoldAsNeverFiring() throws InterruptedException {
		AttemptWatchdog.Watch forever = this.watchdog.watch(Duration.ofDays(1_000_000));
		AttemptWatchdog.Watch max = this.watchdog.watch(Duration.ofSeconds(Long.MAX_VALUE));
		Thread.sleep(5 * AttemptWatchdog.TICK_MILLIS);
		assertThat(forever.release()).isFalse();
		assertThat(max.release()).isFalse();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	/**
	 * An {@link OutOfMemoryError} thrown while interrupting one caller (as the issue saw:
	 * a 600 MB body in a 256 MB heap) used to end the watchdog's thread, and with it
	 * every timeout in the JVM.
	 */
	@Test
	void shouldKeepEveryTimeoutAfterAnErrorWhileInterruptingOneAttempt() throws Exception {
		Error error = new OutOfMemoryError("interrupting this thread needed memory that was not there");
		Thread first = timeOutAHostileCaller(error);
		assertThat(first.isAlive()).as("the same thread carries on").isTrue();
		assertTimeoutsWork();
		assertThat(this.watchdog.thread()).isSameAs(first);
	}

	/**
	 * When even reporting an error fails, the thread ends; the next attempt gets a new
	 * one.
	 */
	@Test
	void shouldStartANewThreadWhenItsThreadDies() throws Exception {
		Error unprintable = new Error() {
			@Override
			public String getMessage() {
				throw new IllegalStateException("this error cannot even be described");
			}
		};
		Thread first = timeOutAHostileCaller(unprintable);
		assertThat(RawHttpServer.await(() -> !first.isAlive(), Duration.ofSeconds(5))).isTrue();
		assertTimeoutsWork();
		assertThat(this.watchdog.thread()).isNotSameAs(first).isNotNull();
	}

	@Test
	void shouldHaveAThreadOnlyOnceAnAttemptIsWatchedAndNoneOnceClosedAndIdle() {
		assertThat(this.watchdog.thread()).as("no attempt yet").isNull();
		AttemptWatchdog.Watch watch = this.watchdog.watch(Duration.ofSeconds(10));
		Thread thread = this.watchdog.thread();
		assertThat(thread.getName()).isEqualTo("mesh-attempt-watchdog");
		assertThat(thread.isDaemon()).isTrue();
		this.watchdog.close();
		assertThat(thread.isAlive()).as("an attempt is still in flight").isTrue();
		assertThat(watch.release()).isFalse();
		assertThat(RawHttpServer.await(() -> !thread.isAlive(), Duration.ofSeconds(5))).isTrue();
		// an attempt that still starts after close gets its timeout, from a thread that
		// ends with it
		assertTimeoutsWork();
		Thread again = this.watchdog.thread();
		assertThat(RawHttpServer.await(() -> again == null || !again.isAlive(), Duration.ofSeconds(5))).isTrue();
	}

	/**
	 * Watches an attempt of a caller whose {@code interrupt()} throws, as a thread
	 * subclass may, and waits until its time is up and the watchdog has tried to
	 * interrupt it.
	 * @return the watchdog's thread that did
	 */
	private Thread timeOutAHostileCaller(Error error) throws InterruptedException {
		this.watchdog.watch(Duration.ofSeconds(10)).release();
		Thread first = this.watchdog.thread();
		CountDownLatch interrupted = new CountDownLatch(1);
		CountDownLatch released = new CountDownLatch(1);
		Thread caller = new Thread(() -> {
			AttemptWatchdog.Watch watch = this.watchdog.watch(Duration.ofMillis(1));
			try {
				interrupted.await(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			watch.release();
			released.countDown();
		}) {
			@Override
			public void interrupt() {
				interrupted.countDown();
				throw error;
			}
		};
		caller.start();
		assertThat(released.await(5, TimeUnit.SECONDS)).as("the hostile attempt was timed out and released").isTrue();
		return first;
	}

	private void assertTimeoutsWork() {
		AttemptWatchdog.Watch watch = this.watchdog.watch(Duration.ofMillis(20));
		long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		// spinning, as a sleep would take the interrupt
		while (!Thread.currentThread().isInterrupted() && System.nanoTime() - end < 0) {
			Thread.onSpinWait();
		}
		assertThat(Thread.currentThread().isInterrupted()).as("a later attempt's timeout still interrupts it").isTrue();
		assertThat(watch.release()).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

}
