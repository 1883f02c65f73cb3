package dev.mesh.client;

import java.util.List;
import java.util.function.Consumer;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.InstanceFilter;
import dev.mesh.loadbalancer.InstancePicker;
import dev.mesh.loadbalancer.InstancePickers;
import dev.mesh.loadbalancer.PickerBuilder;
import dev.mesh.loadbalancer.SlowStart;
import dev.mesh.loadbalancer.ZoneAffinityPicker;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.resilience.BackoffSchedule;
import dev.mesh.resilience.OutlierDetector;
import dev.mesh.resilience.OverloadRule;
import dev.mesh.resilience.RetryBudget;
import dev.mesh.resilience.RetryRule;
import dev.mesh.security.ServiceTokenSource;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Everything the pipeline keeps per called service: its policy, its picker (rebuilt on
 * the discovery thread whenever the instances change, so a pick on the request thread is
 * a volatile read plus the picker's own work), its outlier detector, retry budget, retry
 * rule, backoff, optional bulkhead and circuit breaker, optional token source and
 * transport, and its meters ({@link RouteMeters}).
 *
 * <p>
 * The picker is built by a {@link PickerBuilder}. With slow start on, it is built from
 * the instances' effective weights; while any instance is still warming the route
 * recomputes them on the discovery thread every {@link SlowStart.Weights#step()} and
 * stops once all are warm. With zone affinity on, the picker is a
 * {@link ZoneAffinityPicker} whose choice of zone is re-decided at most every 100 ms on
 * the request path (a scan of the local instances' ejection state, no allocation), and at
 * once when an ejection changes it.
 */
final class ServiceRoute implements Consumer<List<MeshInstance>> {

	/**
	 * How long a decision to use the local zone, or not, holds before it is checked
	 * again.
	 */
	static final long ZONE_RECHECK_NANOS = 100_000_000L;

	private final String serviceId;

	/**
	 * The policy in effect and what is built from it; replaced whole when the policy
	 * changes at run time, so a call that read it once keeps one consistent view.
	 */
	private volatile Live live;

	private final ServiceInstanceCache cache;

	private final MeshClock clock;

	private final OutlierDetector outlierDetector;

	private final RetryBudget retryBudget;

	private final Bulkhead bulkhead;

	private final CircuitBreaker circuitBreaker;

	private final MeshClientHttpRequestFactory requestFactory;

	private final ServiceTokenSource tokens;

	private final AttemptTracer attemptTracer;

	/**
	 * Builds the pickers; replaced when the balancing settings change. Guarded by this.
	 */
	private PickerBuilder pickers;

	private final InstanceFilter notEjected;

	private volatile InstancePicker picker;

	private volatile SlowStart.Weights weights;

	private volatile boolean loaded;

	private volatile long zoneCheckedAt;

	private final RouteMeters meters;

	/**
	 * What was built for the latest list from discovery; written under this, read by
	 * picks without a lock.
	 */
	private volatile PickerBuilder.Built built;

	/** Whether a recomputation of warming weights is scheduled; guarded by this. */
	private boolean rewarmScheduled;

	ServiceRoute(String serviceId, ClientPolicy policy, ServiceInstanceCache cache, Bulkhead bulkhead,
			CircuitBreaker circuitBreaker, ServiceTokenSource tokens, AttemptTracer attemptTracer,
			MeshClientHttpRequestFactory requestFactory, MeshClock clock) {
		this.serviceId = serviceId;
		this.cache = cache;
		this.clock = clock;
		this.outlierDetector = new OutlierDetector(policy.outlier(), clock::nanoTime);
		this.retryBudget = new RetryBudget(policy.retry().budget(), clock::nanoTime);
		this.live = new Live(policy, retryDecider(policy));
		this.bulkhead = bulkhead;
		this.circuitBreaker = circuitBreaker;
		this.tokens = tokens;
		this.attemptTracer = attemptTracer;
		this.requestFactory = requestFactory;
		this.pickers = new PickerBuilder(policy.loadBalancer(), policy.zoneAffinity(), policy.slowStart(), clock);
		this.notEjected = (instance) -> !this.outlierDetector.isEjected(instance, this.clock.nanoTime());
		this.picker = InstancePickers.create(policy.loadBalancer(), List.of(), new int[0], clock::nanoTime);
		this.meters = new RouteMeters(clock::nanoTime, cache::schedule);
		cache.watch(serviceId, this);
	}

	private RetryDecider retryDecider(ClientPolicy policy) {
		return new RetryDecider(new RetryRule(policy.retry().on()),
				new BackoffSchedule(policy.retry().backoff(), this.clock.wall()), this.retryBudget,
				policy.retry().maxAttempts(), new OverloadRule(policy.overload(), this.clock.wall()));
	}

	/**
	 * Applies a changed policy to the calls that start from now on: its {@code timeout},
	 * {@code per-attempt-timeout}, {@code retry.*}, {@code outlier.*}, {@code overload.*}
	 * and {@code versions}, and its {@code load-balancer}, {@code zone-affinity.*} and
	 * {@code slow-start.*}, for which the picker is rebuilt over the same instances (the
	 * instances' latency estimates, in-flight counts and ejections are kept; a rotation
	 * starts over). Calls in flight finish on the policy they started with. The rest of
	 * the policy is built into the route's transport, bulkhead, circuit breaker and token
	 * source and stays until a restart.
	 * @param next the changed policy
	 * @return the properties of {@code next} (relative to
	 * {@code mesh.clients.<service>.}) that differ and were not applied
	 */
	synchronized List<String> update(ClientPolicy next) {
		ClientPolicy current = this.live.policy();
		ClientPolicy applied = current.withLiveSettingsOf(next);
		if (!applied.equals(current)) {
			PickerBuilder pickers = this.pickers;
			PickerBuilder.Built rebuilt = null;
			InstancePicker empty = null;
			if (!applied.loadBalancer().equals(current.loadBalancer())
					|| !applied.zoneAffinity().equals(current.zoneAffinity())
					|| !applied.slowStart().equals(current.slowStart())) {
				// built before anything changes: a policy whose picker cannot be built
				// leaves the route whole, still taking discovery's lists
				pickers = new PickerBuilder(applied.loadBalancer(), applied.zoneAffinity(), applied.slowStart(),
						this.clock);
				if (this.built != null) {
					rebuilt = pickers.build(this.built.instances(), this.notEjected);
				}
				else {
					empty = InstancePickers.create(applied.loadBalancer(), List.of(), new int[0], this.clock::nanoTime);
				}
			}
			Live nextLive = new Live(applied, retryDecider(applied));
			this.retryBudget.update(applied.retry().budget());
			this.outlierDetector.update(applied.outlier());
			this.pickers = pickers;
			if (rebuilt != null) {
				use(rebuilt);
			}
			else if (empty != null) {
				this.picker = empty;
			}
			this.live = nextLive;
			if (!applied.overload().equals(current.overload())) {
				// a lowered max-avoid-time ends the waits that are now too long
				long latest = now() + this.live.retryDecider().overload().maxAvoidNanos();
				instances().forEach((instance) -> instance.state().overloadedAtMost(latest));
			}
		}
		return current.restartNeeded(next);
	}

	/**
	 * @return the policy in effect and its retry decider, read once by each call
	 */
	Live live() {
		return this.live;
	}

	/**
	 * What one call reads once, at its start.
	 *
	 * @param policy the policy in effect
	 * @param retryDecider the retry decisions of that policy
	 */
	record Live(ClientPolicy policy, RetryDecider retryDecider) {
	}

	/**
	 * Takes a new instance list from discovery, builds its pickers and lets the meters of
	 * instances gone for long enough go.
	 */
	@Override
	public synchronized void accept(List<MeshInstance> instances) {
		use(this.pickers.build(instances, this.notEjected));
		this.loaded = true;
		this.meters.instancesChanged(instances);
	}

	/**
	 * Recomputes the weights of warming instances; runs on the discovery thread. A
	 * recomputation that changes nothing keeps the picker, so its pick order goes on.
	 */
	synchronized void rewarm() {
		this.rewarmScheduled = false;
		if (this.built != null) {
			use(this.pickers.reweigh(this.built, this.notEjected));
		}
	}

	/**
	 * Swaps in what was built, stamping a new zone-affinity picker's first decision, and
	 * schedules the next recomputation while an instance warms.
	 */
	private void use(PickerBuilder.Built next) {
		if (next.picker() != this.picker) {
			if (next.picker() instanceof ZoneAffinityPicker) {
				this.zoneCheckedAt = this.clock.nanoTime();
			}
			this.picker = next.picker();
		}
		this.weights = next.weights();
		this.built = next;
		if (next.warming() && !this.rewarmScheduled) {
			this.rewarmScheduled = true;
			this.cache.schedule(this::rewarm, next.weights().step());
		}
	}

	/**
	 * Re-decides whether the local zone takes the picks, when the last decision is older
	 * than {@value #ZONE_RECHECK_NANOS} ns. Called once per attempt; allocates nothing.
	 * @param now {@link #now()}
	 */
	void checkZone(long now) {
		if (this.picker instanceof ZoneAffinityPicker && now - this.zoneCheckedAt > ZONE_RECHECK_NANOS) {
			this.zoneCheckedAt = now;
			updateZones();
		}
	}

	/**
	 * Re-decides the zone of the picker and of each version's picker; call only with zone
	 * affinity on.
	 */
	private void updateZones() {
		if (this.picker instanceof ZoneAffinityPicker zoned) {
			zoned.update(this.notEjected);
		}
		PickerBuilder.Built built = this.built;
		if (built != null) {
			built.versions().updateZones(this.notEjected);
		}
	}

	/**
	 * Records a failed attempt with the outlier detector; an ejection re-decides the zone
	 * at once.
	 * @param instance the instance that failed
	 * @param inARow its failures in a row, this one included
	 */
	void recordFailure(MeshInstance instance, int inARow) {
		if (this.outlierDetector.recordFailure(instance, inARow, instances())
				&& this.picker instanceof ZoneAffinityPicker) {
			this.zoneCheckedAt = now();
			updateZones();
		}
	}

	/**
	 * @return how long callers keep away from an instance that said it is going away
	 * before one call probes it: the outlier ejection time of the policy in effect now
	 */
	long goingAwayNanos() {
		try {
			return this.live.policy().outlier().ejectionTime().toNanos();
		}
		catch (ArithmeticException ex) {
			// too long for nanoseconds (about 292 years): for ever
			return Long.MAX_VALUE;
		}
	}

	/**
	 * Re-decides the zone at once after an operator's ejection or restore.
	 */
	void ejectionsChanged() {
		if (this.picker instanceof ZoneAffinityPicker) {
			this.zoneCheckedAt = now();
			updateZones();
		}
	}

	/**
	 * @return the effective weights the picker was built with, or {@code null} without
	 * slow start
	 */
	SlowStart.Weights weights() {
		return this.weights;
	}

	/**
	 * @return the picker in use now
	 */
	InstancePicker picker() {
		return this.picker;
	}

	/**
	 * Picks an instance; only a call of a service that discovery has not loaded yet waits
	 * for the registry, and not while the registry is failing (see
	 * {@link ServiceInstanceCache}).
	 * @param filter which instances may be picked
	 * @param now {@link #now()}, read by the caller for this attempt
	 */
	MeshInstance pick(InstanceFilter filter, long now) {
		return pick(filter, now, null);
	}

	/**
	 * Picks an instance for a call routed to a version: one of that version if the filter
	 * accepts any, else any instance, as {@link #pick(InstanceFilter, long)} does.
	 * @param filter which instances may be picked
	 * @param now {@link #now()}, read by the caller for this attempt
	 * @param version the call's version ({@link dev.mesh.loadbalancer.VersionSplit} or a
	 * pin), or {@code null} for any instance
	 */
	MeshInstance pick(InstanceFilter filter, long now, String version) {
		if (!this.loaded) {
			this.cache.ensureLoaded(this.serviceId, this.live.policy().timeout());
		}
		PickerBuilder.Built built = this.built;
		if (version != null && built != null) {
			return built.pick(filter, now, version);
		}
		return this.picker.pick(filter, now);
	}

	List<MeshInstance> instances() {
		return this.picker.instances();
	}

	/**
	 * @return the instances, after waiting for discovery's first list of them (as the
	 * first call would) when it has none yet
	 */
	List<MeshInstance> loadedInstances() {
		if (!this.loaded) {
			this.cache.ensureLoaded(this.serviceId, this.live.policy().timeout());
		}
		return this.picker.instances();
	}

	/**
	 * @return why discovery has no list for this service (the registry's error, without
	 * credentials), or {@code null} once it has one or while no registry query has failed
	 */
	String discoveryFailure() {
		return this.loaded ? null : this.cache.loadFailure(this.serviceId);
	}

	String serviceId() {
		return this.serviceId;
	}

	/**
	 * @return the policy in effect now
	 */
	ClientPolicy policy() {
		return this.live.policy();
	}

	/**
	 * @return the route's monotonic time, in nanoseconds
	 */
	long now() {
		return this.clock.nanoTime();
	}

	/**
	 * @return the clock the route reads time from
	 */
	MeshClock clock() {
		return this.clock;
	}

	OutlierDetector outlierDetector() {
		return this.outlierDetector;
	}

	RetryBudget retryBudget() {
		return this.retryBudget;
	}

	Bulkhead bulkhead() {
		return this.bulkhead;
	}

	/**
	 * @return the service's resilience4j circuit breaker, or {@code null} when it has
	 * none
	 */
	CircuitBreaker circuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * @return the source of this service's OAuth2 tokens, or {@code null} when calls
	 * carry none
	 */
	ServiceTokenSource tokens() {
		return this.tokens;
	}

	/**
	 * @return where this service's calls and attempts are timed
	 */
	RouteMeters meters() {
		return this.meters;
	}

	/** Records how one call ended, after all of its attempts. */
	void recordCall(String method, String status, String outcome, long nanos) {
		this.meters.recordCall(method, status, outcome, nanos);
	}

	/** Records how one attempt ended on one instance. */
	void recordAttempt(String instanceId, String method, int attempt, String status, String outcome, long nanos) {
		this.meters.recordAttempt(instanceId, method, attempt, status, outcome, nanos);
	}

	/**
	 * @return what traces this service's attempts
	 */
	AttemptTracer attemptTracer() {
		return this.attemptTracer;
	}

	/**
	 * @return the transport of this service's attempts, which the factory that made this
	 * route closes
	 */
	MeshClientHttpRequestFactory requestFactory() {
		return this.requestFactory;
	}

}
