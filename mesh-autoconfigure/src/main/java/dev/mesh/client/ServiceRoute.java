package dev.mesh.client;

import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.InstanceFilter;
import dev.mesh.loadbalancer.InstancePicker;
import dev.mesh.loadbalancer.InstancePickers;
import dev.mesh.resilience.BackoffSchedule;
import dev.mesh.resilience.OutlierDetector;
import dev.mesh.resilience.RetryBudget;
import dev.mesh.resilience.RetryRule;
import dev.mesh.security.ServiceTokenSource;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.micrometer.observation.ObservationRegistry;

/**
 * Everything the pipeline keeps per called service: its policy, its picker (rebuilt on the discovery
 * thread whenever the instances change, so a pick on the request thread is a volatile read plus the
 * picker's own work), its outlier detector, retry budget, retry rule, backoff, optional bulkhead,
 * optional token source and transport.
 */
final class ServiceRoute implements Consumer<List<MeshInstance>> {

	private final String serviceId;

	private final ClientPolicy policy;

	private final ServiceInstanceCache cache;

	private final LongSupplier nanoClock;

	private final OutlierDetector outlierDetector;

	private final RetryBudget retryBudget;

	private final RetryRule retryRule;

	private final BackoffSchedule backoff;

	private final Bulkhead bulkhead;

	private final MeshClientHttpRequestFactory requestFactory;

	private final ServiceTokenSource tokens;

	private final ObservationRegistry observationRegistry;

	private volatile InstancePicker picker;

	private volatile boolean loaded;

	ServiceRoute(String serviceId, ClientPolicy policy, ServiceInstanceCache cache, Bulkhead bulkhead,
			ServiceTokenSource tokens, ObservationRegistry observationRegistry, LongSupplier nanoClock) {
		this.serviceId = serviceId;
		this.policy = policy;
		this.cache = cache;
		this.nanoClock = nanoClock;
		this.outlierDetector = new OutlierDetector(policy.outlier(), nanoClock);
		this.retryBudget = new RetryBudget(policy.retry().budget(), nanoClock);
		this.retryRule = new RetryRule(policy.retry().on());
		this.backoff = new BackoffSchedule(policy.retry().backoff(), Clock.systemUTC());
		this.bulkhead = bulkhead;
		this.tokens = tokens;
		this.observationRegistry = observationRegistry;
		this.requestFactory = new MeshClientHttpRequestFactory(policy.connectTimeout(), policy.perAttemptTimeout());
		this.picker = InstancePickers.create(policy.loadBalancer(), List.of());
		cache.watch(serviceId, this);
	}

	@Override
	public void accept(List<MeshInstance> instances) {
		this.picker = InstancePickers.create(this.policy.loadBalancer(), instances);
		this.loaded = true;
	}

	/**
	 * Picks an instance; only the very first call of a service that discovery has not loaded yet
	 * waits for the registry.
	 */
	MeshInstance pick(InstanceFilter filter) {
		if (!this.loaded) {
			this.cache.ensureLoaded(this.serviceId);
		}
		return this.picker.pick(filter);
	}

	List<MeshInstance> instances() {
		return this.picker.instances();
	}

	String serviceId() {
		return this.serviceId;
	}

	ClientPolicy policy() {
		return this.policy;
	}

	long now() {
		return this.nanoClock.getAsLong();
	}

	OutlierDetector outlierDetector() {
		return this.outlierDetector;
	}

	RetryBudget retryBudget() {
		return this.retryBudget;
	}

	RetryRule retryRule() {
		return this.retryRule;
	}

	BackoffSchedule backoff() {
		return this.backoff;
	}

	Bulkhead bulkhead() {
		return this.bulkhead;
	}

	/** @return the source of this service's OAuth2 tokens, or {@code null} when calls carry none */
	ServiceTokenSource tokens() {
		return this.tokens;
	}

	ObservationRegistry observationRegistry() {
		return this.observationRegistry;
	}

	MeshClientHttpRequestFactory requestFactory() {
		return this.requestFactory;
	}

}
