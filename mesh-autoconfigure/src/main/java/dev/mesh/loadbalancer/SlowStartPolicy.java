package dev.mesh.loadbalancer;

import java.time.Duration;

/**
 * How a client ramps up the share of traffic of instances that started recently
 * ({@code mesh.clients.<service>.slow-start}).
 *
 * @param enabled whether instances are ramped up at all
 * @param window how long the ramp lasts after an instance's start, unless the instance publishes its
 * own {@code warmup}
 * @param minWeightPercent the share of its weight an instance gets at least while ramping, 0 to 100
 * @param aggression the ramp's shape, above 0: the weight factor is {@code (age / window)^(1 / aggression)};
 * 1 is linear, higher values ramp up faster early on
 */
public record SlowStartPolicy(boolean enabled, Duration window, int minWeightPercent, double aggression) {

	/** Off; when switched on, a 30 s linear ramp from 10% of the weight, as Envoy's defaults. */
	public static final SlowStartPolicy DEFAULTS = new SlowStartPolicy(false, Duration.ofSeconds(30), 10, 1.0);

}
