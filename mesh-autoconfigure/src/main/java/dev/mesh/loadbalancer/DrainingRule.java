package dev.mesh.loadbalancer;

import dev.mesh.discovery.MeshInstance;

/**
 * How every picker treats draining instances (weight 0): they get no picks while any instance the
 * filter accepts has a weight, and when every accepted instance is draining they are picked as if
 * their weights were equal.
 */
final class DrainingRule {

	private DrainingRule() {
	}

	/**
	 * Returns the weights a picker spreads picks by: the instances' own, or 1 each when every instance
	 * is draining.
	 * @param instances the instances
	 * @return a new array of weights, one per instance
	 */
	static int[] effectiveWeights(MeshInstance[] instances) {
		int[] weights = new int[instances.length];
		boolean anyWeight = false;
		for (int i = 0; i < instances.length; i++) {
			weights[i] = instances[i].weight();
			anyWeight |= weights[i] > 0;
		}
		if (!anyWeight) {
			for (int i = 0; i < weights.length; i++) {
				weights[i] = 1;
			}
		}
		return weights;
	}

	/**
	 * The last resort of a pick whose preferred choices the filter rejected: the first accepted
	 * instance with a weight, scanning from {@code offset} and wrapping around, else the first accepted
	 * draining instance the same way. Allocates nothing.
	 * @param instances the instances
	 * @param offset where the scan starts, from 0 to {@code instances.length - 1}, so that repeated
	 * fallbacks spread over the accepted instances
	 * @param filter which instances may be picked
	 * @return the instance, or {@code null} when the filter accepts none
	 */
	static MeshInstance firstAccepted(MeshInstance[] instances, int offset, InstanceFilter filter) {
		MeshInstance found = firstAccepted(instances, offset, filter, false);
		return (found != null) ? found : firstAccepted(instances, offset, filter, true);
	}

	private static MeshInstance firstAccepted(MeshInstance[] instances, int offset, InstanceFilter filter,
			boolean draining) {
		int length = instances.length;
		for (int step = 0; step < length; step++) {
			int index = offset + step;
			if (index >= length) {
				index -= length;
			}
			MeshInstance candidate = instances[index];
			if ((candidate.weight() == 0) == draining && filter.accepts(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
