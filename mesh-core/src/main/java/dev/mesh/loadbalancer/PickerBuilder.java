package dev.mesh.loadbalancer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;

/**
 * Builds the picker of an instance list for one service, the same way for both client
 * paths ({@code @MeshClient} and {@link MeshReactorLoadBalancer}): by the
 * {@link SlowStart} effective weights while an instance warms, else by the instances'
 * weights; a {@link ZoneAffinityPicker} when zone affinity is
 * {@linkplain ZoneAffinityPolicy#active() active}, else the policy's picker
 * ({@link InstancePickers}). Holds no state: each {@link Built} is a value the caller
 * keeps and swaps in as it likes.
 */
public final class PickerBuilder {

	/**
	 * {@link Built#reweighAtMillis()} of a picker whose weights never need recomputing.
	 */
	public static final long NEVER = Long.MAX_VALUE;

	private final LoadBalancerPolicy policy;

	private final ZoneAffinityPolicy zoneAffinity;

	/** {@code null} when slow start is off. */
	private final SlowStart slowStart;

	private final MeshClock clock;

	/**
	 * @param policy how pickers spread picks
	 * @param zoneAffinity whether to prefer the local zone's instances
	 * @param slowStart how to ramp up recently started instances
	 * @param clock the wall clock slow start compares start times with, and that times
	 * recomputations; its monotonic time is that of the instances' stamps
	 */
	public PickerBuilder(LoadBalancerPolicy policy, ZoneAffinityPolicy zoneAffinity, SlowStartPolicy slowStart,
			MeshClock clock) {
		this.policy = Objects.requireNonNull(policy, "policy");
		this.zoneAffinity = Objects.requireNonNull(zoneAffinity, "zoneAffinity");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.slowStart = slowStart.enabled() ? new SlowStart(slowStart, clock.wall()) : null;
	}

	/**
	 * Builds the picker of a list, weighing its instances now.
	 * @param instances the instances, in registry order
	 * @param available which instances a zone-affinity picker counts as available when it
	 * first decides whether to use the local zone
	 * @return the picker and the weights it was built with
	 */
	public Built build(List<MeshInstance> instances, InstanceFilter available) {
		return build(instances, weigh(instances), available);
	}

	/**
	 * Recomputes the slow-start weights of a built list: a new picker when they changed,
	 * the same one (so its pick order carries on) when not.
	 * @param last what was built for the list
	 * @param available as for {@link #build(List, InstanceFilter)}
	 * @return the picker and the weights just computed; {@code last} without slow start
	 */
	public Built reweigh(Built last, InstanceFilter available) {
		if (this.slowStart == null) {
			return last;
		}
		SlowStart.Weights weighed = this.slowStart.weigh(last.instances());
		if (last.weights() != null && Arrays.equals(last.weights().weights(), weighed.weights())) {
			return new Built(last.instances(), last.picker(), last.versions(), weighed, reweighAt(weighed));
		}
		return build(last.instances(), weighed, available);
	}

	/**
	 * @param built what was built
	 * @return whether its weights are due to be recomputed
	 * ({@link #reweigh(Built, InstanceFilter)}); reads the clock only while an instance
	 * warms
	 */
	public boolean due(Built built) {
		return built.reweighAtMillis() != NEVER && this.clock.millis() >= built.reweighAtMillis();
	}

	private SlowStart.Weights weigh(List<MeshInstance> instances) {
		return (this.slowStart != null) ? this.slowStart.weigh(instances) : null;
	}

	private Built build(List<MeshInstance> instances, SlowStart.Weights weighed, InstanceFilter available) {
		int[] weights = (weighed != null && weighed.warming()) ? weighed.weights()
				: InstancePickers.weightsOf(instances);
		InstancePicker picker = picker(instances, weights, available);
		VersionPickers versions = VersionPickers.build(instances, weights,
				(members, memberWeights) -> picker(members, memberWeights, available));
		return new Built(instances, picker, versions, weighed, reweighAt(weighed));
	}

	private InstancePicker picker(List<MeshInstance> instances, int[] weights, InstanceFilter available) {
		if (this.zoneAffinity.active()) {
			ZoneAffinityPicker zoned = ZoneAffinityPicker.create(this.policy, instances, weights,
					this.zoneAffinity.localZone(), this.zoneAffinity.minAvailablePercent(), this.clock::nanoTime);
			zoned.update(available);
			return zoned;
		}
		return InstancePickers.create(this.policy, instances, weights, this.clock::nanoTime);
	}

	private long reweighAt(SlowStart.Weights weighed) {
		return (weighed != null && weighed.warming()) ? this.clock.millis() + weighed.step().toMillis() : NEVER;
	}

	/**
	 * The picker of a list and the weights it was built with.
	 *
	 * @param instances the list
	 * @param picker its picker
	 * @param versions a picker per version, over the instances of that version
	 * @param weights the slow-start weights computed last, or {@code null} without slow
	 * start
	 * @param reweighAtMillis when, by the wall clock, the weights are due again;
	 * {@link #NEVER} once no instance warms
	 */
	public record Built(List<MeshInstance> instances, InstancePicker picker, VersionPickers versions,
			SlowStart.Weights weights, long reweighAtMillis) {

		/**
		 * Picks for a call routed to a version: among that version's instances, else (the
		 * list has none of it, or the filter accepts none of them) among all.
		 * @param filter which instances may be picked
		 * @param nowNanos now, on the clock of the instances' stamps
		 * @param version the call's version, or {@code null} for any instance
		 * @return the chosen instance, or {@code null} when the filter accepts none
		 */
		public MeshInstance pick(InstanceFilter filter, long nowNanos, String version) {
			InstancePicker routed = this.versions.of(version);
			if (routed != null) {
				MeshInstance picked = routed.pick(filter, nowNanos);
				if (picked != null) {
					return picked;
				}
			}
			return this.picker.pick(filter, nowNanos);
		}

		/**
		 * @return whether an instance is still warming, so the weights need recomputing
		 * every {@link SlowStart.Weights#step()}
		 */
		public boolean warming() {
			return this.weights != null && this.weights.warming();
		}

	}

}
