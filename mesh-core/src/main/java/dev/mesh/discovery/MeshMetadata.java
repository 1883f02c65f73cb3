package dev.mesh.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registry metadata keys that every mesh instance publishes (Consul service {@code Meta},
 * or the metadata map of any other Spring Cloud registry) and that callers read.
 */
public final class MeshMetadata {

	/**
	 * Share of traffic, an integer from {@value #MIN_WEIGHT} to {@value #MAX_WEIGHT}; 0
	 * means draining.
	 */
	public static final String WEIGHT = "weight";

	/** Availability zone of the instance. */
	public static final String ZONE = "zone";

	/** Version of the instance's application. */
	public static final String VERSION = "version";

	/**
	 * The version key Spring Cloud LoadBalancer's API-version filtering reads; callers
	 * take it as the instance's version when {@link #VERSION} is absent.
	 */
	public static final String API_VERSION = "API_VERSION";

	/**
	 * When the instance's application started, as an ISO-8601 instant
	 * ({@code 2025-06-01T10:15:30.123Z}), captured once per run so that re-registering
	 * keeps it. Callers also read epoch milliseconds; a time in the future counts as when
	 * the caller first sees the instance. Callers with slow start on ramp the instance's
	 * weight up from this time, so a caller that starts later, or loses and re-discovers
	 * the instance, does not ramp it again.
	 */
	public static final String STARTED_AT = "started-at";

	/**
	 * How long the instance wants its weight ramped up after {@link #STARTED_AT}, as a
	 * duration ({@code 30s} or ISO-8601 {@code PT30S}); overrides the caller's slow-start
	 * window. {@code 0s} asks for no ramp. Longer than {@link #MAX_WARMUP} counts as
	 * {@link #MAX_WARMUP}.
	 */
	public static final String WARMUP = "warmup";

	/**
	 * {@code https} (in any case) makes callers use HTTPS for an instance whose registry
	 * does not mark it secure, with the client's {@code ssl-bundle}; any other value is
	 * ignored, so a registration can never downgrade a secure instance to plain HTTP nor
	 * name another scheme.
	 */
	public static final String SCHEME = "scheme";

	/** Longest warm-up a caller honours: longer published values are capped to it. */
	public static final Duration MAX_WARMUP = Duration.ofHours(1);

	/** Lowest allowed weight: the instance is draining and gets no new traffic. */
	public static final int MIN_WEIGHT = 0;

	/** Highest allowed weight. */
	public static final int MAX_WEIGHT = 10_000;

	/**
	 * Weight of an instance that publishes none, or publishes one that cannot be read.
	 */
	public static final int DEFAULT_WEIGHT = 1;

	private MeshMetadata() {
	}

	/**
	 * The metadata an instance publishes.
	 * @param weight its weight
	 * @param zone its zone, or {@code null} to publish none
	 * @param version its version, or {@code null} to publish none
	 * @param startedAt when it started, or {@code null} to publish none
	 * @param warmup its warm-up, or {@code null} to publish none (callers then use their
	 * own window)
	 * @return the metadata map, without entries for {@code null} values
	 */
	public static Map<String, String> of(int weight, String zone, String version, Instant startedAt, Duration warmup) {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put(WEIGHT, Integer.toString(weight));
		if (zone != null && !zone.isBlank()) {
			metadata.put(ZONE, zone);
		}
		if (version != null && !version.isBlank()) {
			metadata.put(VERSION, version);
		}
		if (startedAt != null) {
			metadata.put(STARTED_AT, startedAt.toString());
		}
		if (warmup != null) {
			metadata.put(WARMUP, warmup.toString());
		}
		return metadata;
	}

}
