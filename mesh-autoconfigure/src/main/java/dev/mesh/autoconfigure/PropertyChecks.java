package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.discovery.MeshMetadata;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.routing.VersionLabels;
import dev.mesh.loadbalancer.VersionSplit;
import dev.mesh.resilience.RetryOn;

import org.springframework.util.unit.DataSize;

/**
 * The checks the setters of the {@code mesh.*} properties make, so that each rule is
 * declared next to its property and a bad value fails binding, naming what is allowed
 * ({@link InvalidMeshPropertyException}; {@link MeshPropertiesFailureAnalyzer} adds the
 * property, the value and where it came from). Hand-written because Bean Validation would
 * add a validator implementation to every application, and its messages cannot say what a
 * duration or size must look like.
 */
final class PropertyChecks {

	/** A deadline is added to {@code System.nanoTime()}: a longer one would overflow. */
	private static final Duration LONGEST_DEADLINE = Duration.ofDays(365);

	/**
	 * A body is read into one {@code byte[]}, and a larger one is no longer a response to
	 * buffer.
	 */
	private static final DataSize LARGEST_RESPONSE = DataSize.ofGigabytes(1);

	/**
	 * The most attempts a call may make: each call keeps one slot per attempt, and the
	 * retry budget, not the attempt count, is what bounds retries in an outage.
	 */
	static final int MAX_ATTEMPTS = 100;

	private PropertyChecks() {
	}

	static Duration deadline(Duration value) {
		check(value != null && !value.isNegative() && !value.isZero() && value.compareTo(LONGEST_DEADLINE) <= 0,
				"must be a positive duration of at most 365d, such as 500ms or 2s");
		return value;
	}

	/** A deadline that may also be left unset ({@code null}). */
	static Duration optionalDeadline(Duration value) {
		return (value != null) ? deadline(value) : null;
	}

	static Duration positive(Duration value) {
		check(value != null && !value.isNegative() && !value.isZero(),
				"must be a positive duration, such as 500ms or 2s");
		return value;
	}

	static Duration notNegative(Duration value) {
		check(value != null && !value.isNegative(), "must be a duration of 0 or more, such as 0s or 5m");
		return value;
	}

	static int atLeast(int value, int min) {
		check(value >= min, "must be a whole number of at least " + min);
		return value;
	}

	static int between(int value, int min, int max) {
		check(value >= min && value <= max, "must be a whole number from " + min + " to " + max);
		return value;
	}

	/** A minimum that may also be left unset ({@code null}). */
	static Integer optionalAtLeast(Integer value, int min) {
		return (value != null) ? atLeast(value, min) : null;
	}

	static int percent(int value) {
		check(value >= 0 && value <= 100, "must be a whole number from 0 to 100");
		return value;
	}

	static double between(double value, double min, double max, String allowed) {
		check(value >= min && value <= max, "must be a number " + allowed);
		return value;
	}

	static DataSize responseSize(DataSize value) {
		check(value != null && value.toBytes() > 0 && value.compareTo(LARGEST_RESPONSE) <= 0,
				"must be a positive size of at most 1GB, such as 512KB or 10MB");
		return value;
	}

	static List<String> retryOn(List<String> values) {
		try {
			RetryOn.parse(values);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidMeshPropertyException(
					"must list only values from: " + RetryOn.ALLOWED + " (" + ex.getMessage() + ")");
		}
		return values;
	}

	static int weight(int value) {
		check(value >= MeshMetadata.MIN_WEIGHT && value <= MeshMetadata.MAX_WEIGHT, "must be an integer from "
				+ MeshMetadata.MIN_WEIGHT + " to " + MeshMetadata.MAX_WEIGHT + " (0 = draining)");
		return value;
	}

	/** A warmup that may be left unset ({@code null}). */
	static Duration warmup(Duration value) {
		check(value == null || (!value.isNegative() && value.compareTo(MeshMetadata.MAX_WARMUP) <= 0),
				"must be a duration from 0s (no ramp) to 1h");
		return value;
	}

	/** A drain time that may be left unset ({@code null}: the default). */
	static Duration drainTime(Duration value) {
		check(value == null || !value.isNegative(), "must be a duration of 0s (no drain) or more, such as 2s");
		return value;
	}

	static Duration slowStartWindow(Duration value) {
		check(value != null && SlowStartPolicy.isValidWindow(value),
				"must be a positive duration of at most 1h, such as 30s");
		return value;
	}

	static double aggression(double value) {
		check(SlowStartPolicy.isValidAggression(value),
				"must be a number above 0 and at most 100 (1 ramps up linearly)");
		return value;
	}

	/** A name that may be left unset ({@code null}) but not blank. */
	static String notBlank(String value, String allowed) {
		check(value == null || !value.isBlank(), "must " + allowed);
		return value;
	}

	static Map<String, Integer> versions(Map<String, Integer> value) {
		Map<String, Integer> versions = new LinkedHashMap<>(value);
		try {
			VersionSplit.of(versions);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidMeshPropertyException(
					"must map versions (" + VersionLabels.ALLOWED + ") to shares from 0 to " + VersionSplit.MAX_SHARE
							+ " that add up to more than 0, such as {1.4: 95, 1.5: 5} (" + ex.getMessage() + ")");
		}
		return versions;
	}

	private static void check(boolean valid, String allowed) {
		if (!valid) {
			throw new InvalidMeshPropertyException(allowed);
		}
	}

	/**
	 * A {@code mesh.*} value its setter refused; the message says what is allowed.
	 */
	static final class InvalidMeshPropertyException extends IllegalArgumentException {

		InvalidMeshPropertyException(String allowed) {
			super(allowed);
		}

	}

}
