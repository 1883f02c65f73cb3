package dev.mesh.loadbalancer;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;

/**
 * Creates the {@link InstancePicker} for a {@link LoadBalancerPolicy}. Build a new picker
 * every time a service's instance list changes (on the thread that refreshes the list, as
 * building may take a few milliseconds for large lists) and keep using it until the next
 * change.
 */
public final class InstancePickers {

	private InstancePickers() {
	}

	/**
	 * Creates a picker over a fixed list of instances, spreading picks by the instances'
	 * own weights.
	 * @param policy how to spread picks over the instances
	 * @param instances the instances, in registry order; copied, so later changes to the
	 * list do not affect the picker
	 * @return the picker; for an empty list one whose {@link InstancePicker#pick pick}
	 * returns {@code null}
	 */
	public static InstancePicker create(LoadBalancerPolicy policy, List<MeshInstance> instances) {
		Objects.requireNonNull(instances, "instances");
		return create(policy, instances, weightsOf(instances));
	}

	/**
	 * Creates a picker over a fixed list of instances with explicit effective weights,
	 * for example weights that slow start lowered for instances still warming up. The
	 * picker follows these weights only, draining rule included (0 means draining), and
	 * never reads {@link MeshInstance#weight()}.
	 * @param policy how to spread picks over the instances
	 * @param instances the instances, in registry order; copied
	 * @param weights the effective weight of each instance, in the same order, each 0 or
	 * more; copied
	 * @return the picker; for an empty list one whose {@link InstancePicker#pick pick}
	 * returns {@code null}
	 */
	public static InstancePicker create(LoadBalancerPolicy policy, List<MeshInstance> instances, int[] weights) {
		return create(policy, instances, weights, MeshClock.system()::nanoTime);
	}

	/**
	 * Creates a picker as {@link #create(LoadBalancerPolicy, List, int[])} does, on the
	 * monotonic clock that the instances' attempts are stamped with
	 * ({@link dev.mesh.discovery.InstanceState}), which
	 * {@link LoadBalancerPolicy#PEAK_EWMA peak-ewma} reads to see how long an attempt in
	 * flight has gone unanswered.
	 * @param policy how to spread picks over the instances
	 * @param instances the instances, in registry order; copied
	 * @param weights the effective weight of each instance, in the same order, each 0 or
	 * more; copied
	 * @param nanoClock the monotonic clock of the instances' stamps: the
	 * {@link MeshClock#nanoTime()} of the application's clock
	 * @return the picker; for an empty list one whose {@link InstancePicker#pick pick}
	 * returns {@code null}
	 */
	public static InstancePicker create(LoadBalancerPolicy policy, List<MeshInstance> instances, int[] weights,
			LongSupplier nanoClock) {
		Objects.requireNonNull(policy, "policy");
		Objects.requireNonNull(nanoClock, "nanoClock");
		Objects.requireNonNull(instances, "instances");
		Objects.requireNonNull(weights, "weights");
		if (weights.length != instances.size()) {
			throw new IllegalArgumentException(
					"weights: " + weights.length + " values (expected: one per instance, " + instances.size() + ")");
		}
		for (int weight : weights) {
			if (weight < 0) {
				throw new IllegalArgumentException("weight: " + weight + " (expected: >= 0)");
			}
		}
		return switch (policy) {
			case WEIGHTED_ROUND_ROBIN ->
				new SmoothWeightedRoundRobinPicker(instances, weights, SmoothWeightedCycle.MAX_LENGTH);
			case WEIGHTED_RANDOM ->
				new WeightedRandomPicker(instances, weights, WeightedRandomPicker.THREAD_LOCAL_RANDOM);
			case ROUND_ROBIN -> new RoundRobinPicker(instances, weights);
			case LEAST_REQUEST ->
				new LeastRequestPicker(instances, weights, PowerOfTwoChoicesPicker.THREAD_LOCAL_RANDOM);
			case PEAK_EWMA ->
				new PeakEwmaPicker(instances, weights, PowerOfTwoChoicesPicker.THREAD_LOCAL_RANDOM, nanoClock);
		};
	}

	/**
	 * @param instances the instances
	 * @return a new array of their own weights ({@link MeshInstance#weight()}), in list
	 * order
	 */
	public static int[] weightsOf(List<MeshInstance> instances) {
		int[] weights = new int[instances.size()];
		for (int i = 0; i < weights.length; i++) {
			weights[i] = instances.get(i).weight();
		}
		return weights;
	}

}
