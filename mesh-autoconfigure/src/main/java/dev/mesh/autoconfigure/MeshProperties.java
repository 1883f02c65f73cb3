package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.client.ClientPolicy;
import dev.mesh.discovery.MeshMetadata;
import dev.mesh.loadbalancer.LoadBalancerPolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the mesh ({@code mesh.*}). Client settings are looked up per service:
 * a value under {@code mesh.clients.<service>} wins over {@code mesh.client-defaults},
 * which wins over the built-in default. Values are checked at startup; a bad one fails
 * startup with a message naming the property, and so does a key under {@code mesh.} that
 * is no property (a misspelling is never ignored).
 */
@ConfigurationProperties(prefix = "mesh", ignoreUnknownFields = false)
public class MeshProperties implements Validator {

	/**
	 * Whether the mesh starter is on. When off, {@code @MeshClient} beans stay plain
	 * RestClients and nothing is published to the registry.
	 */
	private boolean enabled = true;

	/** What this instance publishes to the registry. */
	@NestedConfigurationProperty
	private final Instance instance = new Instance();

	/** How the instances of called services are discovered. */
	@NestedConfigurationProperty
	private final Discovery discovery = new Discovery();

	/** The {@code mesh} health contributor. */
	@NestedConfigurationProperty
	private final Health health = new Health();

	/** Tracing of mesh clients' attempts. */
	@NestedConfigurationProperty
	private final Tracing tracing = new Tracing();

	/**
	 * Client settings for every service, unless overridden under
	 * {@code mesh.clients.<service>}.
	 */
	@NestedConfigurationProperty
	private final Client clientDefaults = new Client();

	/** Client settings per called service, keyed by service id. */
	private final Map<String, Client> clients = new LinkedHashMap<>();

	/**
	 * Server side: which callers' tokens this service accepts and which callers reach
	 * which paths.
	 */
	@NestedConfigurationProperty
	private final Security security = new Security();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Instance getInstance() {
		return this.instance;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	public Health getHealth() {
		return this.health;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	public Client getClientDefaults() {
		return this.clientDefaults;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	public Security getSecurity() {
		return this.security;
	}

	/**
	 * Resolves the settings in effect for one service's client.
	 * @param serviceId the called service
	 * @return per-client values over client defaults over built-in defaults
	 */
	public ClientPolicy clientPolicy(String serviceId) {
		return ClientPolicyResolver.resolve(this.clients.getOrDefault(serviceId, Client.EMPTY), this.clientDefaults,
				this.instance.zone);
	}

	@Override
	public boolean supports(Class<?> type) {
		return MeshProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		MeshProperties properties = (MeshProperties) target;
		int weight = properties.instance.weight;
		if (weight < MeshMetadata.MIN_WEIGHT || weight > MeshMetadata.MAX_WEIGHT) {
			errors.rejectValue("instance.weight", "range", "must be an integer from " + MeshMetadata.MIN_WEIGHT + " to "
					+ MeshMetadata.MAX_WEIGHT + " (0 = draining)");
		}
		Duration warmup = properties.instance.warmup;
		if (warmup != null && (warmup.isNegative() || warmup.compareTo(MeshMetadata.MAX_WARMUP) > 0)) {
			errors.rejectValue("instance.warmup", "range", "must be a duration from 0s (no ramp) to 1h");
		}
		Duration refresh = properties.discovery.refreshInterval;
		if (refresh == null || refresh.isNegative() || refresh.isZero()) {
			errors.rejectValue("discovery.refreshInterval", "positive", "must be a positive duration, such as 1s");
		}
		ClientPropertiesValidator.validate("clientDefaults", properties.clientDefaults, errors);
		properties.clients.forEach(
				(service, client) -> ClientPropertiesValidator.validate("clients[" + service + "]", client, errors));
		SecurityPropertiesValidator.validate("security", properties.security, errors);
	}

	/** What this instance publishes as registry metadata. */
	public static class Instance {

		/**
		 * This instance's share of traffic, an integer from 0 to 10000. 0 means draining:
		 * callers send it no new requests.
		 */
		private int weight = 1;

		/** Availability zone published as metadata {@code zone}. */
		private String zone;

		/** Application version published as metadata {@code version}. */
		private String version;

		/**
		 * How long callers with slow start on should ramp this instance's share of
		 * traffic up after it starts, from 0s (no ramp) to 1h; published as metadata
		 * {@code warmup} and used instead of the callers' own slow-start window. Unset:
		 * callers use their window.
		 */
		private Duration warmup;

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public String getZone() {
			return this.zone;
		}

		public void setZone(String zone) {
			this.zone = zone;
		}

		public String getVersion() {
			return this.version;
		}

		public void setVersion(String version) {
			this.version = version;
		}

		public Duration getWarmup() {
			return this.warmup;
		}

		public void setWarmup(Duration warmup) {
			this.warmup = warmup;
		}

	}

	/** The {@code mesh} health contributor. */
	public static class Health {

		/**
		 * Whether a called service with no available instance makes this instance's
		 * {@code mesh} health DOWN. Off by default: a callee's outage must not get
		 * healthy callers deregistered.
		 */
		private boolean downstreamAffectsStatus;

		public boolean isDownstreamAffectsStatus() {
			return this.downstreamAffectsStatus;
		}

		public void setDownstreamAffectsStatus(boolean downstreamAffectsStatus) {
			this.downstreamAffectsStatus = downstreamAffectsStatus;
		}

	}

	/** Tracing of mesh clients' attempts (with Micrometer Tracing set up). */
	public static class Tracing {

		/**
		 * Whether each attempt of a mesh call is a span (a child of the RestClient's span
		 * of the call) whose trace context goes out in the attempt's headers. Off, the
		 * call's span is the last one the caller makes and its context is what the server
		 * sees.
		 */
		private boolean attemptSpans = true;

		public boolean isAttemptSpans() {
			return this.attemptSpans;
		}

		public void setAttemptSpans(boolean attemptSpans) {
			this.attemptSpans = attemptSpans;
		}

	}

	/** How instances of called services are discovered. */
	public static class Discovery {

		/**
		 * How often the cached instance lists are refreshed from the registry in the
		 * background. Registry change events (Consul's catalog watch) also trigger a
		 * refresh at once.
		 */
		private Duration refreshInterval = Duration.ofSeconds(1);

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

	}

	/**
	 * Settings of a mesh client. Unset values are inherited: per-client from
	 * {@code mesh.client-defaults}, and those from the built-in defaults.
	 */
	public static class Client {

		static final Client EMPTY = new Client();

		/**
		 * How calls are spread over the service's instances: weighted-round-robin
		 * (default), weighted-random, round-robin, least-request or peak-ewma.
		 */
		private LoadBalancerPolicy loadBalancer;

		/** Deadline of a whole call, retries and backoff included. Default 10s. */
		private Duration timeout;

		/**
		 * Deadline of one attempt, whole response included; also sent as Mesh-Timeout-Ms.
		 * Default 3s.
		 */
		private Duration perAttemptTimeout;

		/** Deadline for opening a connection to an instance. Default 1s. */
		private Duration connectTimeout;

		/**
		 * Calls allowed in flight at once (a resilience4j bulkhead named mesh-<service>);
		 * excess calls fail at once. No limit by default.
		 */
		private Integer maxConcurrentRequests;

		/**
		 * Whether calls go through a resilience4j circuit breaker named mesh-<service>,
		 * tuned with resilience4j.circuitbreaker.* properties. Also on when resilience4j
		 * configures an instance of that name. Default false.
		 */
		private Boolean circuitBreaker;

		/**
		 * Largest response body a call reads into memory, such as 512KB or 10MB; a larger
		 * one (by its Content-Length, or while it is read) fails the attempt with
		 * ResponseTooLargeException, its connection closed, and is not retried. Default
		 * 10MB.
		 */
		private DataSize maxResponseSize;

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) calls to instances
		 * registered as secure (Consul's secure flag, or metadata scheme=https) are made
		 * with: the certificates trusted, and the key presented to a service that
		 * requires client certificates (mutual TLS). Unset: the bundle of
		 * spring.http.client.ssl.bundle, else the JVM's default trust.
		 */
		private String sslBundle;

		/**
		 * Whether a response body is read in full within its attempt (the deadline covers
		 * the whole exchange, max-response-size applies, a body broken off is retried).
		 * False hands the body to the caller as a stream once the headers are in (large
		 * downloads, server-sent events): the deadline then ends with the headers,
		 * max-response-size does not apply, and the caller must close the stream. Default
		 * true.
		 */
		private Boolean bufferResponse;

		/** How failed attempts are retried. */
		@NestedConfigurationProperty
		private final Retry retry = new Retry();

		/** When instances are ejected (passive health checking). */
		@NestedConfigurationProperty
		private final Outlier outlier = new Outlier();

		/** Which OAuth2 client-credentials token calls carry. */
		@NestedConfigurationProperty
		private final OAuth2 oauth2 = new OAuth2();

		/**
		 * Whether calls prefer instances in this instance's zone (mesh.instance.zone).
		 */
		@NestedConfigurationProperty
		private final ZoneAffinity zoneAffinity = new ZoneAffinity();

		/** How the share of traffic of recently started instances ramps up. */
		@NestedConfigurationProperty
		private final SlowStart slowStart = new SlowStart();

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
			this.timeout = timeout;
		}

		public Duration getPerAttemptTimeout() {
			return this.perAttemptTimeout;
		}

		public void setPerAttemptTimeout(Duration perAttemptTimeout) {
			this.perAttemptTimeout = perAttemptTimeout;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Integer getMaxConcurrentRequests() {
			return this.maxConcurrentRequests;
		}

		public void setMaxConcurrentRequests(Integer maxConcurrentRequests) {
			this.maxConcurrentRequests = maxConcurrentRequests;
		}

		public Boolean getCircuitBreaker() {
			return this.circuitBreaker;
		}

		public void setCircuitBreaker(Boolean circuitBreaker) {
			this.circuitBreaker = circuitBreaker;
		}

		public String getSslBundle() {
			return this.sslBundle;
		}

		public void setSslBundle(String sslBundle) {
			this.sslBundle = sslBundle;
		}

		public Boolean getBufferResponse() {
			return this.bufferResponse;
		}

		public void setBufferResponse(Boolean bufferResponse) {
			this.bufferResponse = bufferResponse;
		}

		public DataSize getMaxResponseSize() {
			return this.maxResponseSize;
		}

		public void setMaxResponseSize(DataSize maxResponseSize) {
			this.maxResponseSize = maxResponseSize;
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

	}

	/**
	 * Zone affinity: prefer instances in this instance's zone while enough of them are
	 * available.
	 */
	public static class ZoneAffinity {

		/**
		 * Whether calls go to instances in this instance's zone (mesh.instance.zone)
		 * while enough of them are available, and to every zone otherwise. No effect
		 * without mesh.instance.zone. Default false.
		 */
		private Boolean enabled;

		/**
		 * Share of the local zone's instances (those not draining) that must be
		 * available, not ejected, for the local zone alone to take the calls, in percent
		 * (0-100); at least one must be. Below it, calls spill over to every zone.
		 * Default 70.
		 */
		private Integer minAvailablePercent;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Integer getMinAvailablePercent() {
			return this.minAvailablePercent;
		}

		public void setMinAvailablePercent(Integer minAvailablePercent) {
			this.minAvailablePercent = minAvailablePercent;
		}

	}

	/**
	 * Slow start: a recently started instance's weight ramps up over a window measured
	 * from the start time it publishes (metadata started-at).
	 */
	public static class SlowStart {

		/**
		 * Whether the weight of instances that started recently (metadata started-at)
		 * ramps up over the window. Default false.
		 */
		private Boolean enabled;

		/**
		 * How long the ramp lasts after an instance starts, from above 0s to 1h; an
		 * instance's published warmup (mesh.instance.warmup) overrides it. Default 30s.
		 */
		private Duration window;

		/**
		 * Share of its weight a ramping instance gets at least, in percent (0-100).
		 * Default 10.
		 */
		private Integer minWeightPercent;

		/**
		 * Shape of the ramp, a number above 0 up to 100: the weight factor is (age /
		 * window)^(1 / aggression), so 1 is linear and higher values ramp up faster early
		 * on. Default 1.
		 */
		private Double aggression;

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public Integer getMinWeightPercent() {
			return this.minWeightPercent;
		}

		public void setMinWeightPercent(Integer minWeightPercent) {
			this.minWeightPercent = minWeightPercent;
		}

		public Double getAggression() {
			return this.aggression;
		}

		public void setAggression(Double aggression) {
			this.aggression = aggression;
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
		 * Default mesh.
		 */
		private String registrationId;

		/** Scopes to request for this service; default the registration's own scopes. */
		private List<String> scopes;

		/**
		 * How long before expiry a cached token is replaced, in the background while
		 * callers keep using it; at most half the token's lifetime. Default 60s.
		 */
		private Duration refreshBeforeExpiry;

		/**
		 * How long a token request may take to connect to the token endpoint. Default 1s.
		 */
		private Duration connectTimeout;

		/**
		 * How long a token request may wait for the token endpoint's whole answer once
		 * sent. A call that has no valid token waits for it at most until its own
		 * deadline. Default 5s.
		 */
		private Duration readTimeout;

		/**
		 * How old a token must be before a 401 with {@code error="invalid_token"}
		 * replaces it; a younger token is kept and the 401 counts against the instance.
		 * So such answers cause at most one token request per interval. Default 10s.
		 */
		private Duration invalidTokenRefetchInterval;

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
			this.registrationId = registrationId;
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
			this.refreshBeforeExpiry = refreshBeforeExpiry;
		}

		public Duration getConnectTimeout() {
			return this.connectTimeout;
		}

		public void setConnectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
		}

		public Duration getReadTimeout() {
			return this.readTimeout;
		}

		public void setReadTimeout(Duration readTimeout) {
			this.readTimeout = readTimeout;
		}

		public Duration getInvalidTokenRefetchInterval() {
			return this.invalidTokenRefetchInterval;
		}

		public void setInvalidTokenRefetchInterval(Duration invalidTokenRefetchInterval) {
			this.invalidTokenRefetchInterval = invalidTokenRefetchInterval;
		}

	}

	/** How failed attempts are retried. */
	public static class Retry {

		/** Attempts in all, including the first; 1 turns retries off. Default 3. */
		private Integer maxAttempts;

		/**
		 * Failures that may be retried: connect-failure, reset, timeout and status codes
		 * 500-599. Default connect-failure, reset, timeout, 502, 503, 504. POST and PATCH
		 * are retried only on connect-failure or with an Idempotency-Key header.
		 */
		private List<String> on;

		/** The wait between attempts. */
		@NestedConfigurationProperty
		private final Backoff backoff = new Backoff();

		/** The share of calls that may be retried. */
		@NestedConfigurationProperty
		private final Budget budget = new Budget();

		public Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public List<String> getOn() {
			return this.on;
		}

		public void setOn(List<String> on) {
			this.on = on;
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

		/** Wait before the first retry. Default 25ms. */
		private Duration initial;

		/** Growth of the wait per retry, 1 or more. Default 2. */
		private Double multiplier;

		/** Longest wait. Default 1s. */
		private Duration max;

		/** Randomisation of each wait, from 0 (none) to below 1. Default 0.5. */
		private Double jitter;

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(Double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public Double getJitter() {
			return this.jitter;
		}

		public void setJitter(Double jitter) {
			this.jitter = jitter;
		}

	}

	/** Retry budget over a 10 s window. */
	public static class Budget {

		/** Retries allowed per call, from 0 to 1. Default 0.2. */
		private Double ratio;

		/** Retries per second always allowed, whatever the traffic. Default 10. */
		private Integer minPerSecond;

		public Double getRatio() {
			return this.ratio;
		}

		public void setRatio(Double ratio) {
			this.ratio = ratio;
		}

		public Integer getMinPerSecond() {
			return this.minPerSecond;
		}

		public void setMinPerSecond(Integer minPerSecond) {
			this.minPerSecond = minPerSecond;
		}

	}

	/** Passive health checking: when instances are ejected. */
	public static class Outlier {

		/**
		 * Failed attempts in a row (connect failure, timeout, reset or 5xx) that eject an
		 * instance. Default 5.
		 */
		private Integer consecutiveFailures;

		/**
		 * How long a first ejection lasts; each repeated ejection doubles it. Default
		 * 30s.
		 */
		private Duration ejectionTime;

		/** Longest ejection. Default 5m. */
		private Duration maxEjectionTime;

		/**
		 * Most of a service's instances ejected at once, in percent (0-100); an ejection
		 * past it is refused, though one instance may always be ejected. Default 50.
		 */
		private Integer maxEjectionPercent;

		public Integer getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(Integer consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
		}

		public Duration getEjectionTime() {
			return this.ejectionTime;
		}

		public void setEjectionTime(Duration ejectionTime) {
			this.ejectionTime = ejectionTime;
		}

		public Duration getMaxEjectionTime() {
			return this.maxEjectionTime;
		}

		public void setMaxEjectionTime(Duration maxEjectionTime) {
			this.maxEjectionTime = maxEjectionTime;
		}

		public Integer getMaxEjectionPercent() {
			return this.maxEjectionPercent;
		}

		public void setMaxEjectionPercent(Integer maxEjectionPercent) {
			this.maxEjectionPercent = maxEjectionPercent;
		}

	}

	/**
	 * Server side of the mesh: a JWT resource server that checks signature, issuer,
	 * expiry and audience of every caller's token when
	 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri} (or
	 * {@code jwk-set-uri}) is set, and rules that decide which callers reach which paths.
	 */
	public static class Security {

		/**
		 * Whether the starter secures this service. When on and an issuer or JWK set is
		 * configured, every request but the public paths needs a valid token; with
		 * neither configured the service stays open and says so in one warning. When off,
		 * Spring Boot's own security defaults apply.
		 */
		private boolean enabled = true;

		/**
		 * The audience ({@code aud}) a token must contain to be accepted here. Default
		 * {@code spring.application.name}.
		 */
		private String audience;

		/**
		 * Path patterns open without a token. Default /actuator/health/** and
		 * /actuator/info.
		 */
		private List<String> publicPaths = new ArrayList<>(List.of("/actuator/health/**", "/actuator/info"));

		/**
		 * Tolerance for clock differences when checking a token's expiry and not-before,
		 * from 0s to 60s (Spring Security's own check never allows more than 60s).
		 */
		private Duration clockSkew = Duration.ofSeconds(30);

		/**
		 * The issuer ({@code iss}) a token must name, checked by the mesh whatever
		 * decoder checks the signature. Default
		 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}.
		 */
		private String issuer;

		/**
		 * Whether startup fails when tokens are checked without an issuer (only a JWK
		 * set, a public key or an application's own JwtDecoder, and neither this nor
		 * issuer-uri set), which would accept tokens from any issuer signing with the
		 * same keys. false accepts them and says so in one warning.
		 */
		private boolean requireIssuer = true;

		/**
		 * Which callers reach which paths. The first rule whose path (and methods, if
		 * given) match a request decides; with no matching rule any valid token is
		 * enough.
		 */
		private List<Rule> rules = new ArrayList<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getAudience() {
			return this.audience;
		}

		public void setAudience(String audience) {
			this.audience = audience;
		}

		public List<String> getPublicPaths() {
			return this.publicPaths;
		}

		public void setPublicPaths(List<String> publicPaths) {
			this.publicPaths = publicPaths;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

		public String getIssuer() {
			return this.issuer;
		}

		public void setIssuer(String issuer) {
			this.issuer = issuer;
		}

		public boolean isRequireIssuer() {
			return this.requireIssuer;
		}

		public void setRequireIssuer(boolean requireIssuer) {
			this.requireIssuer = requireIssuer;
		}

		public List<Rule> getRules() {
			return this.rules;
		}

		public void setRules(List<Rule> rules) {
			this.rules = rules;
		}

	}

	/**
	 * One access rule: requests to a path (and methods) → the callers allowed and the
	 * scopes required.
	 */
	public static class Rule {

		/**
		 * Path pattern the rule applies to, such as {@code /api/reservations/**}.
		 * Required.
		 */
		private String path;

		/** HTTP methods the rule applies to, such as POST. Default: every method. */
		private List<String> methods = new ArrayList<>();

		/**
		 * Client ids allowed to call (the token's azp, client_id or sub claim). Default:
		 * any caller.
		 */
		private List<String> callers = new ArrayList<>();

		/** Scopes the token must all have, such as inventory.write. Default: none. */
		private List<String> scopes = new ArrayList<>();

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public List<String> getMethods() {
			return this.methods;
		}

		public void setMethods(List<String> methods) {
			this.methods = methods;
		}

		public List<String> getCallers() {
			return this.callers;
		}

		public void setCallers(List<String> callers) {
			this.callers = callers;
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

	}

}
