package dev.mesh.loadbalancer;

import dev.mesh.discovery.MeshInstance;

/**
 * Decides whether an instance may be picked for the current attempt, for example because
 * this call already tried it or it is ejected. Implemented by the per-call state, so
 * picking allocates nothing.
 */
@FunctionalInterface
public interface InstanceFilter {

	/** A filter that accepts every instance. */
	InstanceFilter ALL = (instance) -> true;

	/**
	 * @param instance a candidate
	 * @return whether the candidate may be picked
	 */
	boolean accepts(MeshInstance instance);

}
