package dev.mesh.client;

import java.util.concurrent.TimeUnit;

import dev.mesh.observability.MeshMeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@value MeshMeterNames#ATTEMPTS} timers of one service in one meter registry: one
 * sample per attempt, as the instance answered it, tagged {@code service},
 * {@code instance}, {@code method}, {@code status}, {@code outcome} and {@code attempt}
 * (its number within the call).
 *
 * <p>
 * Kept by the client rather than by a Micrometer observation of the attempt: see
 * {@link dev.mesh.observability.MicrometerAttemptTracer} for why, and for the attempt's
 * span.
 */
final class AttemptTimers {

	private final TimerCache<Tags> timers;

	AttemptTimers(MeterRegistry registry, String serviceId) {
		this.timers = new TimerCache<>((tags) -> Timer.builder(MeshMeterNames.ATTEMPTS)
			.description("Attempts made by mesh clients, one per instance tried")
			.tag("service", serviceId)
			.tag("instance", tags.instance())
			.tag("method", tags.method())
			.tag("status", tags.status())
			.tag("outcome", tags.outcome())
			.tag("attempt", Integer.toString(tags.attempt()))
			.register(registry));
	}

	void record(String instanceId, String method, int attempt, String status, String outcome, long nanos) {
		this.timers.timer(new Tags(instanceId, method, attempt, status, outcome)).record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * @return how many tag combinations are cached now
	 */
	int cached() {
		return this.timers.size();
	}

	private record Tags(String instance, String method, int attempt, String status, String outcome) {
	}

}
