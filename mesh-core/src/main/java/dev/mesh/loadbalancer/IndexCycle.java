package dev.mesh.loadbalancer;

import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.MeshInstance;

/**
 * Walks a precomputed pick order (indexes into the instances) from a shared counter: the
 * round-robin pickers' pick, lock-free and allocation-free.
 *
 * <p>
 * When the filter rejects the instance at a position (ejected, or already tried by this
 * call) the pick takes a fresh position from the counter rather than the next entry of
 * the order: taking the next entry would hand the rejected instance's whole share to
 * whichever instance follows it in the order (with one of three instances ejected, its
 * neighbour took two thirds of the calls). Fresh positions spread that share over the
 * accepted instances by their weights, exactly over a full cycle.
 */
final class IndexCycle {

	/**
	 * Fresh positions a pick takes before walking on through the order, so a pick stays
	 * bounded.
	 */
	static final int MAX_REDRAWS = 8;

	private IndexCycle() {
	}

	/**
	 * Takes the instance at the counter's next position in the order; while the filter
	 * rejects it, the instance at a fresh position (at most {@value #MAX_REDRAWS}
	 * positions), then the next accepted one in the order (at most one full cycle),
	 * falling back to {@link DrainingRule#firstAccepted}.
	 * @param instances the instances
	 * @param weights the picker's effective weights, for the draining fallback
	 * @param order the pick order; must not be empty
	 * @param counter the shared counter the positions come from (any value; negative ones
	 * are folded)
	 * @param filter which instances may be picked
	 * @return the instance, or {@code null} when the filter accepts none
	 */
	static MeshInstance walk(MeshInstance[] instances, int[] weights, int[] order, AtomicLong counter,
			InstanceFilter filter) {
		int length = order.length;
		int at = 0;
		for (int draw = 0; draw < MAX_REDRAWS && draw < length; draw++) {
			at = (int) ((counter.getAndIncrement() & Long.MAX_VALUE) % length);
			MeshInstance candidate = instances[order[at]];
			if (filter.accepts(candidate)) {
				return candidate;
			}
		}
		for (int step = 1; step < length; step++) {
			int next = at + step;
			if (next >= length) {
				next -= length;
			}
			MeshInstance candidate = instances[order[next]];
			if (filter.accepts(candidate)) {
				return candidate;
			}
		}
		// Rare (every weighted instance rejected): a random offset spreads these picks
		// over the rest.
		return DrainingRule.firstAccepted(instances, weights, FastRandom.INSTANCE.nextInt(instances.length), filter);
	}

}
