package dev.mesh.autoconfigure;

import dev.mesh.client.ClientPolicy;
import dev.mesh.client.TransportPolicy;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.loadbalancer.ZoneAffinityPolicy;
import dev.mesh.resilience.OutlierPolicy;
import dev.mesh.resilience.RetryOn;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.security.TokenPolicy;

/**
 * Lays one client's properties over the client defaults over the built-in defaults, value
 * by value.
 */
final class ClientPolicyResolver {

	private ClientPolicyResolver() {
	}

	/**
	 * @param client the client's own properties
	 * @param defaults {@code mesh.client-defaults}
	 * @param localZone this instance's zone ({@code mesh.instance.zone}), or {@code null}
	 * @return the policy in effect
	 */
	static ClientPolicy resolve(MeshProperties.Client client, MeshProperties.Client defaults, String localZone) {
		ClientPolicy builtIn = ClientPolicy.DEFAULTS;
		MeshProperties.Retry retry = client.getRetry();
		MeshProperties.Retry retryDefaults = defaults.getRetry();
		MeshProperties.Backoff backoff = retry.getBackoff();
		MeshProperties.Backoff backoffDefaults = retryDefaults.getBackoff();
		MeshProperties.Budget budget = retry.getBudget();
		MeshProperties.Budget budgetDefaults = retryDefaults.getBudget();
		MeshProperties.Outlier outlier = client.getOutlier();
		MeshProperties.Outlier outlierDefaults = defaults.getOutlier();
		RetryPolicy builtInRetry = builtIn.retry();
		OutlierPolicy builtInOutlier = builtIn.outlier();
		RetryOn on = (retry.getOn() != null) ? RetryOn.parse(retry.getOn())
				: (retryDefaults.getOn() != null) ? RetryOn.parse(retryDefaults.getOn()) : builtInRetry.on();
		return new ClientPolicy(pick(client.getLoadBalancer(), defaults.getLoadBalancer(), builtIn.loadBalancer()),
				pick(client.getTimeout(), defaults.getTimeout(), builtIn.timeout()),
				pick(client.getPerAttemptTimeout(), defaults.getPerAttemptTimeout(), builtIn.perAttemptTimeout()),
				pick(client.getConnectTimeout(), defaults.getConnectTimeout(), builtIn.connectTimeout()),
				new RetryPolicy(
						pick(retry.getMaxAttempts(), retryDefaults.getMaxAttempts(), builtInRetry.maxAttempts()), on,
						new RetryPolicy.Backoff(
								pick(backoff.getInitial(), backoffDefaults.getInitial(),
										builtInRetry.backoff().initial()),
								pick(backoff.getMultiplier(), backoffDefaults.getMultiplier(),
										builtInRetry.backoff().multiplier()),
								pick(backoff.getMax(), backoffDefaults.getMax(), builtInRetry.backoff().max()),
								pick(backoff.getJitter(), backoffDefaults.getJitter(),
										builtInRetry.backoff().jitter())),
						new RetryPolicy.Budget(
								pick(budget.getRatio(), budgetDefaults.getRatio(), builtInRetry.budget().ratio()),
								pick(budget.getMinPerSecond(), budgetDefaults.getMinPerSecond(),
										builtInRetry.budget().minPerSecond()))),
				new OutlierPolicy(
						pick(outlier.getConsecutiveFailures(), outlierDefaults.getConsecutiveFailures(),
								builtInOutlier.consecutiveFailures()),
						pick(outlier.getEjectionTime(), outlierDefaults.getEjectionTime(),
								builtInOutlier.ejectionTime()),
						pick(outlier.getMaxEjectionTime(), outlierDefaults.getMaxEjectionTime(),
								builtInOutlier.maxEjectionTime()),
						pick(outlier.getMaxEjectionPercent(), outlierDefaults.getMaxEjectionPercent(),
								builtInOutlier.maxEjectionPercent())),
				pick(client.getMaxConcurrentRequests(), defaults.getMaxConcurrentRequests(),
						builtIn.maxConcurrentRequests()),
				tokenPolicy(client.getOauth2(), defaults.getOauth2(), builtIn.oauth2()),
				pick(client.getCircuitBreaker(), defaults.getCircuitBreaker(), builtIn.circuitBreaker()),
				zoneAffinity(client.getZoneAffinity(), defaults.getZoneAffinity(), builtIn.zoneAffinity(), localZone),
				slowStart(client.getSlowStart(), defaults.getSlowStart(), builtIn.slowStart()),
				pick(client.getMaxResponseSize(), defaults.getMaxResponseSize(), builtIn.maxResponseSize()),
				new TransportPolicy(
						pick(client.getSslBundle(), defaults.getSslBundle(), builtIn.transport().sslBundle()),
						pick(client.getBufferResponse(), defaults.getBufferResponse(),
								builtIn.transport().bufferResponse())));
	}

	private static ZoneAffinityPolicy zoneAffinity(MeshProperties.ZoneAffinity client,
			MeshProperties.ZoneAffinity defaults, ZoneAffinityPolicy builtIn, String localZone) {
		return new ZoneAffinityPolicy(pick(client.getEnabled(), defaults.getEnabled(), builtIn.enabled()),
				pick(client.getMinAvailablePercent(), defaults.getMinAvailablePercent(), builtIn.minAvailablePercent()),
				(localZone != null && !localZone.isBlank()) ? localZone : null);
	}

	private static SlowStartPolicy slowStart(MeshProperties.SlowStart client, MeshProperties.SlowStart defaults,
			SlowStartPolicy builtIn) {
		return new SlowStartPolicy(pick(client.getEnabled(), defaults.getEnabled(), builtIn.enabled()),
				pick(client.getWindow(), defaults.getWindow(), builtIn.window()),
				pick(client.getMinWeightPercent(), defaults.getMinWeightPercent(), builtIn.minWeightPercent()),
				pick(client.getAggression(), defaults.getAggression(), builtIn.aggression()));
	}

	private static TokenPolicy tokenPolicy(MeshProperties.OAuth2 client, MeshProperties.OAuth2 defaults,
			TokenPolicy builtIn) {
		return new TokenPolicy(pick(client.getEnabled(), defaults.getEnabled(), builtIn.enabled()),
				pick(client.getRegistrationId(), defaults.getRegistrationId(), builtIn.registrationId()),
				pick(client.getScopes(), defaults.getScopes(), builtIn.scopes()),
				pick(client.getRefreshBeforeExpiry(), defaults.getRefreshBeforeExpiry(), builtIn.refreshBeforeExpiry()),
				pick(client.getConnectTimeout(), defaults.getConnectTimeout(), builtIn.connectTimeout()),
				pick(client.getReadTimeout(), defaults.getReadTimeout(), builtIn.readTimeout()),
				pick(client.getInvalidTokenRefetchInterval(), defaults.getInvalidTokenRefetchInterval(),
						builtIn.invalidTokenRefetchInterval()));
	}

	private static <T> T pick(T client, T defaults, T builtIn) {
		return (client != null) ? client : (defaults != null) ? defaults : builtIn;
	}

}
