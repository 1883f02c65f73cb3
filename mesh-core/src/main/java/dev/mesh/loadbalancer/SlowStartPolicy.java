package dev.mesh.loadbalancer;

import java.time.Duration;

import dev.mesh.discovery.MeshMetadata;

/**
 * How a client ramps up the share of traffic of instances that started recently
 * ({@code mesh.clients.<service>.slow-start}).
 *
 * @param enabled whether instances are ramped up at all
 * @param window how long the ramp lasts after an instance's start, unless the instance
 * publishes its own {@code warmup}
 * @param minWeightPercent the share of its weight an instance gets at least while
 * ramping, 0 to 100
 * @param aggression the ramp's shape, above 0: the weight factor is
 * {@code (age / window)^(1 / aggression)}; 1 is linear, higher values ramp up faster
 * early on
 */
public record SlowStartPolicy(boolean enabled, Duration window, int minWeightPercent, double aggression) {

	/**
	 * Off; when switched on, a 30 s linear ramp from 10% of the weight, as Envoy's
	 * defaults.
	 */
	public static final SlowStartPolicy DEFAULTS = new SlowStartPolicy(false, Duration.ofSeconds(30), 10, 1.0);

	/**
	 * The one rule for {@code slow-start.window}, shared by the property validation of
	 * {@code @MeshClient} and of the Spring Cloud LoadBalancer adapter.
	 * @param window a ramp window
	 * @return whether it is above zero and at most {@link MeshMetadata#MAX_WARMUP} (1 h)
	 */
	public static boolean isValidWindow(Duration window) {
		return !window.isNegative() && !window.isZero() && window.compareTo(MeshMetadata.MAX_WARMUP) <= 0;
	}

	/**
	 * The one rule for {@code slow-start.aggression}.
	 * @param aggression a ramp shape
	 * @return whether it is above 0 and at most 100
	 */
	public static boolean isValidAggression(double aggression) {
		return aggression > 0.0 && aggression <= 100.0;
	}

}
