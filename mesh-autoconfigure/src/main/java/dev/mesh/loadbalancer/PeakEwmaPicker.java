package dev.mesh.loadbalancer;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;

/**
 * Peak-EWMA by the power of two choices (Finagle's and Linkerd's balancer): of two distinct random
 * candidates, the one with the lower cost {@code latency × (inFlight + 1) / weight}, where latency is
 * the instance's {@linkplain InstanceState#peakEwmaNanos(long) peak-EWMA estimate} (it jumps up on a
 * slower attempt at once and decays with time constant
 * {@value InstanceState#PEAK_EWMA_DECAY_NANOS} ns). On equal costs: fewer requests in flight per unit
 * of weight, then the first drawn. Candidates are drawn in proportion to weight
 * ({@link PowerOfTwoChoicesPicker}).
 *
 * <p>An instance with no latency sample yet borrows the other candidate's estimate, so that the two
 * compare by in-flight requests and weight alone: a new instance is neither shunned (as a high default
 * would) nor flooded (as 0 would: its in-flight count rises as soon as it takes calls). Two new
 * instances compare the same way.
 */
final class PeakEwmaPicker extends PowerOfTwoChoicesPicker {

	private final LongSupplier nanoClock;

	PeakEwmaPicker(List<MeshInstance> instances, LongSupplier nanoClock) {
		this(instances, nanoClock, THREAD_LOCAL_RANDOM);
	}

	/**
	 * Creates a picker with the given clock and random source, so tests can be deterministic.
	 * @param instances the instances
	 * @param nanoClock the monotonic clock the pipeline records latencies with
	 * @param random gives the random generator for the calling thread, without allocating
	 */
	PeakEwmaPicker(List<MeshInstance> instances, LongSupplier nanoClock, Supplier<? extends RandomGenerator> random) {
		super(instances, random);
		this.nanoClock = nanoClock;
	}

	@Override
	boolean prefersSecond(int first, int second) {
		long now = this.nanoClock.getAsLong();
		InstanceState firstState = this.instances[first].state();
		InstanceState secondState = this.instances[second].state();
		double firstLatency = firstState.peakEwmaNanos(now);
		double secondLatency = secondState.peakEwmaNanos(now);
		if (firstLatency < 0) {
			firstLatency = Math.max(secondLatency, 0);
		}
		if (secondLatency < 0) {
			secondLatency = firstLatency;
		}
		double firstCost = firstLatency * (firstState.inFlight() + 1) / this.weights[first];
		double secondCost = secondLatency * (secondState.inFlight() + 1) / this.weights[second];
		if (firstCost != secondCost) {
			return secondCost < firstCost;
		}
		return compareLoad(first, second) > 0;
	}

}
