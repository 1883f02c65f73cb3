package dev.mesh.loadbalancer;

import java.util.Locale;

/**
 * How a mesh client spreads calls over the instances of a service
 * ({@code mesh.clients.<service>.load-balancer}).
 */
public enum LoadBalancerPolicy {

	/**
	 * Smooth weighted round robin (nginx's algorithm): over every cycle of total-weight
	 * picks each instance gets exactly its weight, interleaved. Weights 5, 1, 1 give
	 * {@code a a b a c a a}.
	 */
	WEIGHTED_ROUND_ROBIN,

	/** Random picks with probability proportional to weight. */
	WEIGHTED_RANDOM,

	/**
	 * Plain round robin over the instances that are not draining; weights other than 0
	 * are ignored.
	 */
	ROUND_ROBIN,

	/**
	 * Power of two choices by requests in flight: of two random instances, the one with
	 * fewer requests in flight per unit of weight.
	 */
	LEAST_REQUEST,

	/**
	 * Power of two choices by peak-EWMA latency (Finagle, Linkerd): of two random
	 * instances, the one with the lower {@code latency × (inFlight + 1) / weight}, where
	 * the latency estimate jumps up on a slow response and decays over about 10 seconds.
	 */
	PEAK_EWMA;

	/**
	 * @return the name used in configuration, for example {@code weighted-round-robin}
	 */
	public String configName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
