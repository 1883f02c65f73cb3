package dev.mesh.loadbalancer;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The {@code mesh.*} properties {@link MeshReactorLoadBalancer} honours for one service,
 * read with a {@link Binder} because a Spring Cloud LoadBalancer client context has no
 * {@code MeshProperties}: each value from {@code mesh.clients.<service>}, else
 * {@code mesh.client-defaults}, else the built-in default
 * ({@link LoadBalancerPolicy#WEIGHTED_ROUND_ROBIN}, {@link ZoneAffinityPolicy#DEFAULTS},
 * {@link SlowStartPolicy#DEFAULTS}), the same precedence as the {@code @MeshClient} path.
 * The local zone is {@code mesh.instance.zone}.
 *
 * @param loadBalancer how choices are spread over the instances
 * @param zoneAffinity whether choices prefer the local zone
 * @param slowStart how recently started instances are ramped up
 */
record LoadBalancerSettings(LoadBalancerPolicy loadBalancer, ZoneAffinityPolicy zoneAffinity,
		SlowStartPolicy slowStart) {

	private static final String CLIENTS = "mesh.clients";

	private static final String CLIENT_DEFAULTS = "mesh.client-defaults";

	private static final String LOCAL_ZONE = "mesh.instance.zone";

	/**
	 * Reads the settings of a service.
	 * @param serviceId the service
	 * @param binder binds the environment's {@code mesh.*} properties
	 * @return the settings, never {@code null}
	 * @throws IllegalArgumentException when a value is out of range
	 */
	static LoadBalancerSettings of(String serviceId, Binder binder) {
		// A map, so that any service id works as a key, including ones that are not valid
		// property names.
		ClientProperties client = binder.bind(CLIENTS, Bindable.mapOf(String.class, ClientProperties.class))
			.orElse(Map.of())
			.getOrDefault(serviceId, ClientProperties.NONE);
		ClientProperties defaults = binder.bind(CLIENT_DEFAULTS, ClientProperties.class).orElse(ClientProperties.NONE);
		String prefix = CLIENTS + "." + serviceId;
		String zone = binder.bind(LOCAL_ZONE, String.class).orElse(null);
		return new LoadBalancerSettings(
				pick(client.loadBalancer(), defaults.loadBalancer(), LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN),
				zoneAffinity(client.zoneAffinity(), defaults.zoneAffinity(),
						(zone != null && !zone.isBlank()) ? zone : null, prefix),
				slowStart(client.slowStart(), defaults.slowStart(), prefix));
	}

	private static ZoneAffinityPolicy zoneAffinity(ZoneAffinityProperties client, ZoneAffinityProperties defaults,
			String localZone, String prefix) {
		ZoneAffinityPolicy builtIn = ZoneAffinityPolicy.DEFAULTS;
		ZoneAffinityProperties own = (client != null) ? client : ZoneAffinityProperties.NONE;
		ZoneAffinityProperties inherited = (defaults != null) ? defaults : ZoneAffinityProperties.NONE;
		int minAvailablePercent = pick(own.minAvailablePercent(), inherited.minAvailablePercent(),
				builtIn.minAvailablePercent());
		check(minAvailablePercent >= 0 && minAvailablePercent <= 100,
				origin(own.minAvailablePercent(), prefix) + ".zone-affinity.min-available-percent", minAvailablePercent,
				"0..100");
		return new ZoneAffinityPolicy(pick(own.enabled(), inherited.enabled(), builtIn.enabled()), minAvailablePercent,
				localZone);
	}

	private static SlowStartPolicy slowStart(SlowStartProperties client, SlowStartProperties defaults, String prefix) {
		SlowStartPolicy builtIn = SlowStartPolicy.DEFAULTS;
		SlowStartProperties own = (client != null) ? client : SlowStartProperties.NONE;
		SlowStartProperties inherited = (defaults != null) ? defaults : SlowStartProperties.NONE;
		Duration window = pick(own.window(), inherited.window(), builtIn.window());
		check(SlowStartPolicy.isValidWindow(window), origin(own.window(), prefix) + ".slow-start.window", window,
				"above 0s, at most 1h");
		int minWeightPercent = pick(own.minWeightPercent(), inherited.minWeightPercent(), builtIn.minWeightPercent());
		check(minWeightPercent >= 0 && minWeightPercent <= 100,
				origin(own.minWeightPercent(), prefix) + ".slow-start.min-weight-percent", minWeightPercent, "0..100");
		double aggression = pick(own.aggression(), inherited.aggression(), builtIn.aggression());
		check(SlowStartPolicy.isValidAggression(aggression),
				origin(own.aggression(), prefix) + ".slow-start.aggression", aggression, "above 0, at most 100");
		return new SlowStartPolicy(pick(own.enabled(), inherited.enabled(), builtIn.enabled()), window,
				minWeightPercent, aggression);
	}

	/**
	 * Where a checked value came from, for the error message: the client's own properties
	 * when it set the value, else {@code mesh.client-defaults} (built-in defaults are
	 * always valid).
	 */
	private static String origin(Object clientValue, String clientPrefix) {
		return (clientValue != null) ? clientPrefix : CLIENT_DEFAULTS;
	}

	private static void check(boolean valid, String property, Object value, String expected) {
		if (!valid) {
			throw new IllegalArgumentException(property + ": " + value + " (expected: " + expected + ")");
		}
	}

	private static <T> T pick(T client, T defaults, T builtIn) {
		return (client != null) ? client : (defaults != null) ? defaults : builtIn;
	}

	/**
	 * The properties of {@code mesh.clients.<service>} and {@code mesh.client-defaults}
	 * this adapter reads; the others are ignored here. Each is {@code null} when not set.
	 *
	 * @param loadBalancer the policy
	 * @param zoneAffinity {@code zone-affinity.*}
	 * @param slowStart {@code slow-start.*}
	 */
	record ClientProperties(LoadBalancerPolicy loadBalancer, ZoneAffinityProperties zoneAffinity,
			SlowStartProperties slowStart) {

		static final ClientProperties NONE = new ClientProperties(null, null, null);

	}

	/**
	 * {@code zone-affinity.*}; each value {@code null} when not set.
	 *
	 * @param enabled whether to prefer the local zone
	 * @param minAvailablePercent the share of local instances that must be available
	 */
	record ZoneAffinityProperties(Boolean enabled, Integer minAvailablePercent) {

		static final ZoneAffinityProperties NONE = new ZoneAffinityProperties(null, null);

	}

	/**
	 * {@code slow-start.*}; each value {@code null} when not set.
	 *
	 * @param enabled whether to ramp up recently started instances
	 * @param window how long the ramp lasts
	 * @param minWeightPercent the share of its weight a ramping instance gets at least
	 * @param aggression the ramp's shape
	 */
	record SlowStartProperties(Boolean enabled, Duration window, Integer minWeightPercent, Double aggression) {

		static final SlowStartProperties NONE = new SlowStartProperties(null, null, null, null);

	}

}
