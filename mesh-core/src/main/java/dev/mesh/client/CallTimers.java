package dev.mesh.client;

import java.util.concurrent.TimeUnit;

import dev.mesh.observability.MeshMeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@value MeshMeterNames#CALLS} timers of one service in one meter registry: one
 * sample per call, as the caller saw it (after retries), tagged {@code service},
 * {@code method}, {@code status} and {@code outcome}.
 *
 * <p>
 * A timer rather than an observation: the call's span is already the RestClient's own
 * {@code http.client.requests} observation, which every attempt span is a child of, so a
 * third observation per call only added a span that told nothing new, and it cost about a
 * quarter of what the mesh added to a call's CPU time (docs/benchmarks.md).
 */
final class CallTimers {

	private final TimerCache<Tags> timers;

	CallTimers(MeterRegistry registry, String serviceId) {
		this.timers = new TimerCache<>((tags) -> Timer.builder(MeshMeterNames.CALLS)
			.description("Calls made by mesh clients, as the caller saw them (after retries)")
			.tag("service", serviceId)
			.tag("method", tags.method())
			.tag("status", tags.status())
			.tag("outcome", tags.outcome())
			.register(registry));
	}

	void record(String method, String status, String outcome, long nanos) {
		this.timers.timer(new Tags(method, status, outcome)).record(nanos, TimeUnit.NANOSECONDS);
	}

	private record Tags(String method, String status, String outcome) {
	}

}
