package dev.mesh.loadbalancer;

import dev.mesh.discovery.MeshInstance;

/**
 * How every picker treats draining instances (effective weight 0): they get no picks
 * while any instance the filter accepts has a weight, and when every accepted instance is
 * draining they are picked as if their weights were equal. Pickers follow the effective
 * weights they were built with (see
 * {@link InstancePickers#create(LoadBalancerPolicy, java.util.List, int[])}), never
 * re-reading {@link MeshInstance#weight()}.
 */
final class DrainingRule {

	private DrainingRule() {
	}

	/**
	 * Returns the weights a picker spreads picks by: the given ones (usually the
	 * instances' own, or those slow start lowered), or 1 each when every one is 0.
	 * @param weights the weights, one per instance, each 0 or more; not modified
	 * @return a new array of weights, one per instance
	 */
	static int[] effectiveWeights(int[] weights) {
		int[] effective = weights.clone();
		boolean anyWeight = false;
		for (int weight : effective) {
			anyWeight |= weight > 0;
		}
		if (!anyWeight) {
			for (int i = 0; i < effective.length; i++) {
				effective[i] = 1;
			}
		}
		return effective;
	}

	/**
	 * The last resort of a pick whose preferred choices the filter rejected: the first
	 * accepted instance with a weight, scanning from {@code offset} and wrapping around,
	 * else the first accepted draining instance the same way. Allocates nothing.
	 * @param instances the instances
	 * @param weights the picker's {@linkplain #effectiveWeights effective weights}, one
	 * per instance: 0 marks a draining instance
	 * @param offset where the scan starts, from 0 to {@code instances.length - 1}, so
	 * that repeated fallbacks spread over the accepted instances
	 * @param filter which instances may be picked
	 * @return the instance, or {@code null} when the filter accepts none
	 */
	static MeshInstance firstAccepted(MeshInstance[] instances, int[] weights, int offset, InstanceFilter filter) {
		MeshInstance found = firstAccepted(instances, weights, offset, filter, false);
		return (found != null) ? found : firstAccepted(instances, weights, offset, filter, true);
	}

	private static MeshInstance firstAccepted(MeshInstance[] instances, int[] weights, int offset,
			InstanceFilter filter, boolean draining) {
		int length = instances.length;
		for (int step = 0; step < length; step++) {
			int index = offset + step;
			if (index >= length) {
				index -= length;
			}
			MeshInstance candidate = instances[index];
			if ((weights[index] == 0) == draining && filter.accepts(candidate)) {
				return candidate;
			}
		}
		return null;
	}

}
