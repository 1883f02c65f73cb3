package dev.mesh.loadbalancer;

import dev.mesh.discovery.MeshInstance;

/**
 * Walks a precomputed pick order (indexes into the instances) from a shared counter: the round-robin
 * pickers' pick, lock-free and allocation-free.
 */
final class IndexCycle {

	private IndexCycle() {
	}

	/**
	 * Takes the instance at the counter's position in the order, or the next one the filter accepts (at
	 * most one full cycle), falling back to {@link DrainingRule#firstAccepted}.
	 * @param instances the instances
	 * @param weights the picker's effective weights, for the draining fallback
	 * @param order the pick order; must not be empty
	 * @param position the counter value for this pick (any long; negative values are folded)
	 * @param filter which instances may be picked
	 * @return the instance, or {@code null} when the filter accepts none
	 */
	static MeshInstance walk(MeshInstance[] instances, int[] weights, int[] order, long position,
			InstanceFilter filter) {
		int length = order.length;
		int start = (int) ((position & Long.MAX_VALUE) % length);
		for (int step = 0; step < length; step++) {
			int at = start + step;
			if (at >= length) {
				at -= length;
			}
			MeshInstance candidate = instances[order[at]];
			if (filter.accepts(candidate)) {
				return candidate;
			}
		}
		return DrainingRule.firstAccepted(instances, weights, order[start], filter);
	}

}
