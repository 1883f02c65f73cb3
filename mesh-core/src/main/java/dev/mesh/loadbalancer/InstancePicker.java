package dev.mesh.loadbalancer;

import java.util.List;

import dev.mesh.discovery.MeshInstance;

/**
 * Chooses one instance of a service for each attempt. A picker is built for one immutable
 * instance list (a new list gets a new picker), is safe to call from many threads at
 * once, and neither allocates nor locks in {@link #pick(InstanceFilter)}.
 *
 * <p>
 * Instances with weight 0 are draining: they are picked only when every instance the
 * filter accepts has weight 0.
 */
public interface InstancePicker {

	/**
	 * Picks an instance.
	 * @param filter which instances may be picked for this attempt
	 * @return the chosen instance, or {@code null} when the filter accepts none
	 */
	MeshInstance pick(InstanceFilter filter);

	/**
	 * Picks an instance as {@link #pick(InstanceFilter)} does, at a time the caller has
	 * just read from the monotonic clock the instances' attempts are stamped with, so
	 * that a picker that compares times ({@link LoadBalancerPolicy#PEAK_EWMA peak-ewma})
	 * need not read the clock again. The {@code @MeshClient} pipeline reads it once per
	 * attempt anyway, for ejection.
	 * @param filter which instances may be picked for this attempt
	 * @param nowNanos now, on the clock of the instances' stamps
	 * @return the chosen instance, or {@code null} when the filter accepts none
	 */
	default MeshInstance pick(InstanceFilter filter, long nowNanos) {
		return pick(filter);
	}

	/**
	 * @return the instances this picker chooses from, in registry order
	 */
	List<MeshInstance> instances();

}
