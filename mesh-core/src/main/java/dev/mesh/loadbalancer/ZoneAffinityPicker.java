package dev.mesh.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

import dev.mesh.discovery.MeshInstance;

/**
 * Zone affinity: two pickers over one instance list, one over the instances in the local
 * zone and one over all of them. While the local zone is {@linkplain #update in use} a
 * pick goes to the local picker first and to the all-instances picker only when the local
 * one finds nothing the filter accepts (for example when a retry already tried every
 * local instance), so retries fail over across zones. Out of use, every pick goes to the
 * all-instances picker. Both pickers are built once per list, so a pick allocates nothing
 * and takes no lock: one volatile read more than the policy's own pick.
 *
 * <p>
 * The local picker leaves out local instances whose effective weight is 0 (draining), so
 * a draining local instance is never preferred over a remote one with a weight.
 */
public final class ZoneAffinityPicker implements InstancePicker {

	private final InstancePicker local;

	private final InstancePicker all;

	private final MeshInstance[] localInstances;

	private final int minAvailablePercent;

	private final String zone;

	private volatile boolean localInUse;

	private ZoneAffinityPicker(InstancePicker local, InstancePicker all, String zone, int minAvailablePercent) {
		this.local = local;
		this.all = all;
		this.localInstances = local.instances().toArray(new MeshInstance[0]);
		this.zone = zone;
		this.minAvailablePercent = minAvailablePercent;
	}

	/**
	 * Builds the two pickers. The local zone is out of use until the first
	 * {@link #update}.
	 * @param policy how each picker spreads picks
	 * @param instances all instances, in registry order
	 * @param weights their effective weights, one per instance
	 * @param zone the local zone
	 * @param minAvailablePercent the share of the local instances with a weight that must
	 * be available for the local zone to be used, 0 to 100
	 * @param nanoClock the monotonic clock of the instances' stamps
	 * ({@link InstancePickers#create(LoadBalancerPolicy, List, int[], LongSupplier)})
	 * @return the picker
	 */
	public static ZoneAffinityPicker create(LoadBalancerPolicy policy, List<MeshInstance> instances, int[] weights,
			String zone, int minAvailablePercent, LongSupplier nanoClock) {
		Objects.requireNonNull(zone, "zone");
		if (minAvailablePercent < 0 || minAvailablePercent > 100) {
			throw new IllegalArgumentException("minAvailablePercent: " + minAvailablePercent + " (expected: 0..100)");
		}
		InstancePicker all = InstancePickers.create(policy, instances, weights, nanoClock);
		List<MeshInstance> local = new ArrayList<>();
		List<Integer> localWeights = new ArrayList<>();
		for (int i = 0; i < instances.size(); i++) {
			if (weights[i] > 0 && zone.equals(instances.get(i).zone())) {
				local.add(instances.get(i));
				localWeights.add(weights[i]);
			}
		}
		int[] localWeightArray = localWeights.stream().mapToInt(Integer::intValue).toArray();
		return new ZoneAffinityPicker(InstancePickers.create(policy, local, localWeightArray, nanoClock), all, zone,
				minAvailablePercent);
	}

	/**
	 * Decides whether the local zone alone takes the picks: when at least one of its
	 * instances with a weight is available and they are at least
	 * {@code minAvailablePercent} of them. Costs one check per local instance; call it
	 * when availability may have changed (an ejection, or periodically), not per pick.
	 * @param available which instances are available (for example: not ejected)
	 * @return whether the local zone is in use now
	 */
	public boolean update(InstanceFilter available) {
		int count = 0;
		for (MeshInstance instance : this.localInstances) {
			if (available.accepts(instance)) {
				count++;
			}
		}
		boolean inUse = count > 0 && count * 100L >= (long) this.minAvailablePercent * this.localInstances.length;
		this.localInUse = inUse;
		return inUse;
	}

	@Override
	public MeshInstance pick(InstanceFilter filter) {
		if (this.localInUse) {
			MeshInstance picked = this.local.pick(filter);
			if (picked != null) {
				return picked;
			}
		}
		return this.all.pick(filter);
	}

	@Override
	public MeshInstance pick(InstanceFilter filter, long nowNanos) {
		if (this.localInUse) {
			MeshInstance picked = this.local.pick(filter, nowNanos);
			if (picked != null) {
				return picked;
			}
		}
		return this.all.pick(filter, nowNanos);
	}

	@Override
	public List<MeshInstance> instances() {
		return this.all.instances();
	}

	/**
	 * @return the local instances with a weight, the ones the local picker chooses from
	 */
	public List<MeshInstance> localInstances() {
		return this.local.instances();
	}

	/**
	 * @return the local zone
	 */
	public String zone() {
		return this.zone;
	}

	/**
	 * @return whether picks go to the local zone first, as of the last {@link #update}
	 */
	public boolean localInUse() {
		return this.localInUse;
	}

	@Override
	public String toString() {
		return "ZoneAffinityPicker(" + this.zone + ", local " + this.local + ", all " + this.all + ")";
	}

}
