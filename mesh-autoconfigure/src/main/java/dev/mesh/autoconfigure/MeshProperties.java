package dev.mesh.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.client.ClientPolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the mesh ({@code mesh.*}). Client settings are looked up per service:
 * {@code mesh.clients.<service>} is bound over {@code mesh.client-defaults}
 * ({@link MeshClientProperties}). Values are checked at startup; a bad one fails startup
 * with a message naming the property, and so does a key under {@code mesh.} that is no
 * property (a misspelling is never ignored).
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

	/** The mesh clients' meters. */
	@NestedConfigurationProperty
	private final Metrics metrics = new Metrics();

	/**
	 * Client settings for every service, unless overridden under
	 * {@code mesh.clients.<service>}.
	 */
	@NestedConfigurationProperty
	private final MeshClientProperties clientDefaults = new MeshClientProperties();

	/**
	 * Client settings per called service, keyed by service id; each value not set here is
	 * inherited from mesh.client-defaults.
	 */
	private final Map<String, MeshClientProperties> clients = new LinkedHashMap<>();

	/**
	 * Server side: which callers' tokens this service accepts and which callers reach
	 * which paths.
	 */
	@NestedConfigurationProperty
	private final Security security = new Security();

	/** Routing of the requests this service handles. */
	@NestedConfigurationProperty
	private final Routing routing = new Routing();

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

	public Metrics getMetrics() {
		return this.metrics;
	}

	public MeshClientProperties getClientDefaults() {
		return this.clientDefaults;
	}

	public Map<String, MeshClientProperties> getClients() {
		return this.clients;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Routing getRouting() {
		return this.routing;
	}

	/**
	 * Resolves the settings in effect for one service's client.
	 * @param serviceId the called service
	 * @return per-client values over client defaults over built-in defaults
	 */
	public ClientPolicy clientPolicy(String serviceId) {
		return client(serviceId).toPolicy(this.instance.zone);
	}

	/**
	 * @param serviceId the called service
	 * @return the properties of its client, {@code mesh.client-defaults} for a service
	 * not listed under {@code mesh.clients}
	 */
	public MeshClientProperties client(String serviceId) {
		return this.clients.getOrDefault(serviceId, this.clientDefaults);
	}

	/**
	 * Binds the {@code mesh.*} properties outside the {@code MeshProperties} bean (in a
	 * Spring Cloud LoadBalancer client context of an application without it), with the
	 * same inheritance and checks.
	 * @param binder the environment's binder
	 * @return the bound properties
	 */
	public static MeshProperties bind(Binder binder) {
		return binder.bindOrCreate(ConfigurationPropertyName.of("mesh"), Bindable.of(MeshProperties.class),
				new ClientDefaultsBindHandler(BindHandler.DEFAULT));
	}

	@Override
	public boolean supports(Class<?> type) {
		return MeshProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		MeshProperties properties = (MeshProperties) target;
		SecurityPropertiesValidator.validate("security", properties.security, errors);
		if (!properties.clientDefaults.getVersions().isEmpty()) {
			errors.rejectValue("clientDefaults.versions", "perService",
					"is empty: versions are split per service, under mesh.clients.<service>.versions");
		}
		rejectOverload("clientDefaults", "mesh.client-defaults", properties.clientDefaults, errors);
		properties.clients.forEach((service, client) -> rejectOverload("clients[" + service + "]",
				"mesh.clients." + service, client, errors));
	}

	/** A duration as a user writes it: {@code 30s}, or {@code 1500ms}. */
	private static String text(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? DurationStyle.SIMPLE.print(duration, ChronoUnit.SECONDS)
				: DurationStyle.SIMPLE.print(duration);
	}

	private static void rejectOverload(String path, String prefix, MeshClientProperties client, Errors errors) {
		if (client.getOverload().problem() != null) {
			String inherited = prefix.startsWith("mesh.clients.") ? " (an avoid-time not set under " + prefix
					+ " comes from mesh.client-defaults.overload.avoid-time)" : "";
			errors.rejectValue(path + ".overload.avoidTime", "atMostMaxAvoidTime", "is at most " + prefix
					+ ".overload.max-avoid-time (" + text(client.getOverload().getMaxAvoidTime()) + ")" + inherited);
		}
	}

	/**
	 * Checks what the binding alone cannot: versions name one service's releases, and as
	 * a default they would be merged into every client's own split; an overload
	 * avoid-time must not exceed its max-avoid-time. Run at startup by {@link #validate}
	 * and on every refresh.
	 * @return what is wrong with {@code mesh.client-defaults} or
	 * {@code mesh.clients.<service>}, or {@code null}
	 */
	String clientsProblem() {
		if (!this.clientDefaults.getVersions().isEmpty()) {
			return "mesh.client-defaults.versions " + this.clientDefaults.getVersions()
					+ " must be empty: versions are split per service, under mesh.clients.<service>.versions";
		}
		String problem = this.clientDefaults.getOverload().problem();
		if (problem != null) {
			return "mesh.client-defaults.overload: " + problem;
		}
		for (Map.Entry<String, MeshClientProperties> client : this.clients.entrySet()) {
			problem = client.getValue().getOverload().problem();
			if (problem != null) {
				return "mesh.clients." + client.getKey() + ".overload: " + problem;
			}
		}
		return null;
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

		/** What this instance does when it is asked to stop. */
		@NestedConfigurationProperty
		private final Shutdown shutdown = new Shutdown();

		public Shutdown getShutdown() {
			return this.shutdown;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = PropertyChecks.weight(weight);
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
			this.warmup = PropertyChecks.warmup(warmup);
		}

	}

	/** What this instance does when it is asked to stop (SIGTERM, context close). */
	public static class Shutdown {

		/**
		 * How long this instance drains before Spring Boot's graceful shutdown finishes
		 * the requests in flight: it leaves the registry and answers every request with
		 * header Mesh-Going-Away, so callers stop picking it. 0s turns the drain off.
		 * Default: twice mesh.discovery.refresh-interval, at most
		 * spring.lifecycle.timeout-per-shutdown-phase; a longer value fails startup.
		 */
		private Duration drainTime;

		public Duration getDrainTime() {
			return this.drainTime;
		}

		public void setDrainTime(Duration drainTime) {
			this.drainTime = PropertyChecks.drainTime(drainTime);
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

	/** The mesh clients' meters. */
	public static class Metrics {

		/**
		 * How long the per-instance meters (mesh.client.requests) of an instance that has
		 * left the registry are kept before they are removed from the meter registry; an
		 * instance that comes back within it keeps them. 0 removes them as soon as the
		 * instance leaves.
		 */
		private Duration departedInstanceRetention = Duration.ofMinutes(5);

		public Duration getDepartedInstanceRetention() {
			return this.departedInstanceRetention;
		}

		public void setDepartedInstanceRetention(Duration departedInstanceRetention) {
			this.departedInstanceRetention = PropertyChecks.notNegative(departedInstanceRetention);
		}

	}

	/** Routing of the requests this service handles. */
	public static class Routing {

		/**
		 * Whose Mesh-Route-Version header (a pin of the request to a version of the
		 * services it reaches) is honoured and passed on to the mesh calls made while
		 * handling the request: authenticated mesh callers (a JWT the mesh's own token
		 * checks accept: issuer, this service's audience, expiry; not end users logged in
		 * by the application's own security), any caller, or none. Others' pins are
		 * ignored.
		 */
		private VersionPinTrust versionPin = VersionPinTrust.AUTHENTICATED;

		public VersionPinTrust getVersionPin() {
			return this.versionPin;
		}

		public void setVersionPin(VersionPinTrust versionPin) {
			this.versionPin = versionPin;
		}

	}

	/** Whose {@code Mesh-Route-Version} pins are honoured. */
	public enum VersionPinTrust {

		/**
		 * Mesh callers: the request was authenticated by a JWT the mesh's token checks
		 * accept.
		 */
		AUTHENTICATED,

		/** Any caller: for an edge service in a test environment. */
		ANY,

		/** No caller. */
		NONE

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
			this.refreshInterval = PropertyChecks.positive(refreshInterval);
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
