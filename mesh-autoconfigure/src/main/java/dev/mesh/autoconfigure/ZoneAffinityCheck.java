package dev.mesh.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Says once, at startup, when zone affinity is switched on but cannot work because this
 * instance has no zone ({@code mesh.instance.zone}).
 */
final class ZoneAffinityCheck {

	private static final Log logger = LogFactory.getLog(ZoneAffinityCheck.class);

	private ZoneAffinityCheck() {
	}

	/**
	 * @param properties the mesh properties
	 * @return the properties that switch zone affinity on to no effect, empty when none
	 * do
	 */
	static List<String> warnIfNoZone(MeshProperties properties) {
		String zone = properties.getInstance().getZone();
		if (zone != null && !zone.isBlank()) {
			return List.of();
		}
		List<String> enabledBy = new ArrayList<>();
		boolean byDefault = properties.getClientDefaults().getZoneAffinity().isEnabled();
		if (byDefault) {
			enabledBy.add("mesh.client-defaults.zone-affinity.enabled");
		}
		for (Map.Entry<String, MeshClientProperties> client : properties.getClients().entrySet()) {
			// a client inherits the defaults' value: name only the clients that change it
			if (client.getValue().getZoneAffinity().isEnabled() && !byDefault) {
				enabledBy.add("mesh.clients." + client.getKey() + ".zone-affinity.enabled");
			}
		}
		if (!enabledBy.isEmpty()) {
			logger.warn("Zone affinity is on (" + String.join(", ", enabledBy) + ") but mesh.instance.zone is not set, "
					+ "so it has no effect: calls go to instances in every zone. Set mesh.instance.zone to this "
					+ "instance's zone.");
		}
		return enabledBy;
	}

}
