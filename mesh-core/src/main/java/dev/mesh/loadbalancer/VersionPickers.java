package dev.mesh.loadbalancer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.routing.VersionLabels;

import dev.mesh.discovery.MeshInstance;

/**
 * One picker per version over the instances of one list that have a weight (draining ones
 * are left out), built with the list's picker (same policy, same effective weights, zone
 * affinity included), so a call routed to a version ({@link VersionSplit}, or a
 * {@code Mesh-Route-Version} pin) picks among that version's instances exactly as an
 * unrouted call picks among all. Built on the discovery thread; a lookup is one
 * {@link HashMap#get}.
 */
public final class VersionPickers {

	/** No instance publishes a version. */
	public static final VersionPickers NONE = new VersionPickers(Map.of());

	private final Map<String, InstancePicker> byVersion;

	private VersionPickers(Map<String, InstancePicker> byVersion) {
		this.byVersion = byVersion;
	}

	/**
	 * Builds the pickers of a list.
	 * @param instances the instances, in registry order
	 * @param weights their effective weights, one per instance
	 * @param factory builds a picker over some of the instances with their weights
	 * @return the pickers, one per version of which the list has an instance with a
	 * weight
	 */
	static VersionPickers build(List<MeshInstance> instances, int[] weights, Factory factory) {
		Map<String, List<Integer>> indexes = new LinkedHashMap<>();
		for (int i = 0; i < instances.size(); i++) {
			String version = instances.get(i).version();
			// draining instances are left out, as from the local picker of zone affinity:
			// reached only through the all-instances picker, they are never preferred
			// over
			// an instance of another version that has a weight
			if (weights[i] > 0 && version != null && VersionLabels.valid(version)) {
				indexes.computeIfAbsent(version, (key) -> new ArrayList<>()).add(i);
			}
		}
		if (indexes.isEmpty()) {
			return NONE;
		}
		Map<String, InstancePicker> byVersion = new HashMap<>();
		indexes.forEach((version, positions) -> {
			List<MeshInstance> members = new ArrayList<>(positions.size());
			int[] memberWeights = new int[positions.size()];
			for (int j = 0; j < positions.size(); j++) {
				members.add(instances.get(positions.get(j)));
				memberWeights[j] = weights[positions.get(j)];
			}
			byVersion.put(version, factory.create(members, memberWeights));
		});
		return new VersionPickers(byVersion);
	}

	/**
	 * @param version a version, may be {@code null}
	 * @return the picker over that version's instances, or {@code null} when the list has
	 * none of it
	 */
	public InstancePicker of(String version) {
		return (version != null) ? this.byVersion.get(version) : null;
	}

	/**
	 * Re-decides the zone of every version's zone-affinity picker (see
	 * {@link ZoneAffinityPicker#update}); nothing without zone affinity.
	 * @param available which instances are available
	 */
	public void updateZones(InstanceFilter available) {
		for (InstancePicker picker : this.byVersion.values()) {
			if (picker instanceof ZoneAffinityPicker zoned) {
				zoned.update(available);
			}
		}
	}

	/**
	 * @return the versions present, with the number of instances of each
	 */
	public Map<String, Integer> sizes() {
		Map<String, Integer> sizes = new LinkedHashMap<>();
		this.byVersion.forEach((version, picker) -> sizes.put(version, picker.instances().size()));
		return sizes;
	}

	/** Builds a picker over some instances. */
	@FunctionalInterface
	interface Factory {

		InstancePicker create(List<MeshInstance> instances, int[] weights);

	}

}
