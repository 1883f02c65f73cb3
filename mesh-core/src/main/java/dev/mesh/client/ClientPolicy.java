package dev.mesh.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.loadbalancer.VersionSplit;
import dev.mesh.loadbalancer.ZoneAffinityPolicy;
import dev.mesh.resilience.OutlierPolicy;
import dev.mesh.resilience.OverloadPolicy;
import dev.mesh.resilience.RetryOn;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.security.TokenPolicy;

import org.springframework.util.unit.DataSize;

/**
 * The settings in effect for one mesh client, after {@code mesh.clients.<service>.*} has
 * been laid over {@code mesh.client-defaults.*} and the built-in defaults.
 *
 * @param loadBalancer how calls are spread over the service's instances
 * @param timeout deadline of a whole call, retries and backoff included
 * @param perAttemptTimeout deadline of one attempt, whole response included
 * @param connectTimeout deadline for opening a connection
 * @param retry how failed attempts are retried
 * @param outlier when instances are ejected
 * @param maxConcurrentRequests calls allowed in flight at once, or {@code null} for no
 * limit
 * @param oauth2 which client-credentials token the calls carry
 * @param circuitBreaker whether calls go through a resilience4j circuit breaker
 * {@code mesh-<service>} (also on when resilience4j configures one under that name)
 * @param zoneAffinity whether calls prefer instances in this instance's zone
 * @param slowStart how recently started instances are ramped up
 * @param maxResponseSize the largest response body read; a larger one fails the attempt,
 * not retried
 * @param transport how attempts are sent: TLS, and whether bodies are buffered
 * @param versions how calls are split between the service's versions
 * @param overload whether instances that answer they are overloaded are avoided
 */
public record ClientPolicy(LoadBalancerPolicy loadBalancer, Duration timeout, Duration perAttemptTimeout,
		Duration connectTimeout, RetryPolicy retry, OutlierPolicy outlier, Integer maxConcurrentRequests,
		TokenPolicy oauth2, boolean circuitBreaker, ZoneAffinityPolicy zoneAffinity, SlowStartPolicy slowStart,
		DataSize maxResponseSize, TransportPolicy transport, VersionSplit versions, OverloadPolicy overload) {

	/**
	 * A policy that does not avoid overloaded instances.
	 * @param loadBalancer see above
	 * @param timeout see above
	 * @param perAttemptTimeout see above
	 * @param connectTimeout see above
	 * @param retry see above
	 * @param outlier see above
	 * @param maxConcurrentRequests see above
	 * @param oauth2 see above
	 * @param circuitBreaker see above
	 * @param zoneAffinity see above
	 * @param slowStart see above
	 * @param maxResponseSize see above
	 * @param transport see above
	 * @param versions see above
	 */
	public ClientPolicy(LoadBalancerPolicy loadBalancer, Duration timeout, Duration perAttemptTimeout,
			Duration connectTimeout, RetryPolicy retry, OutlierPolicy outlier, Integer maxConcurrentRequests,
			TokenPolicy oauth2, boolean circuitBreaker, ZoneAffinityPolicy zoneAffinity, SlowStartPolicy slowStart,
			DataSize maxResponseSize, TransportPolicy transport, VersionSplit versions) {
		this(loadBalancer, timeout, perAttemptTimeout, connectTimeout, retry, outlier, maxConcurrentRequests, oauth2,
				circuitBreaker, zoneAffinity, slowStart, maxResponseSize, transport, versions, OverloadPolicy.DEFAULTS);
	}

	/**
	 * A policy that does not split calls by version.
	 * @param loadBalancer see above
	 * @param timeout see above
	 * @param perAttemptTimeout see above
	 * @param connectTimeout see above
	 * @param retry see above
	 * @param outlier see above
	 * @param maxConcurrentRequests see above
	 * @param oauth2 see above
	 * @param circuitBreaker see above
	 * @param zoneAffinity see above
	 * @param slowStart see above
	 * @param maxResponseSize see above
	 * @param transport see above
	 */
	public ClientPolicy(LoadBalancerPolicy loadBalancer, Duration timeout, Duration perAttemptTimeout,
			Duration connectTimeout, RetryPolicy retry, OutlierPolicy outlier, Integer maxConcurrentRequests,
			TokenPolicy oauth2, boolean circuitBreaker, ZoneAffinityPolicy zoneAffinity, SlowStartPolicy slowStart,
			DataSize maxResponseSize, TransportPolicy transport) {
		this(loadBalancer, timeout, perAttemptTimeout, connectTimeout, retry, outlier, maxConcurrentRequests, oauth2,
				circuitBreaker, zoneAffinity, slowStart, maxResponseSize, transport, VersionSplit.NONE);
	}

	/** Checks the versions and overload rules are given. */
	public ClientPolicy {
		Objects.requireNonNull(versions, "versions");
		Objects.requireNonNull(overload, "overload");
	}

	/** The default {@code max-response-size}. */
	public static final DataSize DEFAULT_MAX_RESPONSE_SIZE = DataSize.ofMegabytes(10);

	/** The default {@code retry.on} values. */
	public static final List<String> DEFAULT_RETRY_ON = List.of("connect-failure", "reset", "timeout", "502", "503",
			"504");

	/** The built-in defaults. */
	public static final ClientPolicy DEFAULTS = new ClientPolicy(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN,
			Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(1),
			new RetryPolicy(3, RetryOn.parse(DEFAULT_RETRY_ON),
					new RetryPolicy.Backoff(Duration.ofMillis(25), 2.0, Duration.ofSeconds(1), 0.5),
					new RetryPolicy.Budget(0.2, 10)),
			new OutlierPolicy(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50), null, TokenPolicy.DEFAULTS, false,
			ZoneAffinityPolicy.DEFAULTS, SlowStartPolicy.DEFAULTS, DEFAULT_MAX_RESPONSE_SIZE, TransportPolicy.DEFAULTS);

	/**
	 * @param policy another load balancer
	 * @return this policy with that load balancer
	 */
	public ClientPolicy withLoadBalancer(LoadBalancerPolicy policy) {
		return new ClientPolicy(policy, this.timeout, this.perAttemptTimeout, this.connectTimeout, this.retry,
				this.outlier, this.maxConcurrentRequests, this.oauth2, this.circuitBreaker, this.zoneAffinity,
				this.slowStart, this.maxResponseSize, this.transport, this.versions, this.overload);
	}

	/**
	 * @param connectTimeout another connect timeout
	 * @return this policy with that connect timeout
	 */
	public ClientPolicy withConnectTimeout(Duration connectTimeout) {
		return new ClientPolicy(this.loadBalancer, this.timeout, this.perAttemptTimeout, connectTimeout, this.retry,
				this.outlier, this.maxConcurrentRequests, this.oauth2, this.circuitBreaker, this.zoneAffinity,
				this.slowStart, this.maxResponseSize, this.transport, this.versions, this.overload);
	}

	/**
	 * @param policy other zone affinity settings
	 * @return this policy with those settings
	 */
	public ClientPolicy withZoneAffinity(ZoneAffinityPolicy policy) {
		return new ClientPolicy(this.loadBalancer, this.timeout, this.perAttemptTimeout, this.connectTimeout,
				this.retry, this.outlier, this.maxConcurrentRequests, this.oauth2, this.circuitBreaker, policy,
				this.slowStart, this.maxResponseSize, this.transport, this.versions, this.overload);
	}

	/**
	 * @param policy other slow start settings
	 * @return this policy with those settings
	 */
	public ClientPolicy withSlowStart(SlowStartPolicy policy) {
		return new ClientPolicy(this.loadBalancer, this.timeout, this.perAttemptTimeout, this.connectTimeout,
				this.retry, this.outlier, this.maxConcurrentRequests, this.oauth2, this.circuitBreaker,
				this.zoneAffinity, policy, this.maxResponseSize, this.transport, this.versions, this.overload);
	}

	/**
	 * @param policy other overload rules
	 * @return this policy with those rules
	 */
	public ClientPolicy withOverload(OverloadPolicy policy) {
		return new ClientPolicy(this.loadBalancer, this.timeout, this.perAttemptTimeout, this.connectTimeout,
				this.retry, this.outlier, this.maxConcurrentRequests, this.oauth2, this.circuitBreaker,
				this.zoneAffinity, this.slowStart, this.maxResponseSize, this.transport, this.versions, policy);
	}

	/**
	 * The settings a running client takes over from a changed policy: {@code timeout},
	 * {@code per-attempt-timeout}, {@code retry.*}, {@code outlier.*},
	 * {@code overload.*}, {@code versions} (so a canary's share can be moved without a
	 * restart), {@code load-balancer}, {@code zone-affinity.*} (the local zone,
	 * {@code mesh.instance.zone}, stays) and {@code slow-start.*}; everything else stays
	 * as this policy has it until a restart (see {@link #restartNeeded}).
	 * @param next the changed policy
	 * @return this policy with the live settings of {@code next}
	 */
	public ClientPolicy withLiveSettingsOf(ClientPolicy next) {
		// the local zone is this instance's mesh.instance.zone, which changes only with a
		// restart (its registration keeps the old one until then)
		ZoneAffinityPolicy zoneAffinity = new ZoneAffinityPolicy(next.zoneAffinity.enabled(),
				next.zoneAffinity.minAvailablePercent(), this.zoneAffinity.localZone());
		return new ClientPolicy(next.loadBalancer, next.timeout, next.perAttemptTimeout, this.connectTimeout,
				next.retry, next.outlier, this.maxConcurrentRequests, this.oauth2, this.circuitBreaker, zoneAffinity,
				next.slowStart, this.maxResponseSize, this.transport, next.versions, next.overload);
	}

	/**
	 * @param next a changed policy
	 * @return the properties (relative to {@code mesh.clients.<service>.}) that differ in
	 * {@code next} and take effect only after a restart, in property order
	 */
	public List<String> restartNeeded(ClientPolicy next) {
		List<String> names = new ArrayList<>();
		addIfChanged(names, "connect-timeout", this.connectTimeout, next.connectTimeout);
		addIfChanged(names, "max-concurrent-requests", this.maxConcurrentRequests, next.maxConcurrentRequests);
		addIfChanged(names, "oauth2", this.oauth2, next.oauth2);
		addIfChanged(names, "circuit-breaker", this.circuitBreaker, next.circuitBreaker);
		addIfChanged(names, "max-response-size", this.maxResponseSize, next.maxResponseSize);
		addIfChanged(names, "transport (ssl-bundle, buffer-response)", this.transport, next.transport);
		return names;
	}

	private static void addIfChanged(List<String> names, String name, Object current, Object next) {
		if (!Objects.equals(current, next)) {
			names.add(name);
		}
	}

}
