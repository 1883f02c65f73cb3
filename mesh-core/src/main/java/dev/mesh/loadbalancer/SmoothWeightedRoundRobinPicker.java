package dev.mesh.loadbalancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.MeshInstance;

/**
 * Smooth weighted round robin, exactly nginx's algorithm: over every cycle of
 * {@code total / gcd} picks each instance is picked exactly {@code weight / gcd} times,
 * interleaved rather than in runs. Weights 5, 1, 1 give {@code a a b a c a a}, weights 3,
 * 1 give {@code a a b a}, weights 1, 2, 3 give {@code c b a c b c}, and then the cycle
 * repeats. Draining instances (weight 0) are not in the cycle; when every instance is
 * draining the cycle is plain round robin over all of them.
 *
 * <p>
 * The cycle is computed once, when the picker is built ({@link SmoothWeightedCycle}), so
 * that a pick is one atomic increment and one array read: picks from many threads
 * together still follow the cycle exactly. Cycles longer than
 * {@value SmoothWeightedCycle#MAX_LENGTH} picks are approximated by scaling the weights
 * down, so with very large, coprime weights the shares are close to the weights rather
 * than exact.
 *
 * <p>
 * When the filter rejects the instance at the current position the pick takes the next
 * position from the counter, so the rejected instance's share goes to the others by their
 * weights (see {@link IndexCycle}); if none is accepted it falls back to
 * {@link DrainingRule#firstAccepted}.
 */
final class SmoothWeightedRoundRobinPicker implements InstancePicker {

	private final List<MeshInstance> instanceList;

	private final MeshInstance[] instances;

	private final int[] weights;

	private final int[] cycle;

	private final AtomicLong position = new AtomicLong();

	SmoothWeightedRoundRobinPicker(List<MeshInstance> instances) {
		this(instances, InstancePickers.weightsOf(instances), SmoothWeightedCycle.MAX_LENGTH);
	}

	SmoothWeightedRoundRobinPicker(List<MeshInstance> instances, int maxCycleLength) {
		this(instances, InstancePickers.weightsOf(instances), maxCycleLength);
	}

	/**
	 * @param instances the instances
	 * @param weights their effective weights, one per instance
	 * @param maxCycleLength the longest cycle to build
	 */
	SmoothWeightedRoundRobinPicker(List<MeshInstance> instances, int[] weights, int maxCycleLength) {
		this.instanceList = List.copyOf(instances);
		this.instances = this.instanceList.toArray(new MeshInstance[0]);
		this.weights = DrainingRule.effectiveWeights(weights);
		this.cycle = SmoothWeightedCycle.of(this.weights, maxCycleLength);
	}

	@Override
	public MeshInstance pick(InstanceFilter filter) {
		if (this.cycle.length == 0) {
			return null;
		}
		return IndexCycle.walk(this.instances, this.weights, this.cycle, this.position, filter);
	}

	@Override
	public List<MeshInstance> instances() {
		return this.instanceList;
	}

	/**
	 * @return the number of picks after which the pick order repeats
	 */
	int cycleLength() {
		return this.cycle.length;
	}

	@Override
	public String toString() {
		return "SmoothWeightedRoundRobinPicker" + this.instanceList;
	}

}
