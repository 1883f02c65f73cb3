package dev.mesh.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registry metadata keys that every mesh instance publishes (Consul service {@code Meta}, or the
 * metadata map of any other Spring Cloud registry) and that callers read.
 */
public final class MeshMetadata {

	/** Share of traffic, an integer from {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}; 0 means draining. */
	public static final String WEIGHT = "weight";

	/** Availability zone of the instance. */
	public static final String ZONE = "zone";

	/** Version of the instance's application. */
	public static final String VERSION = "version";

	/** Lowest allowed weight: the instance is draining and gets no new traffic. */
	public static final int MIN_WEIGHT = 0;

	/** Highest allowed weight. */
	public static final int MAX_WEIGHT = 10_000;

	/** Weight of an instance that publishes none, or publishes one that cannot be read. */
	public static final int DEFAULT_WEIGHT = 1;

	private MeshMetadata() {
	}

	/**
	 * The metadata an instance publishes.
	 * @param weight its weight
	 * @param zone its zone, or {@code null} to publish none
	 * @param version its version, or {@code null} to publish none
	 * @return the metadata map, without entries for {@code null} values
	 */
	public static Map<String, String> of(int weight, String zone, String version) {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put(WEIGHT, Integer.toString(weight));
		if (zone != null && !zone.isBlank()) {
			metadata.put(ZONE, zone);
		}
		if (version != null && !version.isBlank()) {
			metadata.put(VERSION, version);
		}
		return metadata;
	}

}
