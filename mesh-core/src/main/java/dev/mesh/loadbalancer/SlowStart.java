package dev.mesh.loadbalancer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.MeshMetadata;

/**
 * Slow start, as Envoy's and Dubbo's warm-up: an instance's effective weight ramps up
 * over a window after it starts,
 * {@code weight × max(minWeightPercent / 100, (age / window)^(1 / aggression))}, so a
 * cold instance (empty caches, code not yet compiled) is not flooded the moment it
 * appears.
 *
 * <p>
 * Unlike Envoy, the age is measured from the instance's own start time, which it
 * publishes as metadata {@value MeshMetadata#STARTED_AT}, not from when this client first
 * saw it: a client that starts later, or that loses and re-discovers an instance after a
 * registry flap, does not ramp it up again. The window is the instance's published
 * {@value MeshMetadata#WARMUP} when it has one (at most {@link MeshMetadata#MAX_WARMUP}),
 * else the client's. An instance that publishes no (or an unreadable) start time is not
 * ramped; a start time in the future (clock skew, or a hostile registration) was clamped
 * to when this caller first saw the instance
 * ({@link dev.mesh.discovery.MeshInstanceFactory}), so it ramps for one window from then
 * and never for ever.
 *
 * <p>
 * Effective weights are in units of 1/{@value #SCALE} of a weight, so that instances of
 * weight 1, the default, can ramp too: weight 1 at 10% is 10 where a warm instance of
 * weight 1 is 100. A positive weight never ramps below 1 (1/{@value #SCALE}); weight 0
 * (draining) stays 0. Pickers only compare weights with each other, so the scale changes
 * nothing but precision.
 */
public final class SlowStart {

	/** Effective weights are in units of 1/SCALE of a registry weight. */
	public static final int SCALE = 100;

	/** Shortest time between two recomputations of a warming service's weights. */
	static final Duration MIN_STEP = Duration.ofMillis(100);

	/** Longest time between two recomputations of a warming service's weights. */
	static final Duration MAX_STEP = Duration.ofSeconds(1);

	private final SlowStartPolicy policy;

	private final Clock clock;

	/**
	 * @param policy the client's slow-start settings
	 * @param clock the wall clock instances' start times are compared with
	 */
	public SlowStart(SlowStartPolicy policy, Clock clock) {
		this.policy = policy;
		this.clock = clock;
	}

	/**
	 * Computes the effective weights of a list of instances now.
	 * @param instances the instances
	 * @return their weights, and whether and how soon to recompute them
	 */
	public Weights weigh(List<MeshInstance> instances) {
		Instant now = this.clock.instant();
		int[] weights = new int[instances.size()];
		boolean warming = false;
		Duration step = MAX_STEP;
		for (int i = 0; i < weights.length; i++) {
			MeshInstance instance = instances.get(i);
			double factor = factor(instance, now);
			weights[i] = weight(instance.weight(), factor);
			if (factor < 1.0 && instance.weight() > 0) {
				warming = true;
				Duration twentieth = window(instance).dividedBy(20);
				if (twentieth.compareTo(step) < 0) {
					step = twentieth;
				}
			}
		}
		if (step.compareTo(MIN_STEP) < 0) {
			step = MIN_STEP;
		}
		return new Weights(weights, warming, warming ? step : null);
	}

	/**
	 * Returns the share of its weight an instance gets now.
	 * @param instance the instance
	 * @param now the wall-clock time
	 * @return from {@code minWeightPercent / 100} to 1; 1 for an instance that is warm or
	 * not ramped
	 */
	double factor(MeshInstance instance, Instant now) {
		Instant startedAt = instance.startedAt();
		if (!this.policy.enabled() || startedAt == null) {
			return 1.0;
		}
		Duration window = window(instance);
		if (window.isZero() || window.isNegative()) {
			return 1.0;
		}
		// Compared as durations first: an age of centuries would overflow nanoseconds.
		Duration age = now.isAfter(startedAt) ? Duration.between(startedAt, now) : Duration.ZERO;
		if (age.compareTo(window) >= 0) {
			return 1.0;
		}
		double ramp = Math.pow((double) age.toNanos() / window.toNanos(), 1.0 / this.policy.aggression());
		return Math.max(this.policy.minWeightPercent() / 100.0, ramp);
	}

	private Duration window(MeshInstance instance) {
		Duration warmup = instance.warmup();
		return (warmup != null) ? warmup : this.policy.window();
	}

	/**
	 * @return {@code round(weight × SCALE × factor)}, at least 1 for a positive weight
	 */
	private static int weight(int weight, double factor) {
		if (weight == 0) {
			return 0;
		}
		return (int) Math.max(1, Math.round(weight * (double) SCALE * factor));
	}

	/**
	 * The effective weights of a list of instances at one moment.
	 *
	 * @param weights one per instance, in units of 1/{@value SlowStart#SCALE} of a weight
	 * @param warming whether any instance with a weight is still ramping up
	 * @param step when to recompute, while {@code warming}; {@code null} otherwise
	 */
	public record Weights(int[] weights, boolean warming, Duration step) {

		/**
		 * @param index an instance's position in the list
		 * @return its effective weight in units of a registry weight, such as 0.35
		 */
		public double effectiveWeight(int index) {
			return (double) this.weights[index] / SCALE;
		}

	}

}
