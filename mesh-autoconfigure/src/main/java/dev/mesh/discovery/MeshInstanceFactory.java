package dev.mesh.discovery;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Turns a registry's {@link ServiceInstance} into a {@link MeshInstance}, reading its weight from the
 * metadata. Metadata comes from the network and from software we do not control, so a missing weight
 * counts as {@value MeshMetadata#DEFAULT_WEIGHT} and a garbage one also counts as
 * {@value MeshMetadata#DEFAULT_WEIGHT} with one warning; it never fails a caller.
 */
public final class MeshInstanceFactory {

	private static final Log logger = LogFactory.getLog(MeshInstanceFactory.class);

	/**
	 * Creates a factory. It holds no state, so one per owner (cache, load balancer) is enough.
	 */
	public MeshInstanceFactory() {
	}

	/**
	 * Creates the view of one registry instance. Call it once per new or changed registration
	 * (never per request): an unreadable weight is logged as a warning on every call.
	 * @param serviceInstance the registry's instance
	 * @return the instance view, with weight {@value MeshMetadata#DEFAULT_WEIGHT} when the metadata
	 * has none or an unreadable one
	 */
	public MeshInstance create(ServiceInstance serviceInstance) {
		String id = MeshInstance.idOf(serviceInstance);
		return new MeshInstance(serviceInstance, id, weightOf(serviceInstance, id));
	}

	static Integer parseWeight(String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		if (trimmed.isEmpty() || trimmed.length() > 5) {
			return null;
		}
		for (int i = 0; i < trimmed.length(); i++) {
			if (!Character.isDigit(trimmed.charAt(i)) || trimmed.charAt(i) > '9') {
				return null;
			}
		}
		int weight = Integer.parseInt(trimmed);
		return (weight <= MeshMetadata.MAX_WEIGHT) ? weight : null;
	}

	private int weightOf(ServiceInstance serviceInstance, String id) {
		Map<String, String> metadata = serviceInstance.getMetadata();
		String raw = (metadata != null) ? metadata.get(MeshMetadata.WEIGHT) : null;
		if (raw == null) {
			return MeshMetadata.DEFAULT_WEIGHT;
		}
		Integer weight = parseWeight(raw);
		if (weight == null) {
			logger.warn("Instance '" + id + "' of service '" + serviceInstance.getServiceId()
					+ "' publishes metadata weight='" + raw + "', which is not an integer from "
					+ MeshMetadata.MIN_WEIGHT + " to " + MeshMetadata.MAX_WEIGHT + "; counting it as weight "
					+ MeshMetadata.DEFAULT_WEIGHT);
			return MeshMetadata.DEFAULT_WEIGHT;
		}
		return weight;
	}

}
