package dev.mesh.loadbalancer;

/**
 * Computes one full cycle of nginx's smooth weighted round robin. Each step adds every
 * instance's weight to its current value, picks the instance with the highest current
 * value (the first one on a tie) and subtracts the total weight from the picked
 * instance's current value. After {@code total / gcd} steps every current value is back
 * to 0, so the cycle repeats forever; within one cycle each instance is picked exactly
 * {@code weight / gcd} times, interleaved. Weights 5, 1, 1 give {@code a a b a c a a};
 * weights 3, 1 give {@code a a b a}; weights 1, 2, 3 give {@code c b a c b c}.
 *
 * <p>
 * When the reduced total exceeds the maximum length the weights are first scaled down in
 * proportion, rounded, with every non-zero weight kept at 1 or more; shares are then
 * approximate (each instance is off by at most about one pick per cycle). Building costs
 * {@code O(length × instances)} time, paid once per instance list on the thread that
 * builds the picker.
 */
final class SmoothWeightedCycle {

	/** Longest cycle built by default: 256 KiB of indexes. */
	static final int MAX_LENGTH = 65_536;

	private SmoothWeightedCycle() {
	}

	/**
	 * Computes the cycle.
	 * @param weights the weights, each 0 or more; instances with weight 0 never appear
	 * @param maxLength the longest cycle to build; a longer one is approximated, but
	 * never shorter than the number of non-zero weights
	 * @return the instance indexes in pick order; empty when every weight is 0
	 */
	static int[] of(int[] weights, int maxLength) {
		if (maxLength < 1) {
			throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: > 0)");
		}
		int[] reduced = reduce(weights);
		long total = sum(reduced);
		if (total > maxLength) {
			reduced = reduce(scale(reduced, total, maxLength));
			total = sum(reduced);
		}
		int[] sequence = new int[(int) total];
		int[] current = new int[reduced.length];
		for (int step = 0; step < sequence.length; step++) {
			int best = -1;
			for (int i = 0; i < reduced.length; i++) {
				if (reduced[i] == 0) {
					continue;
				}
				current[i] += reduced[i];
				if (best < 0 || current[i] > current[best]) {
					best = i;
				}
			}
			current[best] -= (int) total;
			sequence[step] = best;
		}
		return sequence;
	}

	/** Divides every weight by the greatest common divisor of the non-zero ones. */
	private static int[] reduce(int[] weights) {
		int gcd = 0;
		for (int weight : weights) {
			if (weight < 0) {
				throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
			}
			gcd = gcd(gcd, weight);
		}
		int[] reduced = new int[weights.length];
		for (int i = 0; i < weights.length; i++) {
			reduced[i] = (gcd > 0) ? weights[i] / gcd : 0;
		}
		return reduced;
	}

	/**
	 * Scales weights so that their sum is at most {@code maxLength}, keeping non-zero
	 * ones at 1 or more.
	 */
	private static int[] scale(int[] weights, long total, int maxLength) {
		int nonZero = 0;
		for (int weight : weights) {
			if (weight > 0) {
				nonZero++;
			}
		}
		// Rounding and the floor of 1 add at most 1 per non-zero weight, so aim that much
		// lower.
		long target = Math.max(0, maxLength - nonZero);
		int[] scaled = new int[weights.length];
		for (int i = 0; i < weights.length; i++) {
			if (weights[i] > 0) {
				long rounded = (2L * weights[i] * target + total) / (2 * total);
				scaled[i] = (int) Math.max(1, rounded);
			}
		}
		return scaled;
	}

	private static long sum(int[] weights) {
		long sum = 0;
		for (int weight : weights) {
			sum += weight;
		}
		return sum;
	}

	private static int gcd(int a, int b) {
		while (b != 0) {
			int remainder = a % b;
			a = b;
			b = remainder;
		}
		return a;
	}

}
