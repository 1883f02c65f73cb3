package dev.mesh.loadbalancer;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.discovery.MeshInstance;

import org.springframework.cloud.client.DefaultServiceInstance;

/**
 * Instances and counting helpers for picker tests.
 */
final class TestInstances {

	private TestInstances() {
	}

	static MeshInstance instance(String id, int weight) {
		return MeshInstance.of(new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false), weight);
	}

	/**
	 * @return instances named a, b, c, ... with the given weights
	 */
	static List<MeshInstance> weighted(int... weights) {
		List<MeshInstance> instances = new ArrayList<>(weights.length);
		for (int i = 0; i < weights.length; i++) {
			instances.add(instance(name(i), weights[i]));
		}
		return instances;
	}

	static String name(int index) {
		return (index < 26) ? String.valueOf((char) ('a' + index)) : "i" + index;
	}

	/**
	 * @return the ids of {@code count} picks, space separated
	 */
	static String picks(InstancePicker picker, int count) {
		return picks(picker, count, InstanceFilter.ALL);
	}

	static String picks(InstancePicker picker, int count, InstanceFilter filter) {
		StringBuilder ids = new StringBuilder();
		for (int i = 0; i < count; i++) {
			if (i > 0) {
				ids.append(' ');
			}
			ids.append(picker.pick(filter).id());
		}
		return ids.toString();
	}

	/**
	 * @return how often each instance of the picker was picked in {@code count} picks, in
	 * list order
	 */
	static long[] counts(InstancePicker picker, int count) {
		Map<MeshInstance, Integer> indexes = new IdentityHashMap<>();
		List<MeshInstance> instances = picker.instances();
		for (int i = 0; i < instances.size(); i++) {
			indexes.put(instances.get(i), i);
		}
		long[] counts = new long[instances.size()];
		for (int i = 0; i < count; i++) {
			counts[indexes.get(picker.pick(InstanceFilter.ALL))]++;
		}
		return counts;
	}

}
