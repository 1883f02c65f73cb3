package dev.mesh.autoconfigure;

import java.time.Duration;

import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.resilience.RetryOn;

import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;

/**
 * Checks the values of one client's properties ({@code mesh.client-defaults} or
 * {@code mesh.clients.<service>}); unset values are not checked, they are inherited.
 */
final class ClientPropertiesValidator {

	/**
	 * The largest max-response-size: a body is read into one byte[], and a larger one is
	 * no longer a response to buffer.
	 */
	private static final DataSize MAX_RESPONSE_SIZE = DataSize.ofGigabytes(1);

	private static final Duration LONGEST_DEADLINE = Duration.ofDays(365);

	private ClientPropertiesValidator() {
	}

	static void validate(String path, MeshProperties.Client client, Errors errors) {
		deadline(errors, path + ".timeout", client.getTimeout());
		deadline(errors, path + ".perAttemptTimeout", client.getPerAttemptTimeout());
		deadline(errors, path + ".connectTimeout", client.getConnectTimeout());
		atLeast(errors, path + ".maxConcurrentRequests", client.getMaxConcurrentRequests(), 1);
		DataSize maxResponseSize = client.getMaxResponseSize();
		if (maxResponseSize != null
				&& (maxResponseSize.toBytes() <= 0 || maxResponseSize.compareTo(MAX_RESPONSE_SIZE) > 0)) {
			errors.rejectValue(path + ".maxResponseSize", "range",
					"must be a positive size of at most 1GB, such as 512KB or 10MB");
		}
		MeshProperties.Retry retry = client.getRetry();
		atLeast(errors, path + ".retry.maxAttempts", retry.getMaxAttempts(), 1);
		if (retry.getOn() != null) {
			try {
				RetryOn.parse(retry.getOn());
			}
			catch (IllegalArgumentException ex) {
				errors.rejectValue(path + ".retry.on", "retryOn",
						"must list only values from: " + RetryOn.ALLOWED + " (" + ex.getMessage() + ")");
			}
		}
		positive(errors, path + ".retry.backoff.initial", retry.getBackoff().getInitial());
		positive(errors, path + ".retry.backoff.max", retry.getBackoff().getMax());
		Double multiplier = retry.getBackoff().getMultiplier();
		if (multiplier != null && !(multiplier >= 1.0 && multiplier <= 100.0)) {
			errors.rejectValue(path + ".retry.backoff.multiplier", "range", "must be a number from 1 to 100");
		}
		Double jitter = retry.getBackoff().getJitter();
		if (jitter != null && !(jitter >= 0.0 && jitter < 1.0)) {
			errors.rejectValue(path + ".retry.backoff.jitter", "range",
					"must be a number from 0 (no jitter) to below 1");
		}
		Double ratio = retry.getBudget().getRatio();
		if (ratio != null && !(ratio >= 0.0 && ratio <= 1.0)) {
			errors.rejectValue(path + ".retry.budget.ratio", "range", "must be a number from 0 to 1");
		}
		atLeast(errors, path + ".retry.budget.minPerSecond", retry.getBudget().getMinPerSecond(), 0);
		MeshProperties.Outlier outlier = client.getOutlier();
		atLeast(errors, path + ".outlier.consecutiveFailures", outlier.getConsecutiveFailures(), 1);
		positive(errors, path + ".outlier.ejectionTime", outlier.getEjectionTime());
		positive(errors, path + ".outlier.maxEjectionTime", outlier.getMaxEjectionTime());
		positive(errors, path + ".oauth2.refreshBeforeExpiry", client.getOauth2().getRefreshBeforeExpiry());
		positive(errors, path + ".oauth2.connectTimeout", client.getOauth2().getConnectTimeout());
		positive(errors, path + ".oauth2.readTimeout", client.getOauth2().getReadTimeout());
		positive(errors, path + ".oauth2.invalidTokenRefetchInterval",
				client.getOauth2().getInvalidTokenRefetchInterval());
		String registrationId = client.getOauth2().getRegistrationId();
		if (registrationId != null && registrationId.isBlank()) {
			errors.rejectValue(path + ".oauth2.registrationId", "blank",
					"must name a Spring Security client registration");
		}
		percent(errors, path + ".outlier.maxEjectionPercent", outlier.getMaxEjectionPercent());
		percent(errors, path + ".zoneAffinity.minAvailablePercent", client.getZoneAffinity().getMinAvailablePercent());
		MeshProperties.SlowStart slowStart = client.getSlowStart();
		Duration window = slowStart.getWindow();
		if (window != null && !SlowStartPolicy.isValidWindow(window)) {
			errors.rejectValue(path + ".slowStart.window", "range",
					"must be a positive duration of at most 1h, such as 30s");
		}
		percent(errors, path + ".slowStart.minWeightPercent", slowStart.getMinWeightPercent());
		Double aggression = slowStart.getAggression();
		if (aggression != null && !SlowStartPolicy.isValidAggression(aggression)) {
			errors.rejectValue(path + ".slowStart.aggression", "range",
					"must be a number above 0 and at most 100 (1 ramps up linearly)");
		}
	}

	private static void percent(Errors errors, String field, Integer value) {
		if (value != null && (value < 0 || value > 100)) {
			errors.rejectValue(field, "range", "must be a whole number from 0 to 100");
		}
	}

	/**
	 * A deadline is added to System.nanoTime() on every call: a longer one than this
	 * would overflow it.
	 */
	private static void deadline(Errors errors, String field, Duration value) {
		if (value != null && (value.isNegative() || value.isZero() || value.compareTo(LONGEST_DEADLINE) > 0)) {
			errors.rejectValue(field, "positive", "must be a positive duration of at most 365d, such as 500ms or 2s");
		}
	}

	private static void positive(Errors errors, String field, Duration value) {
		if (value != null && (value.isNegative() || value.isZero())) {
			errors.rejectValue(field, "positive", "must be a positive duration, such as 500ms or 2s");
		}
	}

	private static void atLeast(Errors errors, String field, Integer value, int min) {
		if (value != null && value < min) {
			errors.rejectValue(field, "min", "must be a whole number of at least " + min);
		}
	}

}
