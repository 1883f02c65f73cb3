package dev.mesh.client;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watchdog of attempt timeouts: it interrupts the thread of an attempt whose time is up, and only
 * then, and releasing the attempt takes its interrupt back.
 */
class AttemptWatchdogTests {

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@Test
	@Timeout(10)
	void shouldInterruptAnAttemptWhoseTimeIsUpAndTakeTheInterruptBackOnRelease() {
		long started = System.nanoTime();
		AttemptWatchdog.Watch watch = AttemptWatchdog.watch(Duration.ofMillis(30));
		while (!Thread.currentThread().isInterrupted()) {
			Thread.onSpinWait();
		}
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
		assertThat(watch.release()).isTrue();
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	void shouldNeverInterruptAnAttemptReleasedInTime() throws InterruptedException {
		AttemptWatchdog.Watch watch = AttemptWatchdog.watch(Duration.ofMillis(20));
		assertThat(watch.release()).isFalse();
		Thread.sleep(20 + 5 * AttemptWatchdog.TICK_MILLIS);
		assertThat(Thread.currentThread().isInterrupted()).isFalse();
	}

	@Test
	@Timeout(10)
	void shouldWatchEachAttemptByItsOwnDeadline() throws Exception {
		AttemptWatchdog.Watch late = AttemptWatchdog.watch(Duration.ofSeconds(30));
		AttemptWatchdog.Watch[] soon = new AttemptWatchdog.Watch[1];
		boolean[] released = new boolean[1];
		Thread other = new Thread(() -> {
			soon[0] = AttemptWatchdog.watch(Duration.ofMillis(20));
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

}
