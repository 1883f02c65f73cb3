package dev.mesh.loadbalancer;

import java.util.List;
import java.util.Objects;

import dev.mesh.discovery.MeshInstance;

/**
 * Creates the {@link InstancePicker} for a {@link LoadBalancerPolicy}. Build a new picker every time
 * a service's instance list changes (on the thread that refreshes the list, as building may take a
 * few milliseconds for large lists) and keep using it until the next change.
 */
public final class InstancePickers {

	private InstancePickers() {
	}

	/**
	 * Creates a picker over a fixed list of instances.
	 * @param policy how to spread picks over the instances
	 * @param instances the instances, in registry order; copied, so later changes to the list do not
	 * affect the picker
	 * @return the picker; for an empty list one whose {@link InstancePicker#pick pick} returns
	 * {@code null}
	 */
	public static InstancePicker create(LoadBalancerPolicy policy, List<MeshInstance> instances) {
		Objects.requireNonNull(policy, "policy");
		Objects.requireNonNull(instances, "instances");
		return switch (policy) {
			case WEIGHTED_ROUND_ROBIN -> new SmoothWeightedRoundRobinPicker(instances);
			case WEIGHTED_RANDOM -> new WeightedRandomPicker(instances);
			case ROUND_ROBIN -> new RoundRobinPicker(instances);
			case LEAST_REQUEST -> new LeastRequestPicker(instances);
			case PEAK_EWMA -> new PeakEwmaPicker(instances);
		};
	}

}
