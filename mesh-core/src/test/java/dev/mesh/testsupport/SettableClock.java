package dev.mesh.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

import dev.mesh.discovery.MeshClock;

/**
 * A {@link MeshClock} (wall time in UTC and monotonic nanos) that stands still until the
 * test moves it: {@link #advance(Duration)} lets time pass on both, {@link #set(Instant)}
 * moves the wall clock alone, as a clock adjustment does. Register it as a bean to run a
 * whole application on it (the user's {@code MeshClock} bean replaces the auto-configured
 * one).
 */
public final class SettableClock extends MeshClock {

	private volatile Instant now;

	/** Starts away from 0, which some stamps use for "never". */
	private volatile long nanos = TimeUnit.DAYS.toNanos(1);

	public SettableClock(Instant now) {
		this.now = now;
	}

	/**
	 * Sets the wall clock, leaving the monotonic time where it is.
	 * @param now the new wall time
	 */
	public void set(Instant now) {
		this.now = now;
	}

	/**
	 * Lets time pass: moves the wall clock and the monotonic time forward together.
	 * @param duration how much time passes, 0 or more
	 */
	public synchronized void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
		}
		this.nanos += duration.toNanos();
		this.now = this.now.plus(duration);
	}

	/**
	 * Lets this many nanoseconds pass on both clocks.
	 * @param nanos how many, 0 or more
	 */
	public void advanceNanos(long nanos) {
		advance(Duration.ofNanos(nanos));
	}

	@Override
	public long nanoTime() {
		return this.nanos;
	}

	@Override
	public Instant instant() {
		return this.now;
	}

	@Override
	public Clock wall() {
		return this.wall;
	}

	/** The wall clock: reads {@link #instant()}. */
	private final Clock wall = new Clock() {

		@Override
		public Instant instant() {
			return SettableClock.this.now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

	};

}
