package dev.mesh.client;

import java.util.List;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.resilience.OutlierDetector;

/**
 * An operator's changes to one route's ejections: eject or restore an instance by id,
 * clear them all. Works on the instances the route's picker holds now (after discovery's
 * first list, when the route has made no call yet).
 */
final class RouteControl {

	private RouteControl() {
	}

	static boolean eject(ServiceRoute route, String instanceId) {
		return apply(route, instanceId, true);
	}

	static boolean restore(ServiceRoute route, String instanceId) {
		return apply(route, instanceId, false);
	}

	static int reset(ServiceRoute route) {
		OutlierDetector detector = route.outlierDetector();
		List<MeshInstance> instances = route.loadedInstances();
		long now = route.now();
		int ejected = 0;
		for (MeshInstance instance : instances) {
			if (detector.isEjected(instance, now)) {
				ejected++;
			}
			if (instance.state().ejectedUntilNanos() != 0 || instance.state().onProbation()) {
				detector.restore(instance, instances);
			}
		}
		route.ejectionsChanged();
		return ejected;
	}

	private static boolean apply(ServiceRoute route, String instanceId, boolean eject) {
		List<MeshInstance> instances = route.loadedInstances();
		for (MeshInstance instance : instances) {
			if (instance.id().equals(instanceId)) {
				if (eject) {
					route.outlierDetector().eject(instance, instances);
				}
				else {
					route.outlierDetector().restore(instance, instances);
				}
				route.ejectionsChanged();
				return true;
			}
		}
		return false;
	}

}
