package dev.mesh.loadbalancer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The calling thread's {@link ThreadLocalRandom}, with bounded draws done by a
 * multiplication instead of a division. {@code ThreadLocalRandom.nextLong(bound)} takes a
 * 64-bit remainder for every bound that is not a power of two, and a 64-bit division
 * costs tens of cycles: with two draws per pick it was most of the cost of the
 * power-of-two-choices pickers. Here a 63-bit uniform value is scaled into
 * {@code [0, bound)} with {@link Math#multiplyHigh}; the bias is below
 * {@code bound / 2^63}, far below anything a load balancer can notice. Stateless, so one
 * shared instance serves every thread.
 */
final class FastRandom implements RandomGenerator {

	/** The shared instance. */
	static final FastRandom INSTANCE = new FastRandom();

	private FastRandom() {
	}

	@Override
	public long nextLong() {
		return ThreadLocalRandom.current().nextLong();
	}

	@Override
	public int nextInt(int bound) {
		return (bound > 0) ? (int) nextLong(bound) : RandomGenerator.super.nextInt(bound);
	}

	/**
	 * @param bound the exclusive upper bound, positive
	 * @return a value from 0 to {@code bound - 1}
	 */
	@Override
	public long nextLong(long bound) {
		if (bound <= 0 || bound >= (1L << 62)) {
			// out of the multiplication's range (weights never get there): the JDK's way
			return RandomGenerator.super.nextLong(bound);
		}
		// (u / 2^63) × bound for u uniform in [0, 2^63): the high word of u × 2·bound.
		return Math.multiplyHigh(ThreadLocalRandom.current().nextLong() >>> 1, bound << 1);
	}

}
