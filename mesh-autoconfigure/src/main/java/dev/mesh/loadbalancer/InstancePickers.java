package dev.mesh.loadbalancer;

import java.util.List;

import dev.mesh.discovery.MeshInstance;

/** TEMPORARY placeholder until the real pickers land (branch pickers). */
public final class InstancePickers {

	private InstancePickers() {
	}

	public static InstancePicker create(LoadBalancerPolicy policy, List<MeshInstance> instances) {
		java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();
		return new InstancePicker() {
			public MeshInstance pick(InstanceFilter filter) {
				if (instances.isEmpty()) {
					return null;
				}
				return instances.get(Math.floorMod(counter.getAndIncrement(), instances.size()));
			}

			public List<MeshInstance> instances() {
				return instances;
			}
		};
	}

}
