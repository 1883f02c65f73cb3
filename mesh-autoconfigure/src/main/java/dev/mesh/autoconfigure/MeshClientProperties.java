package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.client.ClientPolicy;
import dev.mesh.client.TransportPolicy;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.loadbalancer.VersionSplit;
import dev.mesh.loadbalancer.ZoneAffinityPolicy;
import dev.mesh.resilience.OutlierPolicy;
import dev.mesh.resilience.OverloadPolicy;
import dev.mesh.resilience.RetryOn;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.security.TokenPolicy;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Settings of a mesh client: {@code mesh.client-defaults.*}, and
 * {@code mesh.clients.<service>.*}, which is bound over a copy of the client defaults
 * ({@link ClientDefaultsBindHandler}), so each value a client does not set is inherited.
 * This class is the one place a client property is declared: its default (shown in the
 * IDE metadata), its check (in the setter) and how it maps onto the core's
 * {@link ClientPolicy} ({@link #toPolicy(String)}). The defaults equal
 * {@link ClientPolicy#DEFAULTS}, which a test pins.
 */
public class MeshClientProperties {

	/** How calls are spread over the service's instances. */
	private LoadBalancerPolicy loadBalancer = LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN;

	/** Deadline of a whole call, retries and backoff included. */
	private Duration timeout = Duration.ofSeconds(10);

	/** Deadline of one attempt, whole response included; also sent as Mesh-Timeout-Ms. */
	private Duration perAttemptTimeout = Duration.ofSeconds(3);

	/**
	 * Deadline for opening a connection to an instance. Unset: Spring Boot's
	 * spring.http.client.connect-timeout (Boot 4: spring.http.clients.connect-timeout)
	 * when that is set, else 1s.
	 */
	private Duration connectTimeout;

	/**
	 * Calls allowed in flight at once (a resilience4j bulkhead named mesh-<service>);
	 * excess calls fail at once. Unset: no limit.
	 */
	private Integer maxConcurrentRequests;

	/**
	 * Whether calls go through a resilience4j circuit breaker named mesh-<service>, tuned
	 * with resilience4j.circuitbreaker.* properties. Also on when resilience4j configures
	 * an instance of that name.
	 */
	private boolean circuitBreaker = false;

	/**
	 * Largest response body a call reads into memory, such as 512KB or 10MB; a larger one
	 * (by its Content-Length, or while it is read) fails the attempt with
	 * ResponseTooLargeException, its connection closed, and is not retried.
	 */
	private DataSize maxResponseSize = DataSize.ofMegabytes(10);

	/**
	 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) calls to instances
	 * registered as secure (Consul's secure flag, or metadata scheme=https) are made
	 * with: the certificates trusted, and the key presented to a service that requires
	 * client certificates (mutual TLS). Unset: the bundle of
	 * spring.http.client.ssl.bundle (Boot 4: spring.http.clients.ssl.bundle), else the
	 * JVM's default trust.
	 */
	private String sslBundle;

	/**
	 * Whether a response body is read in full within its attempt (the deadline covers the
	 * whole exchange, max-response-size applies, a body broken off is retried). False
	 * hands the body to the caller as a stream once the headers are in (large downloads,
	 * server-sent events): the deadline then ends with the headers, max-response-size
	 * does not apply, and the caller must close the stream.
	 */
	private boolean bufferResponse = true;

	/**
	 * How calls are split between versions of the service (the version metadata its
	 * instances publish, or Spring Cloud's API_VERSION), as each version's share, such as
	 * 1.4: 95 and 1.5: 5. A call goes to an instance of the version it draws, or to any
	 * instance when that version has none that can take it. Shares are 0 to 1000000 and
	 * add up to more than 0. Write keys in brackets ([1.5.0+b1]) when they hold other
	 * characters than letters, digits, '.' and '-', and quote them in YAML ("1.10"), or
	 * they bind as another version. Only under mesh.clients.<service>; follows
	 * configuration changes without a restart. Unset: calls are not split by version.
	 */
	private Map<String, Integer> versions = new LinkedHashMap<>();

	/** How failed attempts are retried. */
	@NestedConfigurationProperty
	private final Retry retry = new Retry();

	/** When instances are ejected (passive health checking). */
	@NestedConfigurationProperty
	private final Outlier outlier = new Outlier();

	/**
	 * Whether instances that answer they are overloaded (429, or 503 with Retry-After)
	 * are avoided for the time they ask.
	 */
	@NestedConfigurationProperty
	private final Overload overload = new Overload();

	/** Which OAuth2 client-credentials token calls carry. */
	@NestedConfigurationProperty
	private final OAuth2 oauth2 = new OAuth2();

	/** Whether calls prefer instances in this instance's zone (mesh.instance.zone). */
	@NestedConfigurationProperty
	private final ZoneAffinity zoneAffinity = new ZoneAffinity();

	/** How the share of traffic of recently started instances ramps up. */
	@NestedConfigurationProperty
	private final SlowStart slowStart = new SlowStart();

	/**
	 * @param localZone this instance's zone ({@code mesh.instance.zone}), or {@code null}
	 * @return these settings as the core's policy
	 */
	public ClientPolicy toPolicy(String localZone) {
		ClientPolicy builtIn = ClientPolicy.DEFAULTS;
		return new ClientPolicy(this.loadBalancer, this.timeout, this.perAttemptTimeout,
				(this.connectTimeout != null) ? this.connectTimeout : builtIn.connectTimeout(), this.retry.toPolicy(),
				this.outlier.toPolicy(), this.maxConcurrentRequests, this.oauth2.toPolicy(), this.circuitBreaker,
				this.zoneAffinity.toPolicy(localZone), this.slowStart.toPolicy(), this.maxResponseSize,
				new TransportPolicy(this.sslBundle, this.bufferResponse), VersionSplit.of(this.versions),
				this.overload.toPolicy());
	}

	public Map<String, Integer> getVersions() {
		return this.versions;
	}

	public void setVersions(Map<String, Integer> versions) {
		this.versions = PropertyChecks.versions(versions);
	}

	public LoadBalancerPolicy getLoadBalancer() {
		return this.loadBalancer;
	}

	public void setLoadBalancer(LoadBalancerPolicy loadBalancer) {
		this.loadBalancer = loadBalancer;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = PropertyChecks.deadline(timeout);
	}

	public Duration getPerAttemptTimeout() {
		return this.perAttemptTimeout;
	}

	public void setPerAttemptTimeout(Duration perAttemptTimeout) {
		this.perAttemptTimeout = PropertyChecks.deadline(perAttemptTimeout);
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = PropertyChecks.optionalDeadline(connectTimeout);
	}

	public Integer getMaxConcurrentRequests() {
		return this.maxConcurrentRequests;
	}

	public void setMaxConcurrentRequests(Integer maxConcurrentRequests) {
		this.maxConcurrentRequests = PropertyChecks.optionalAtLeast(maxConcurrentRequests, 1);
	}

	public boolean isCircuitBreaker() {
		return this.circuitBreaker;
	}

	public void setCircuitBreaker(boolean circuitBreaker) {
		this.circuitBreaker = circuitBreaker;
	}

	public DataSize getMaxResponseSize() {
		return this.maxResponseSize;
	}

	public void setMaxResponseSize(DataSize maxResponseSize) {
		this.maxResponseSize = PropertyChecks.responseSize(maxResponseSize);
	}

	public String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(String sslBundle) {
		this.sslBundle = PropertyChecks.notBlank(sslBundle, "name an SSL bundle under spring.ssl.bundle.*");
	}

	public boolean isBufferResponse() {
		return this.bufferResponse;
	}

	public void setBufferResponse(boolean bufferResponse) {
		this.bufferResponse = bufferResponse;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Outlier getOutlier() {
		return this.outlier;
	}

	public OAuth2 getOauth2() {
		return this.oauth2;
	}

	public ZoneAffinity getZoneAffinity() {
		return this.zoneAffinity;
	}

	public SlowStart getSlowStart() {
		return this.slowStart;
	}

	public Overload getOverload() {
		return this.overload;
	}

	/** How failed attempts are retried. */
	public static class Retry {

		/**
		 * Attempts in all, including the first, from 1 to 100; 1 turns retries off.
		 */
		private int maxAttempts = 3;

		/**
		 * Failures that may be retried: connect-failure, reset, timeout and status codes
		 * 500-599. POST and PATCH are retried only on connect-failure or with an
		 * Idempotency-Key header.
		 */
		private List<String> on = new ArrayList<>(List.of("connect-failure", "reset", "timeout", "502", "503", "504"));

		/** The wait between attempts. */
		@NestedConfigurationProperty
		private final Backoff backoff = new Backoff();

		/** The share of calls that may be retried. */
		@NestedConfigurationProperty
		private final Budget budget = new Budget();

		RetryPolicy toPolicy() {
			return new RetryPolicy(
					this.maxAttempts, RetryOn.parse(this.on), new RetryPolicy.Backoff(this.backoff.initial,
							this.backoff.multiplier, this.backoff.max, this.backoff.jitter),
					new RetryPolicy.Budget(this.budget.ratio, this.budget.minPerSecond));
		}

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = PropertyChecks.between(maxAttempts, 1, PropertyChecks.MAX_ATTEMPTS);
		}

		public List<String> getOn() {
			return this.on;
		}

		public void setOn(List<String> on) {
			this.on = PropertyChecks.retryOn(on);
		}

		public Backoff getBackoff() {
			return this.backoff;
		}

		public Budget getBudget() {
			return this.budget;
		}

	}

	/** Exponential backoff with jitter between attempts. */
	public static class Backoff {

		/** Wait before the first retry. */
		private Duration initial = Duration.ofMillis(25);

		/** Growth of the wait per retry, from 1 to 100. */
		private double multiplier = 2.0;

		/** Longest wait. */
		private Duration max = Duration.ofSeconds(1);

		/** Randomisation of each wait, from 0 (none) to below 1. */
		private double jitter = 0.5;

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = PropertyChecks.positive(initial);
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = PropertyChecks.between(multiplier, 1.0, 100.0, "from 1 to 100");
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = PropertyChecks.positive(max);
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = PropertyChecks.between(jitter, 0.0, Math.nextDown(1.0), "from 0 (no jitter) to below 1");
		}

	}

	/** Retry budget over a 10 s window. */
	public static class Budget {

		/** Retries allowed per call, from 0 to 1. */
		private double ratio = 0.2;

		/** Retries per second always allowed, whatever the traffic. */
		private int minPerSecond = 10;

		public double getRatio() {
			return this.ratio;
		}

		public void setRatio(double ratio) {
			this.ratio = PropertyChecks.between(ratio, 0.0, 1.0, "from 0 to 1");
		}

		public int getMinPerSecond() {
			return this.minPerSecond;
		}

		public void setMinPerSecond(int minPerSecond) {
			this.minPerSecond = PropertyChecks.atLeast(minPerSecond, 0);
		}

	}

	/** Passive health checking: when instances are ejected. */
	public static class Outlier {

		/**
		 * Failed attempts in a row (connect failure, timeout, reset or 5xx) that eject an
		 * instance.
		 */
		private int consecutiveFailures = 5;

		/** How long a first ejection lasts; each repeated ejection doubles it. */
		private Duration ejectionTime = Duration.ofSeconds(30);

		/** Longest ejection. */
		private Duration maxEjectionTime = Duration.ofMinutes(5);

		/**
		 * Most of a service's instances ejected at once, in percent (0-100); an ejection
		 * past it is refused, though one instance may always be ejected.
		 */
		private int maxEjectionPercent = 50;

		OutlierPolicy toPolicy() {
			return new OutlierPolicy(this.consecutiveFailures, this.ejectionTime, this.maxEjectionTime,
					this.maxEjectionPercent);
		}

		public int getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = PropertyChecks.atLeast(consecutiveFailures, 1);
		}

		public Duration getEjectionTime() {
			return this.ejectionTime;
		}

		public void setEjectionTime(Duration ejectionTime) {
			this.ejectionTime = PropertyChecks.positive(ejectionTime);
		}

		public Duration getMaxEjectionTime() {
			return this.maxEjectionTime;
		}

		public void setMaxEjectionTime(Duration maxEjectionTime) {
			this.maxEjectionTime = PropertyChecks.positive(maxEjectionTime);
		}

		public int getMaxEjectionPercent() {
			return this.maxEjectionPercent;
		}

		public void setMaxEjectionPercent(int maxEjectionPercent) {
			this.maxEjectionPercent = PropertyChecks.percent(maxEjectionPercent);
		}

	}

	/**
	 * Overload avoidance: an instance that answers 429 (Too Many Requests), or 503 with a
	 * Retry-After header, is too busy rather than broken.
	 */
	public static class Overload {

		/**
		 * Whether such answers count as overload: the instance is avoided for the time
		 * its Retry-After asks (while any other instance can take the call), the answer
		 * counts neither as a success nor as a failure (no ejection, its time may raise
		 * the instance's peak-ewma latency estimate), and a 429 is retried on another
		 * instance when a 503 would be. Off: a 429 is an answer like any 4xx, and a 503 a
		 * failure.
		 */
		private boolean enabled = false;

		/**
		 * Shortest time an instance is avoided after an overload answer, and the time
		 * when its Retry-After is absent or cannot be read.
		 */
		private Duration avoidTime = Duration.ofSeconds(1);

		/**
		 * The longest an instance is avoided, however long its Retry-After asks; at least
		 * avoid-time.
		 */
		private Duration maxAvoidTime = Duration.ofSeconds(30);

		OverloadPolicy toPolicy() {
			return new OverloadPolicy(this.enabled, this.avoidTime, this.maxAvoidTime);
		}

		/**
		 * @return what is wrong with these settings together, or {@code null}
		 */
		String problem() {
			return (this.avoidTime.compareTo(this.maxAvoidTime) > 0)
					? "avoid-time " + this.avoidTime + " is longer than max-avoid-time " + this.maxAvoidTime
							+ ": avoid-time must be at most max-avoid-time"
					: null;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getAvoidTime() {
			return this.avoidTime;
		}

		public void setAvoidTime(Duration avoidTime) {
			this.avoidTime = PropertyChecks.deadline(avoidTime);
		}

		public Duration getMaxAvoidTime() {
			return this.maxAvoidTime;
		}

		public void setMaxAvoidTime(Duration maxAvoidTime) {
			this.maxAvoidTime = PropertyChecks.deadline(maxAvoidTime);
		}

	}

	/** Which OAuth2 client-credentials token a client's calls carry. */
	public static class OAuth2 {

		/**
		 * Whether calls carry a token. Unset: whenever OAuth2 client registrations are
		 * configured; true: always (startup fails if the registration is missing); false:
		 * never.
		 */
		private Boolean enabled;

		/**
		 * Spring Security client registration (client_credentials) to get tokens from.
		 */
		private String registrationId = "mesh";

		/** Scopes to request for this service. Unset: the registration's own scopes. */
		private List<String> scopes = new ArrayList<>();

		/**
		 * How long before expiry a cached token is replaced, in the background while
		 * callers keep using it; at most half the token's lifetime.
		 */
		private Duration refreshBeforeExpiry = Duration.ofSeconds(60);

		/** How long a token request may take to connect to the token endpoint. */
		private Duration connectTimeout = Duration.ofSeconds(1);

		/**
		 * How long a token request may wait for the token endpoint's whole answer once
		 * sent. A call that has no valid token waits for it at most until its own
		 * deadline.
		 */
		private Duration readTimeout = Duration.ofSeconds(5);

		/**
		 * How old a token must be before a 401 with error="invalid_token" replaces it; a
		 * younger token is kept and the 401 counts against the instance. So such answers
		 * cause at most one token request per interval.
		 */
		private Duration invalidTokenRefetchInterval = Duration.ofSeconds(10);

		TokenPolicy toPolicy() {
			return new TokenPolicy(this.enabled, this.registrationId, List.copyOf(this.scopes),
					this.refreshBeforeExpiry, this.connectTimeout, this.readTimeout, this.invalidTokenRefetchInterval);
		}

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public String getRegistrationId() {
			return this.registrationId;
		}

		public void setRegistrationId(String registrationId) {
			this.registrationId = PropertyChecks.notBlank(registrationId, "name a Spring Security client registration");
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

		public Duration getRefreshBeforeExpiry() {
			return this.refreshBeforeExpiry;
		}

		public void setRefreshBeforeExpiry(Duration refreshBeforeExpiry) {
			this.refreshBeforeExpiry = PropertyChecks.positive(refreshBeforeExpiry);
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = PropertyChecks.positive(connectTimeout);
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = PropertyChecks.positive(readTimeout);
		}

		public Duration getInvalidTokenRefetchInterval() {
			return this.invalidTokenRefetchInterval;
		}

		public void setInvalidTokenRefetchInterval(Duration invalidTokenRefetchInterval) {
			this.invalidTokenRefetchInterval = PropertyChecks.positive(invalidTokenRefetchInterval);
		}

	}

	/**
	 * Zone affinity: prefer instances in this instance's zone while enough of them are
	 * available.
	 */
	public static class ZoneAffinity {

		/**
		 * Whether calls go to instances in this instance's zone (mesh.instance.zone)
		 * while enough of them are available, and to every zone otherwise. No effect
		 * without mesh.instance.zone.
		 */
		private boolean enabled = false;

		/**
		 * Share of the local zone's instances (those not draining) that must be
		 * available, not ejected, for the local zone alone to take the calls, in percent
		 * (0-100); at least one must be. Below it, calls spill over to every zone.
		 */
		private int minAvailablePercent = 70;

		ZoneAffinityPolicy toPolicy(String localZone) {
			return new ZoneAffinityPolicy(this.enabled, this.minAvailablePercent,
					(localZone != null && !localZone.isBlank()) ? localZone : null);
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMinAvailablePercent() {
			return this.minAvailablePercent;
		}

		public void setMinAvailablePercent(int minAvailablePercent) {
			this.minAvailablePercent = PropertyChecks.percent(minAvailablePercent);
		}

	}

	/**
	 * Slow start: a recently started instance's weight ramps up over a window measured
	 * from the start time it publishes (metadata started-at).
	 */
	public static class SlowStart {

		/**
		 * Whether the weight of instances that started recently (metadata started-at)
		 * ramps up over the window.
		 */
		private boolean enabled = false;

		/**
		 * How long the ramp lasts after an instance starts, from above 0s to 1h; an
		 * instance's published warmup (mesh.instance.warmup) overrides it.
		 */
		private Duration window = Duration.ofSeconds(30);

		/** Share of its weight a ramping instance gets at least, in percent (0-100). */
		private int minWeightPercent = 10;

		/**
		 * Shape of the ramp, a number above 0 up to 100: the weight factor is (age /
		 * window)^(1 / aggression), so 1 is linear and higher values ramp up faster early
		 * on.
		 */
		private double aggression = 1.0;

		SlowStartPolicy toPolicy() {
			return new SlowStartPolicy(this.enabled, this.window, this.minWeightPercent, this.aggression);
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = PropertyChecks.slowStartWindow(window);
		}

		public int getMinWeightPercent() {
			return this.minWeightPercent;
		}

		public void setMinWeightPercent(int minWeightPercent) {
			this.minWeightPercent = PropertyChecks.percent(minWeightPercent);
		}

		public double getAggression() {
			return this.aggression;
		}

		public void setAggression(double aggression) {
			this.aggression = PropertyChecks.aggression(aggression);
		}

	}

}
