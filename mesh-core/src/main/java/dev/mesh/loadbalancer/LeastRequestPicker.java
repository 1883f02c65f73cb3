package dev.mesh.loadbalancer;

import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.mesh.discovery.MeshInstance;

/**
 * Least request by the power of two choices: of two distinct candidates drawn in
 * proportion to weight, the one with fewer requests in flight per unit of weight
 * ({@code inFlight / weight}); on a tie the first drawn. With nothing in flight every
 * comparison ties, so a sequential caller's picks follow the weights; under concurrency
 * in-flight counts steer calls away from busy (often slow) instances. See
 * {@link PowerOfTwoChoicesPicker} for how the candidates are drawn.
 */
final class LeastRequestPicker extends PowerOfTwoChoicesPicker {

	LeastRequestPicker(List<MeshInstance> instances) {
		this(instances, THREAD_LOCAL_RANDOM);
	}

	/**
	 * Creates a picker that draws from the given source, so tests can be deterministic.
	 * @param instances the instances
	 * @param random gives the random generator for the calling thread, without allocating
	 */
	LeastRequestPicker(List<MeshInstance> instances, Supplier<? extends RandomGenerator> random) {
		this(instances, InstancePickers.weightsOf(instances), random);
	}

	/**
	 * @param instances the instances
	 * @param weights their effective weights, one per instance
	 * @param random gives the random generator for the calling thread, without allocating
	 */
	LeastRequestPicker(List<MeshInstance> instances, int[] weights, Supplier<? extends RandomGenerator> random) {
		super(instances, weights, random);
	}

	@Override
	boolean prefersSecond(int first, int second, long nowNanos) {
		return compareLoad(first, second) > 0;
	}

}
