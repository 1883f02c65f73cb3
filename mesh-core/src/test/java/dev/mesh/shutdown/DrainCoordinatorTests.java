package dev.mesh.shutdown;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain on its own: what it switches on, how long it waits (on a wait that advances a
 * settable clock), and that neither a registry that throws or hangs nor an interrupt
 * makes it last longer than the drain time.
 */
class DrainCoordinatorTests {

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-04T12:00:00Z"));

	private final List<Long> waits = new ArrayList<>();

	private final DrainWait advancing = (nanos) -> {
		this.waits.add(nanos);
		this.clock.advanceNanos(nanos);
	};

	@Test
	void goesAwayLeavesTheRegistryAndWaitsTheDrainTime() throws InterruptedException {
		DrainCoordinator drain = serving(new DrainCoordinator(Duration.ofSeconds(2), this.clock::nanoTime, (nanos) -> {
			this.waits.add(nanos);
			this.clock.advance(Duration.ofMillis(500));
		}));
		assertThat(drain.goingAway()).isFalse();
		assertThat(drain.secondsLeft()).isZero();
		CountDownLatch left = new CountDownLatch(1);
		AtomicBoolean goingAwayWhileLeaving = new AtomicBoolean();
		drain.drain(() -> {
			goingAwayWhileLeaving.set(drain.goingAway());
			left.countDown();
		});
		assertThat(left.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(goingAwayWhileLeaving).as("going away before leaving the registry").isTrue();
		assertThat(this.waits).containsExactly(Duration.ofSeconds(2).toNanos());
		assertThat(drain.goingAway()).isTrue();
		assertThat(drain.secondsLeft()).as("1.5s left, rounded up").isEqualTo(2);
		this.clock.advance(Duration.ofMillis(600));
		assertThat(drain.secondsLeft()).isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(drain.secondsLeft()).as("over, and never negative").isZero();
		assertThat(drain.goingAway()).as("still going away after the drain").isTrue();
	}

	@Test
	void aDrainTimeOfZeroDoesNothing() {
		DrainCoordinator drain = serving(new DrainCoordinator(Duration.ZERO, this.clock::nanoTime, this.advancing));
		AtomicInteger left = new AtomicInteger();
		drain.drain(left::incrementAndGet);
		assertThat(drain.goingAway()).isFalse();
		assertThat(this.waits).isEmpty();
		assertThat(left).hasValue(0);
	}

	@Test
	void onlyTheFirstCallDrains() {
		DrainCoordinator drain = serving(
				new DrainCoordinator(Duration.ofSeconds(2), this.clock::nanoTime, this.advancing));
		drain.drain(null);
		drain.drain(null);
		assertThat(this.waits).hasSize(1);
	}

	@Test
	void aRegistryThatThrowsDoesNotStopTheDrain() {
		DrainCoordinator drain = serving(
				new DrainCoordinator(Duration.ofSeconds(2), this.clock::nanoTime, this.advancing));
		drain.drain(() -> {
			throw new IllegalStateException("Consul is down");
		});
		assertThat(this.waits).containsExactly(Duration.ofSeconds(2).toNanos());
		assertThat(drain.goingAway()).isTrue();
	}

	@Test
	void aRegistryThatHangsIsLeftBehindAfterTheDrainTime() throws InterruptedException {
		DrainCoordinator drain = serving(
				new DrainCoordinator(Duration.ofMillis(200), this.clock::nanoTime, DrainWait.SLEEP));
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch leaving = new CountDownLatch(1);
		long start = System.nanoTime();
		try {
			drain.drain(() -> {
				leaving.countDown();
				try {
					never.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(leaving.await(1, TimeUnit.SECONDS)).isTrue();
			assertThat(took).as("bounded by the drain time, not the registry").isBetween(150L, 2_000L);
		}
		finally {
			never.countDown();
		}
	}

	@Test
	void anInterruptEndsTheWaitAtOnceAndStaysSet() throws InterruptedException {
		DrainCoordinator drain = serving(
				new DrainCoordinator(Duration.ofSeconds(30), this.clock::nanoTime, DrainWait.SLEEP));
		AtomicBoolean interruptedAfter = new AtomicBoolean();
		CountDownLatch done = new CountDownLatch(1);
		Thread closing = new Thread(() -> {
			drain.drain(null);
			interruptedAfter.set(Thread.currentThread().isInterrupted());
			done.countDown();
		});
		closing.start();
		assertThat(await(drain::goingAway)).isTrue();
		long start = System.nanoTime();
		closing.interrupt();
		assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
		assertThat(interruptedAfter).isTrue();
		// a second close while the first one is over does not drain again
		long again = System.nanoTime();
		drain.drain(null);
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - again)).isLessThan(1_000);
	}

	@Test
	void aSecondCloseWhileTheFirstDrainsReturnsAtOnce() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		DrainCoordinator drain = serving(
				new DrainCoordinator(Duration.ofSeconds(30), this.clock::nanoTime, (nanos) -> release.await()));
		Thread first = new Thread(() -> drain.drain(null));
		first.start();
		try {
			assertThat(await(drain::goingAway)).isTrue();
			long start = System.nanoTime();
			drain.drain(null);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_000);
			assertThat(first.isAlive()).isTrue();
		}
		finally {
			release.countDown();
			first.join(5_000);
		}
	}

	@Test
	void aDrainTimeTooLongForNanosecondsSaturates() {
		DrainCoordinator drain = serving(
				new DrainCoordinator(Duration.ofDays(365L * 1_000), this.clock::nanoTime, this.waits::add));
		drain.drain(null);
		assertThat(this.waits).containsExactly(Long.MAX_VALUE);
		assertThat(drain.secondsLeft()).isPositive();
	}

	@Test
	void aNegativeDrainTimeIsRefused() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new DrainCoordinator(Duration.ofSeconds(-1), this.clock::nanoTime, this.advancing))
			.withMessageContaining("expected: >= 0");
	}

	@Test
	void anApplicationThatServesNoRequestsDoesNotDrain() {
		DrainCoordinator drain = new DrainCoordinator(Duration.ofSeconds(2), this.clock::nanoTime, this.advancing);
		AtomicInteger left = new AtomicInteger();
		drain.drain(left::incrementAndGet);
		assertThat(drain.goingAway()).isFalse();
		assertThat(this.waits).isEmpty();
		assertThat(left).hasValue(0);
	}

	private static DrainCoordinator serving(DrainCoordinator drain) {
		drain.serving();
		return drain;
	}

	private static boolean await(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - end > 0) {
				return false;
			}
			Thread.sleep(5);
		}
		return true;
	}

}
