package dev.mesh.discovery;

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

}
