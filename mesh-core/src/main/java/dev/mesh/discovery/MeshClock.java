package dev.mesh.discovery;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The one source of time of the mesh runtime: a {@link #wall() Clock} for wall time
 * (token expiry, instances' published start times, {@code Retry-After} dates) and
 * {@link #nanoTime()} for monotonic time (call deadlines, retry budgets, outlier
 * ejection, latency estimates, registry backoff). Both are read from the same object, so
 * a test clock that advances one advances the other. {@link #system()} reads
 * {@link Clock#systemUTC()} and {@link System#nanoTime()}.
 * <p>
 * The auto-configuration defines one as a bean, which an application or test replaces by
 * defining its own. Components that need only wall time take {@link #wall()}; those that
 * need only monotonic time take {@code clock::nanoTime}. It is no {@link Clock} itself,
 * so its bean never competes with a {@code Clock} bean of the application's. Waiting is
 * not done on this clock: attempt deadlines enforced by the attempt watchdog and the
 * back-off before a retry wait on the machine's time.
 */
public abstract class MeshClock {

	/** For subclasses; use {@link #system()} or {@link #of(Clock, LongSupplier)}. */
	protected MeshClock() {
	}

	/**
	 * Returns monotonic time: only differences between two readings mean anything, as
	 * with {@link System#nanoTime()}.
	 * @return the current monotonic time, in nanoseconds
	 */
	public abstract long nanoTime();

	/**
	 * Returns wall time.
	 * @return the wall clock
	 */
	public abstract Clock wall();

	/**
	 * @return the current instant on the {@link #wall() wall clock}
	 */
	public Instant instant() {
		return wall().instant();
	}

	/**
	 * @return the current time on the {@link #wall() wall clock}, in milliseconds since
	 * the epoch
	 */
	public long millis() {
		return wall().millis();
	}

	/**
	 * Returns the machine's clocks: {@link Clock#systemUTC()} and
	 * {@link System#nanoTime()}.
	 * @return the system clock
	 */
	public static MeshClock system() {
		return Composed.SYSTEM;
	}

	/**
	 * Returns a clock that reads wall time from one clock and monotonic time from another
	 * source.
	 * @param wall the wall clock
	 * @param nanoTime the monotonic time, in nanoseconds
	 * @return the clock
	 */
	public static MeshClock of(Clock wall, LongSupplier nanoTime) {
		return new Composed(Objects.requireNonNull(wall, "wall"), Objects.requireNonNull(nanoTime, "nanoTime"));
	}

	/**
	 * A wall clock and a monotonic source put together.
	 */
	private static final class Composed extends MeshClock {

		static final Composed SYSTEM = new Composed(Clock.systemUTC(), System::nanoTime);

		private final Clock wall;

		private final LongSupplier nanoTime;

		Composed(Clock wall, LongSupplier nanoTime) {
			this.wall = wall;
			this.nanoTime = nanoTime;
		}

		@Override
		public long nanoTime() {
			return this.nanoTime.getAsLong();
		}

		@Override
		public Clock wall() {
			return this.wall;
		}

		@Override
		public String toString() {
			return (this == SYSTEM) ? "MeshClock.system()" : "MeshClock[" + this.wall + "]";
		}

	}

}
