package dev.mesh.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one mesh client looks like now: its policy in effect, its retry budget and every
 * instance it can pick. Never holds a token or a secret.
 *
 * @param service the called service
 * @param loadBalancer load balancer in use
 * @param timeout call deadline
 * @param perAttemptTimeout attempt deadline
 * @param connectTimeout connect deadline
 * @param maxAttempts attempts per call
 * @param retryOn retryable failures
 * @param maxConcurrentRequests bulkhead limit, or {@code null}
 * @param retryBudgetAvailable retries the budget still allows in its window
 * @param retries retries made
 * @param retryBudgetExhausted retries refused by the budget
 * @param ejections instances ejected so far
 * @param panic whether every instance is ejected, so all are used
 * @param instances the instances
 * @param token the token status, or {@code null} when calls carry none
 * @param circuitState state of the service's resilience4j circuit breaker, or
 * {@code null} when it has none
 * @param localZone the zone calls prefer (zone affinity on and {@code mesh.instance.zone}
 * set), or {@code null}
 * @param localZoneInUse whether calls go to the local zone first now; {@code false} when
 * they spill over to every zone or zone affinity is off
 */
public record ClientSnapshot(String service, String loadBalancer, Duration timeout, Duration perAttemptTimeout,
		Duration connectTimeout, int maxAttempts, String retryOn, Integer maxConcurrentRequests,
		long retryBudgetAvailable, long retries, long retryBudgetExhausted, long ejections, boolean panic,
		List<Instance> instances, Token token, String circuitState, String localZone, boolean localZoneInUse) {

	/**
	 * @return instances not ejected now
	 */
	public long available() {
		return this.instances.stream().filter((instance) -> !instance.ejected()).count();
	}

	/**
	 * @return instances ejected now
	 */
	public long ejected() {
		return this.instances.stream().filter(Instance::ejected).count();
	}

	/**
	 * One instance as the client sees it.
	 *
	 * @param id instance id
	 * @param uri base URI
	 * @param weight weight (0 = draining)
	 * @param effectiveWeight the weight picks follow now: lower than {@code weight} while
	 * slow start ramps the instance up, such as 0.35
	 * @param warming whether slow start is still ramping the instance up
	 * @param zone zone, or {@code null}
	 * @param version version, or {@code null}
	 * @param ejected whether ejected now
	 * @param ejectedUntil end of the ejection, or {@code null}
	 * @param overloadedUntil until when this client avoids the instance because it
	 * answered it is overloaded ({@code overload.enabled}), or {@code null}
	 * @param latencyEstimate the peak-EWMA latency estimate that {@code peak-ewma}
	 * balances by, decayed to now, or {@code null} before the first attempt
	 * @param inFlight attempts in flight
	 * @param requests attempts made
	 * @param errors failed attempts
	 */
	public record Instance(String id, String uri, int weight, double effectiveWeight, boolean warming, String zone,
			String version, boolean ejected, Instant ejectedUntil, Instant overloadedUntil, Duration latencyEstimate,
			int inFlight, long requests, long errors) {
	}

	/**
	 * The client-credentials token status, never the token.
	 *
	 * @param registration the client registration
	 * @param expiresAt expiry of the cached token, or {@code null}
	 * @param lastRefresh when a token was last obtained, or {@code null}
	 * @param requests token requests made
	 * @param failures token requests that failed
	 */
	public record Token(String registration, Instant expiresAt, Instant lastRefresh, long requests, long failures) {
	}

}
