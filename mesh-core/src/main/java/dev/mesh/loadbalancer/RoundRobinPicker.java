package dev.mesh.loadbalancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.MeshInstance;

/**
 * Plain round robin over the instances that are not draining, in registry order; their
 * weights are otherwise ignored. Instances a, b (draining), c give {@code a c a c}; when
 * every instance is draining it rotates over all of them.
 *
 * <p>
 * When the filter rejects the instance in turn the pick takes the next turn from the
 * counter, so the accepted instances share the rejected one's turns evenly (see
 * {@link IndexCycle}); if none is accepted it falls back to
 * {@link DrainingRule#firstAccepted}.
 */
final class RoundRobinPicker implements InstancePicker {

	private final List<MeshInstance> instanceList;

	private final MeshInstance[] instances;

	private final int[] weights;

	private final int[] rotation;

	private final AtomicLong position = new AtomicLong();

	RoundRobinPicker(List<MeshInstance> instances) {
		this(instances, InstancePickers.weightsOf(instances));
	}

	/**
	 * @param instances the instances
	 * @param weights their effective weights; only whether each is 0 (draining) matters
	 */
	RoundRobinPicker(List<MeshInstance> instances, int[] weights) {
		this.instanceList = List.copyOf(instances);
		this.instances = this.instanceList.toArray(new MeshInstance[0]);
		this.weights = DrainingRule.effectiveWeights(weights);
		int count = 0;
		for (int weight : this.weights) {
			if (weight > 0) {
				count++;
			}
		}
		this.rotation = new int[count];
		for (int i = 0, next = 0; i < this.weights.length; i++) {
			if (this.weights[i] > 0) {
				this.rotation[next++] = i;
			}
		}
	}

	@Override
	public MeshInstance pick(InstanceFilter filter) {
		if (this.rotation.length == 0) {
			return null;
		}
		return IndexCycle.walk(this.instances, this.weights, this.rotation, this.position, filter);
	}

	@Override
	public List<MeshInstance> instances() {
		return this.instanceList;
	}

	@Override
	public String toString() {
		return "RoundRobinPicker" + this.instanceList;
	}

}
