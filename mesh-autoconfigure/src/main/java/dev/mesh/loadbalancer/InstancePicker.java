package dev.mesh.loadbalancer;

import java.util.List;

import dev.mesh.discovery.MeshInstance;

/**
 * Chooses one instance of a service for each attempt. A picker is built for one immutable instance
 * list (a new list gets a new picker), is safe to call from many threads at once, and neither
 * allocates nor locks in {@link #pick(InstanceFilter)}.
 *
 * <p>Instances with weight 0 are draining: they are picked only when every instance the filter
 * accepts has weight 0.
 */
public interface InstancePicker {

	/**
	 * Picks an instance.
	 * @param filter which instances may be picked for this attempt
	 * @return the chosen instance, or {@code null} when the filter accepts none
	 */
	MeshInstance pick(InstanceFilter filter);

	/** @return the instances this picker chooses from, in registry order */
	List<MeshInstance> instances();

}
