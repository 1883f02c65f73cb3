package dev.mesh.loadbalancer;

import java.util.random.RandomGenerator;

/**
 * The effective weights of a picker's instances (the weights it was built with, after {@link DrainingRule}) with their running sums, so a
 * weighted random draw is one random number and a binary search: O(log n), no allocation.
 */
final class WeightTable {

	final int[] weights;

	final long[] cumulative;

	final long total;

	WeightTable(int[] weights) {
		this.weights = DrainingRule.effectiveWeights(weights);
		this.cumulative = new long[this.weights.length];
		long sum = 0;
		for (int i = 0; i < this.weights.length; i++) {
			sum += this.weights[i];
			this.cumulative[i] = sum;
		}
		this.total = sum;
	}

	/** @return an index drawn with probability proportional to its weight; {@link #total} must be > 0 */
	int draw(RandomGenerator generator) {
		return indexOf(generator.nextLong(this.total));
	}

	/** @return the index of the first running sum above {@code point} */
	int indexOf(long point) {
		int low = 0;
		int high = this.cumulative.length - 1;
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (this.cumulative[middle] > point) {
				high = middle;
			}
			else {
				low = middle + 1;
			}
		}
		return low;
	}

}
