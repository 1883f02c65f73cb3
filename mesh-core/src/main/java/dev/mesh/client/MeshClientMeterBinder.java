package dev.mesh.client;

import java.time.Duration;
import java.util.Objects;

import dev.mesh.security.ServiceTokenSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes each mesh client's request timers and resilience counters to Micrometer,
 * tagged with the called {@code service}: {@code mesh.client.calls} (see
 * {@link CallTimers}), {@code mesh.client.requests} (see {@link AttemptTimers}),
 * {@code mesh.client.retries} (retries the budget allowed),
 * {@code mesh.client.retry.budget.exhausted} (retries refused because the budget was
 * spent) and {@code mesh.client.ejections} (instances ejected),
 * {@code mesh.client.instances.available} (gauge) and {@code mesh.oauth2.token.requests}
 * (token requests, with the {@code registration}). The counters are read from the
 * pipeline's own state when scraped, so the request path does no metrics work for them.
 *
 * <p>
 * Only {@code mesh.client.requests} is tagged with an {@code instance}: its timers of an
 * instance that has left the service's list are removed from the registry once the
 * instance has been gone for the retention (an instance that comes back within it keeps
 * them), so instance ids that change with every deploy do not add time series for ever.
 */
public class MeshClientMeterBinder implements MeterBinder {

	private final MeshClientFactory factory;

	private final Duration departedInstanceRetention;

	/**
	 * Measures the clients, keeping the meters of a departed instance for 5 minutes.
	 * @param factory the factory whose clients are measured, including clients created
	 * later
	 */
	public MeshClientMeterBinder(MeshClientFactory factory) {
		this(factory, RouteMeters.DEFAULT_RETENTION);
	}

	/**
	 * @param factory the factory whose clients are measured, including clients created
	 * later
	 * @param departedInstanceRetention how long the meters of an instance that left the
	 * registry are kept: 0 removes them with the list that drops the instance
	 */
	public MeshClientMeterBinder(MeshClientFactory factory, Duration departedInstanceRetention) {
		Objects.requireNonNull(departedInstanceRetention, "departedInstanceRetention");
		if (departedInstanceRetention.isNegative()) {
			throw new IllegalArgumentException(
					"departedInstanceRetention: " + departedInstanceRetention + " (expected: >= 0)");
		}
		this.factory = factory;
		this.departedInstanceRetention = departedInstanceRetention;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.factory.onRoute((route) -> bind(route, registry));
	}

	private void bind(ServiceRoute route, MeterRegistry registry) {
		String service = route.serviceId();
		RouteMeters meters = route.meters();
		meters.retainDeparted(this.departedInstanceRetention);
		meters.timeCalls(new CallTimers(registry, service));
		meters.timeAttempts(new AttemptTimers(registry, service, meters::attemptTimerRegistered));
		FunctionCounter.builder("mesh.client.retries", route.retryBudget(), (budget) -> budget.retryCount())
			.description("Retries made by mesh clients")
			.tag("service", service)
			.register(registry);
		FunctionCounter
			.builder("mesh.client.retry.budget.exhausted", route.retryBudget(), (budget) -> budget.exhaustedCount())
			.description("Retries refused because the client's retry budget was spent")
			.tag("service", service)
			.register(registry);
		FunctionCounter
			.builder("mesh.client.ejections", route.outlierDetector(), (detector) -> detector.ejectionCount())
			.description("Instances ejected by passive health checking")
			.tag("service", service)
			.register(registry);
		Gauge
			.builder("mesh.client.instances.available", route,
					(measured) -> measured.instances().size()
							- measured.outlierDetector().ejectedCount(measured.instances()))
			.description("Instances of the service that are not ejected")
			.tag("service", service)
			.register(registry);
		ServiceTokenSource tokens = route.tokens();
		if (tokens != null) {
			FunctionCounter.builder("mesh.oauth2.token.requests", tokens, (source) -> source.requestCount())
				.description("Client-credentials token requests made for calls to the service")
				.tag("service", service)
				.tag("registration", tokens.registrationId())
				.register(registry);
		}
	}

}
