package dev.mesh.loadbalancer;

import java.util.random.RandomGenerator;

/**
 * The effective weights of a picker's instances (the weights it was built with, after
 * {@link DrainingRule}) with their running sums, so a weighted random draw is one random
 * number and a search for the first running sum above it. No allocation.
 *
 * <p>
 * The search is written by hand because nothing in the JDK or Spring Cloud draws by
 * weight in constant time while keeping the mapping from a random point to an instance
 * (which the tests script). A guide table splits the points {@code 0..total-1} into
 * {@code 2n} equal buckets and remembers, per bucket, the first and last instance whose
 * share reaches into it; a draw then searches only between those two, which is usually
 * one or two instances: {@code O(1)} for typical weights, never worse than
 * {@code O(log n)}.
 */
final class WeightTable {

	final int[] weights;

	final long[] cumulative;

	final long total;

	/**
	 * {@code guide[k]}: the first instance whose share reaches bucket k or beyond; one
	 * more entry at the end.
	 */
	private final int[] guide;

	/** Maps a point to its bucket: {@code (point * bucketScale) >>> 32}. */
	private final long bucketScale;

	WeightTable(int[] weights) {
		this.weights = DrainingRule.effectiveWeights(weights);
		int length = this.weights.length;
		this.cumulative = new long[length];
		long sum = 0;
		for (int i = 0; i < length; i++) {
			sum += this.weights[i];
			this.cumulative[i] = sum;
		}
		this.total = sum;
		int buckets = Math.max(1, 2 * length);
		this.bucketScale = (sum > 0) ? (((long) buckets) << 32) / sum : 0;
		this.guide = new int[buckets + 1];
		int bucket = 0;
		for (int i = 0; i < length && sum > 0; i++) {
			if (this.weights[i] > 0) {
				for (int last = bucketOf(this.cumulative[i] - 1); bucket <= last; bucket++) {
					this.guide[bucket] = i;
				}
			}
		}
		for (; bucket <= buckets; bucket++) {
			this.guide[bucket] = Math.max(0, length - 1);
		}
	}

	private int bucketOf(long point) {
		return (int) ((point * this.bucketScale) >>> 32);
	}

	/**
	 * @return an index drawn with probability proportional to its weight; {@link #total}
	 * must be > 0
	 */
	int draw(RandomGenerator generator) {
		return indexOf(generator.nextLong(this.total));
	}

	/**
	 * Finds the index of the first running sum above {@code point}, between the guide
	 * table's bounds for the point's bucket, by a binary search written so that the JIT
	 * can compile each step to a conditional move (the steps' outcomes are random, so
	 * branches would be mispredicted half the time).
	 * @param point from 0 to {@code total - 1}
	 * @return the index
	 */
	int indexOf(long point) {
		int bucket = bucketOf(point);
		long[] sums = this.cumulative;
		int base = this.guide[bucket];
		int length = this.guide[bucket + 1] - base + 1;
		while (length > 1) {
			int half = length >>> 1;
			base = (sums[base + half - 1] <= point) ? base + half : base;
			length -= half;
		}
		return base;
	}

}
