package dev.mesh.client;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which instances of one service still get meters: those in its latest instance list, and
 * those that left it less than the retention ago (an instance that returns within it
 * keeps its meters). At most {@value #MAX_REMEMBERED} departed instances are remembered,
 * the oldest departure forgotten first, so a service whose instance ids change with every
 * deploy holds a bounded number however long it runs.
 *
 * <p>
 * Departure times are monotonic nanoseconds; a retention longer than about 292 years
 * (which {@link Duration#toNanos()} cannot hold) counts as for ever.
 */
final class DepartedInstances {

	/** Most departed instances of one service remembered at once. */
	static final int MAX_REMEMBERED = 5_000;

	private final int maxRemembered;

	private volatile long retentionNanos;

	private volatile Set<String> live = Set.of();

	/** When each departed instance left, oldest departure first; guarded by this. */
	private final LinkedHashMap<String, Long> departedAt = new LinkedHashMap<>();

	/**
	 * Whether an instance was forgotten since the last {@link #keep(long)}; guarded by
	 * this.
	 */
	private boolean forgotten;

	DepartedInstances(Duration retention, int maxRemembered) {
		this.maxRemembered = maxRemembered;
		retain(retention);
	}

	/**
	 * Sets how long a departed instance's meters are kept.
	 * @param retention 0 or more
	 */
	void retain(Duration retention) {
		if (retention.isNegative()) {
			throw new IllegalArgumentException("retention: " + retention + " (expected: >= 0)");
		}
		this.retentionNanos = nanos(retention);
	}

	/**
	 * Takes a service's new instance list: instances no longer in it depart now,
	 * instances back in it are live again.
	 * @param ids the ids of the instances in the list
	 * @param now monotonic now, in nanoseconds
	 */
	synchronized void listChanged(Collection<String> ids, long now) {
		Set<String> next = Set.copyOf(new HashSet<>(ids));
		for (String id : this.live) {
			if (!next.contains(id)) {
				this.departedAt.putIfAbsent(id, now);
			}
		}
		for (String id : next) {
			this.departedAt.remove(id);
		}
		this.live = next;
		Iterator<Long> oldest = this.departedAt.values().iterator();
		while (this.departedAt.size() > this.maxRemembered) {
			oldest.next();
			oldest.remove();
			this.forgotten = true;
		}
	}

	/**
	 * Notes that a meter of an instance was just registered: one of an instance that is
	 * neither live nor remembered (an attempt that ended after its instance's meters were
	 * removed) is removed by the next {@link #keep(long)}.
	 * @param id the instance's id
	 * @return whether the instance is neither live nor remembered
	 */
	boolean meterRegistered(String id) {
		if (this.live.contains(id)) {
			return false;
		}
		synchronized (this) {
			if (this.departedAt.containsKey(id)) {
				return false;
			}
			this.forgotten = true;
			return true;
		}
	}

	/**
	 * Forgets the departed instances whose retention has run out.
	 * @param now monotonic now, in nanoseconds
	 * @return which instances keep their meters, or {@code null} when no instance was
	 * forgotten since the last call (nothing new to remove)
	 */
	synchronized Predicate<String> keep(long now) {
		long retention = this.retentionNanos;
		Iterator<Long> oldest = this.departedAt.values().iterator();
		while (oldest.hasNext() && now - oldest.next() >= retention) {
			oldest.remove();
			this.forgotten = true;
		}
		if (!this.forgotten) {
			return null;
		}
		this.forgotten = false;
		Set<String> kept = new HashSet<>(this.live);
		kept.addAll(this.departedAt.keySet());
		return kept::contains;
	}

	/**
	 * @param now monotonic now, in nanoseconds
	 * @return nanoseconds until the oldest remembered departure runs out (0 when it has),
	 * or -1 when no departed instance is remembered
	 */
	synchronized long nanosToNextExpiry(long now) {
		Iterator<Map.Entry<String, Long>> oldest = this.departedAt.entrySet().iterator();
		if (!oldest.hasNext()) {
			return -1;
		}
		long elapsed = now - oldest.next().getValue();
		return Math.max(0, this.retentionNanos - elapsed);
	}

	/**
	 * @return how many departed instances are remembered now
	 */
	synchronized int remembered() {
		return this.departedAt.size();
	}

	private static long nanos(Duration duration) {
		try {
			return duration.toNanos();
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

}
