package dev.mesh.discovery;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Turns a registry's {@link ServiceInstance} into a {@link MeshInstance}, reading its weight, start
 * time and warm-up from the metadata. Metadata comes from the network and from software we do not
 * control, so nothing in it ever fails a caller: a missing weight counts as
 * {@value MeshMetadata#DEFAULT_WEIGHT} and a garbage one also counts as
 * {@value MeshMetadata#DEFAULT_WEIGHT} with one warning; a missing {@value MeshMetadata#STARTED_AT}
 * means the instance is not ramped up by slow start, and a garbage {@value MeshMetadata#STARTED_AT}
 * or {@value MeshMetadata#WARMUP} means the same, with one warning. A {@value MeshMetadata#STARTED_AT}
 * in the future is clamped to the factory's now, so slow start ramps such an instance for one window
 * from when this caller first sees it, not until that future time.
 */
public final class MeshInstanceFactory {

	private static final Log logger = LogFactory.getLog(MeshInstanceFactory.class);

	/** Longer values are not durations or instants anyone publishes on purpose. */
	private static final int MAX_LENGTH = 64;

	private final Clock clock;

	/**
	 * Creates a factory. It holds no state, so one per owner (cache, load balancer) is enough.
	 */
	public MeshInstanceFactory() {
		this(Clock.systemUTC());
	}

	/**
	 * Creates a factory that reads now from a clock.
	 * @param clock the wall clock
	 */
	public MeshInstanceFactory(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Creates the view of one registry instance. Call it once per new or changed registration
	 * (never per request): unreadable metadata is logged as a warning on every call.
	 * @param serviceInstance the registry's instance
	 * @return the instance view, with weight {@value MeshMetadata#DEFAULT_WEIGHT} when the metadata
	 * has none or an unreadable one
	 */
	public MeshInstance create(ServiceInstance serviceInstance) {
		String id = MeshInstance.idOf(serviceInstance);
		Map<String, String> metadata = serviceInstance.getMetadata();
		return new MeshInstance(serviceInstance, id, weightOf(serviceInstance, metadata, id),
				startedAtOf(serviceInstance, metadata, id), warmupOf(serviceInstance, metadata, id));
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

	/**
	 * @param value an ISO-8601 instant such as {@code 2025-06-01T10:15:30Z}, or epoch milliseconds such as
	 * {@code 1748772930000}, or {@code null}
	 * @return the instant, or {@code null} when absent or unreadable (also a negative or overflowing
	 * number)
	 */
	static Instant parseStartedAt(String value) {
		if (value == null || value.length() > MAX_LENGTH) {
			return null;
		}
		String trimmed = value.trim();
		try {
			if (!trimmed.isEmpty() && trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				return Instant.ofEpochMilli(Long.parseLong(trimmed));
			}
			return Instant.parse(trimmed);
		}
		catch (DateTimeException | NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * @param value a duration in Spring Boot's forms ({@code 30s}, {@code 500ms}) or ISO-8601
	 * ({@code PT30S}), or {@code null}
	 * @return the duration, capped at {@link MeshMetadata#MAX_WARMUP}; or {@code null} when absent,
	 * unreadable or negative
	 */
	static Duration parseWarmup(String value) {
		if (value == null || value.length() > MAX_LENGTH) {
			return null;
		}
		Duration warmup;
		try {
			warmup = DurationStyle.detectAndParse(value.trim());
		}
		catch (RuntimeException ex) {
			return null;
		}
		if (warmup.isNegative()) {
			return null;
		}
		return (warmup.compareTo(MeshMetadata.MAX_WARMUP) > 0) ? MeshMetadata.MAX_WARMUP : warmup;
	}

	private int weightOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
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

	/**
	 * The start time slow start measures from: none when it is missing or unreadable, and none when a
	 * warm-up is published but unreadable (the instance asked for a ramp we cannot honour).
	 * @param metadata the instance's metadata, or {@code null}
	 * @param now the time the instance is seen: a later start time is clamped to it
	 * @return the start time, or {@code null} for no ramp
	 */
	static Instant rampStartOf(Map<String, String> metadata, Instant now) {
		if (metadata == null) {
			return null;
		}
		String warmup = metadata.get(MeshMetadata.WARMUP);
		if (warmup != null && parseWarmup(warmup) == null) {
			return null;
		}
		Instant startedAt = parseStartedAt(metadata.get(MeshMetadata.STARTED_AT));
		// A start in the future (clock skew, or a hostile registration) counts as now, when this caller
		// first sees it: slow start measures age from the start time, and a far-future one would keep
		// the instance at its lowest weight for ever.
		return (startedAt != null && startedAt.isAfter(now)) ? now : startedAt;
	}

	private Instant startedAtOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
		String raw = (metadata != null) ? metadata.get(MeshMetadata.STARTED_AT) : null;
		if (raw != null && parseStartedAt(raw) == null) {
			warnUnreadable(serviceInstance, id, MeshMetadata.STARTED_AT, raw, "an ISO-8601 instant or epoch milliseconds");
		}
		return rampStartOf(metadata, this.clock.instant());
	}

	private Duration warmupOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
		String raw = (metadata != null) ? metadata.get(MeshMetadata.WARMUP) : null;
		if (raw == null) {
			return null;
		}
		Duration warmup = parseWarmup(raw);
		if (warmup == null) {
			warnUnreadable(serviceInstance, id, MeshMetadata.WARMUP, raw, "a duration of 0 or more such as 30s");
		}
		return warmup;
	}

	private static void warnUnreadable(ServiceInstance serviceInstance, String id, String key, String raw,
			String expected) {
		logger.warn("Instance '" + id + "' of service '" + serviceInstance.getServiceId() + "' publishes metadata "
				+ key + "='" + abbreviate(raw) + "', which is not " + expected + "; not ramping it up (slow start)");
	}

	private static String abbreviate(String raw) {
		return (raw.length() > MAX_LENGTH) ? raw.substring(0, MAX_LENGTH) + "..." : raw;
	}

}
