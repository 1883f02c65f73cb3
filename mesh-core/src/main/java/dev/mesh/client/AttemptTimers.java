package dev.mesh.client;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.mesh.observability.MeshMeterNames;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The {@value MeshMeterNames#ATTEMPTS} timers of one service in one meter registry: one
 * sample per attempt, as the instance answered it, tagged {@code service},
 * {@code instance}, {@code method}, {@code status}, {@code outcome} and {@code attempt}
 * (its number within the call). The timers of instances that have left are removed from
 * the registry by {@link #retain(Predicate)} (see {@link RouteMeters}).
 *
 * <p>
 * Kept by the client rather than by a Micrometer observation of the attempt: see
 * {@link dev.mesh.observability.MicrometerAttemptTracer} for why, and for the attempt's
 * span.
 */
final class AttemptTimers {

	private static final String INSTANCE = "instance";

	private final MeterRegistry registry;

	private final String serviceId;

	private final TimerCache<Tags> timers;

	AttemptTimers(MeterRegistry registry, String serviceId) {
		this(registry, serviceId, (instanceId) -> {
		});
	}

	/**
	 * @param registry the registry
	 * @param serviceId the service
	 * @param registered told the instance id of each timer registered (not of each
	 * sample)
	 */
	AttemptTimers(MeterRegistry registry, String serviceId, Consumer<String> registered) {
		this.registry = registry;
		this.serviceId = serviceId;
		this.timers = new TimerCache<>((tags) -> {
			Timer timer = Timer.builder(MeshMeterNames.ATTEMPTS)
				.description("Attempts made by mesh clients, one per instance tried")
				.tag("service", serviceId)
				.tag(INSTANCE, tags.instance())
				.tag("method", tags.method())
				.tag("status", tags.status())
				.tag("outcome", tags.outcome())
				.tag("attempt", Integer.toString(tags.attempt()))
				.register(registry);
			registered.accept(tags.instance());
			return timer;
		});
	}

	void record(String instanceId, String method, int attempt, String status, String outcome, long nanos) {
		this.timers.timer(new Tags(instanceId, method, attempt, status, outcome)).record(nanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Removes from the registry every timer of this service whose instance is not kept,
	 * including those no longer cached here.
	 * @param keep which instance ids keep their timers
	 */
	void retain(Predicate<String> keep) {
		this.timers.forget((tags) -> !keep.test(tags.instance()), () -> {
			for (Meter meter : this.registry.find(MeshMeterNames.ATTEMPTS).tag("service", this.serviceId).meters()) {
				String instance = meter.getId().getTag(INSTANCE);
				if (instance != null && !keep.test(instance)) {
					this.registry.remove(meter);
				}
			}
		});
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
