package dev.mesh.client;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes each mesh client's resilience counters to Micrometer, tagged with the called
 * {@code service}: {@code mesh.client.retries} (retries the budget allowed),
 * {@code mesh.client.retry.budget.exhausted} (retries refused because the budget was spent) and
 * {@code mesh.client.ejections} (instances ejected). The counters are read from the pipeline's own
 * state when scraped, so the request path does no metrics work for them.
 */
public class MeshClientMeterBinder implements MeterBinder {

	private final MeshClientFactory factory;

	/**
	 * @param factory the factory whose clients are measured, including clients created later
	 */
	public MeshClientMeterBinder(MeshClientFactory factory) {
		this.factory = factory;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.factory.onRoute((route) -> bind(route, registry));
	}

	private static void bind(ServiceRoute route, MeterRegistry registry) {
		String service = route.serviceId();
		FunctionCounter.builder("mesh.client.retries", route.retryBudget(), (budget) -> budget.retryCount())
			.description("Retries made by mesh clients")
			.tag("service", service)
			.register(registry);
		FunctionCounter.builder("mesh.client.retry.budget.exhausted", route.retryBudget(), (budget) -> budget.exhaustedCount())
			.description("Retries refused because the client's retry budget was spent")
			.tag("service", service)
			.register(registry);
		FunctionCounter.builder("mesh.client.ejections", route.outlierDetector(), (detector) -> detector.ejectionCount())
			.description("Instances ejected by passive health checking")
			.tag("service", service)
			.register(registry);
	}

}
