package dev.mesh.client;

import dev.mesh.loadbalancer.LoadBalancerPolicy;

/**
 * The settings in effect for one mesh client, after {@code mesh.clients.<service>.*} has been laid
 * over {@code mesh.client-defaults.*} and the built-in defaults.
 *
 * @param loadBalancer how calls are spread over the service's instances
 */
public record ClientPolicy(LoadBalancerPolicy loadBalancer) {

	/** The built-in defaults. */
	public static final ClientPolicy DEFAULTS = new ClientPolicy(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);

}
