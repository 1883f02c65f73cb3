package dev.mesh.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import dev.mesh.observability.MeshObservationConventions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@value MeshObservationConventions#CALLS} timers of one service in one meter registry: one
 * sample per call, as the caller saw it (after retries), tagged {@code service}, {@code method},
 * {@code status} and {@code outcome}.
 *
 * <p>A timer rather than an observation, unlike {@code mesh.client.requests}: the call's span is already
 * the RestClient's own {@code http.client.requests} observation, which every attempt span is a child
 * of, so a third observation per call only added a span that told nothing new, and it cost about a
 * quarter of what the mesh added to a call's CPU time (docs/benchmarks.md). Timers are looked up once per
 * tag combination, so recording a call is a map lookup and a timer update.
 */
final class CallTimers {

	private final MeterRegistry registry;

	private final String serviceId;

	private final ConcurrentMap<Tags, Timer> timers = new ConcurrentHashMap<>();

	CallTimers(MeterRegistry registry, String serviceId) {
		this.registry = registry;
		this.serviceId = serviceId;
	}

	void record(String method, String status, String outcome, long nanos) {
		Tags tags = new Tags(method, status, outcome);
		Timer timer = this.timers.get(tags);
		if (timer == null) {
			timer = this.timers.computeIfAbsent(tags, this::register);
		}
		timer.record(nanos, TimeUnit.NANOSECONDS);
	}

	private Timer register(Tags tags) {
		return Timer.builder(MeshObservationConventions.CALLS)
			.description("Calls made by mesh clients, as the caller saw them (after retries)")
			.tag("service", this.serviceId)
			.tag("method", tags.method())
			.tag("status", tags.status())
			.tag("outcome", tags.outcome())
			.register(this.registry);
	}

	private record Tags(String method, String status, String outcome) {
	}

}
