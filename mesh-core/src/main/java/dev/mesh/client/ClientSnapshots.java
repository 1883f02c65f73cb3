package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.RedactedUris;
import dev.mesh.loadbalancer.InstancePicker;
import dev.mesh.loadbalancer.SlowStart;
import dev.mesh.loadbalancer.ZoneAffinityPicker;
import dev.mesh.observability.ClientSnapshot;
import dev.mesh.resilience.OutlierDetector;
import dev.mesh.security.ServiceTokenSource;

/**
 * Takes a read-only {@link ClientSnapshot} of a route for the health contributor and the
 * endpoint.
 */
final class ClientSnapshots {

	private ClientSnapshots() {
	}

	static ClientSnapshot of(ServiceRoute route) {
		ClientPolicy policy = route.policy();
		OutlierDetector detector = route.outlierDetector();
		long nowNanos = route.now();
		Instant now = route.clock().instant();
		InstancePicker picker = route.picker();
		List<MeshInstance> list = picker.instances();
		SlowStart.Weights weights = route.weights();
		if (weights != null && weights.weights().length != list.size()) {
			weights = null; // rebuilt in between; the next snapshot has them
		}
		List<ClientSnapshot.Instance> instances = new ArrayList<>();
		for (int i = 0; i < list.size(); i++) {
			MeshInstance instance = list.get(i);
			InstanceState state = instance.state();
			double effectiveWeight = (weights != null) ? weights.effectiveWeight(i) : instance.weight();
			boolean ejected = detector.isEjected(instance, nowNanos);
			Instant until = ejected ? now.plusNanos(state.ejectedUntilNanos() - nowNanos) : null;
			Instant overloadedUntil = (policy.overload().enabled() && state.overloadedAt(nowNanos))
					? now.plusNanos(state.overloadedUntilNanos() - nowNanos) : null;
			double latency = state.peakEwmaNanos(nowNanos);
			instances
				.add(new ClientSnapshot.Instance(instance.id(), RedactedUris.of(instance.baseUri()), instance.weight(),
						effectiveWeight, effectiveWeight < instance.weight(), instance.zone(), instance.version(),
						ejected, until, overloadedUntil, (latency >= 0) ? Duration.ofNanos((long) latency) : null,
						state.inFlight(), state.requests(), state.failures()));
		}
		ServiceTokenSource tokens = route.tokens();
		ClientSnapshot.Token token = (tokens != null) ? new ClientSnapshot.Token(tokens.registrationId(),
				tokens.expiresAt(), tokens.lastRefresh(), tokens.requestCount(), tokens.failureCount()) : null;
		return new ClientSnapshot(route.serviceId(), policy.loadBalancer().configName(), policy.timeout(),
				policy.perAttemptTimeout(), policy.connectTimeout(), policy.retry().maxAttempts(),
				policy.retry().on().toString(), policy.maxConcurrentRequests(), route.retryBudget().available(),
				route.retryBudget().retryCount(), route.retryBudget().exhaustedCount(), detector.ejectionCount(),
				!detector.skipEjected(route.instances(), nowNanos), instances, token,
				(route.circuitBreaker() != null) ? route.circuitBreaker().getState().name() : null,
				(picker instanceof ZoneAffinityPicker zoned) ? zoned.zone() : null,
				picker instanceof ZoneAffinityPicker zoned && zoned.localInUse());
	}

}
