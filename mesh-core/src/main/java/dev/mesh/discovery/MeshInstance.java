package dev.mesh.discovery;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One instance of a mesh service as the pickers see it: its address, its parsed weight,
 * zone and version, and the live counters the client keeps for it. Instances are reused
 * across discovery refreshes while the registry reports the same id and metadata, so
 * their counters survive.
 */
public final class MeshInstance {

	private final ServiceInstance serviceInstance;

	private final String id;

	private final String baseUri;

	/** {@link #baseUri} parsed, when it has no path; see {@link #root()}. */
	private final URI root;

	private final int weight;

	private final String zone;

	private final String version;

	private final Instant startedAt;

	private final Duration warmup;

	private final InstanceState state = new InstanceState();

	MeshInstance(ServiceInstance serviceInstance, String id, int weight, String zone, String version, Instant startedAt,
			Duration warmup) {
		this.serviceInstance = serviceInstance;
		this.id = id;
		this.baseUri = baseUriOf(serviceInstance);
		this.root = rootOf(this.baseUri);
		this.weight = weight;
		this.zone = zone;
		this.version = version;
		this.startedAt = startedAt;
		this.warmup = warmup;
	}

	/**
	 * Creates an instance view for tests and for registries other than Spring Cloud's.
	 * Its start time and warm-up are read from the metadata as
	 * {@link MeshInstanceFactory} reads them, but unreadable ones are dropped without a
	 * warning.
	 * @param serviceInstance the registry's instance
	 * @param weight the weight, from {@value MeshMetadata#MIN_WEIGHT} to
	 * {@value MeshMetadata#MAX_WEIGHT}
	 * @return the instance view
	 */
	public static MeshInstance of(ServiceInstance serviceInstance, int weight) {
		if (weight < MeshMetadata.MIN_WEIGHT || weight > MeshMetadata.MAX_WEIGHT) {
			throw new IllegalArgumentException("weight: " + weight + " (expected: 0..10000)");
		}
		Map<String, String> metadata = serviceInstance.getMetadata();
		Duration warmup = (metadata != null) ? MeshInstanceFactory.parseWarmup(metadata.get(MeshMetadata.WARMUP))
				: null;
		String zone = (metadata != null) ? MeshInstanceFactory.parseLabel(metadata.get(MeshMetadata.ZONE)) : null;
		String version = (metadata != null) ? MeshInstanceFactory.parseLabel(metadata.get(MeshMetadata.VERSION)) : null;
		if (version == null && metadata != null) {
			version = MeshInstanceFactory.parseLabel(metadata.get(MeshMetadata.API_VERSION));
		}
		return new MeshInstance(serviceInstance, idOf(serviceInstance), weight, zone, version,
				MeshInstanceFactory.rampStartOf(metadata, Instant.now()), warmup);
	}

	static String idOf(ServiceInstance serviceInstance) {
		String instanceId = serviceInstance.getInstanceId();
		if (instanceId != null && !instanceId.isBlank()) {
			return instanceId;
		}
		return serviceInstance.getHost() + ":" + serviceInstance.getPort();
	}

	private static String baseUriOf(ServiceInstance serviceInstance) {
		URI uri = serviceInstance.getUri();
		String base = (uri != null) ? uri.toString() : (serviceInstance.isSecure() ? "https://" : "http://")
				+ serviceInstance.getHost() + ":" + serviceInstance.getPort();
		if (httpsByMetadata(serviceInstance) && base.regionMatches(true, 0, "http://", 0, "http://".length())) {
			base = "https://" + base.substring("http://".length());
		}
		return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
	}

	/**
	 * Spring Cloud's {@code secure} already makes {@link ServiceInstance#getUri()} an
	 * {@code https} one; metadata {@value MeshMetadata#SCHEME}{@code =https} does the
	 * same for registries (or registrations) that cannot say {@code secure}. It only ever
	 * upgrades: see {@link MeshMetadata#SCHEME}.
	 */
	private static boolean httpsByMetadata(ServiceInstance serviceInstance) {
		Map<String, String> metadata = serviceInstance.getMetadata();
		String scheme = (metadata != null) ? metadata.get(MeshMetadata.SCHEME) : null;
		return scheme != null && scheme.strip().equalsIgnoreCase("https");
	}

	/**
	 * @return the registry's instance
	 */
	public ServiceInstance serviceInstance() {
		return this.serviceInstance;
	}

	/**
	 * @return the instance id, or {@code host:port} when the registry gives none
	 */
	public String id() {
		return this.id;
	}

	private static URI rootOf(String baseUri) {
		try {
			URI uri = new URI(baseUri);
			boolean bare = uri.getHost() != null && uri.getRawPath() != null && uri.getRawPath().isEmpty()
					&& uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
			return bare ? uri : null;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/**
	 * @return scheme, host and port (plus any base path) without a trailing slash
	 */
	public String baseUri() {
		return this.baseUri;
	}

	/**
	 * @return {@link #baseUri()} as a parsed URI when it is only scheme, host and port,
	 * so a request path can be {@linkplain URI#resolve(URI) resolved} against it without
	 * parsing the address again on every attempt; {@code null} when the base URI has a
	 * path or cannot be parsed
	 */
	public URI root() {
		return this.root;
	}

	/**
	 * @return the weight; 0 means draining
	 */
	public int weight() {
		return this.weight;
	}

	/**
	 * @return the zone, or {@code null}
	 */
	public String zone() {
		return this.zone;
	}

	/**
	 * @return the version, or {@code null}
	 */
	public String version() {
		return this.version;
	}

	/**
	 * @return when the instance's application started (metadata
	 * {@value MeshMetadata#STARTED_AT}), or {@code null} when it publishes none or an
	 * unreadable start time or warm-up: such an instance is never ramped up by slow start
	 */
	public Instant startedAt() {
		return this.startedAt;
	}

	/**
	 * @return the warm-up the instance asks for (metadata {@value MeshMetadata#WARMUP}),
	 * at most {@link MeshMetadata#MAX_WARMUP}, or {@code null} when it publishes none
	 * (callers use their own slow-start window)
	 */
	public Duration warmup() {
		return this.warmup;
	}

	/**
	 * @return what callers observed about this instance (in-flight, failures, ejection)
	 */
	public InstanceState state() {
		return this.state;
	}

	boolean sameRegistration(ServiceInstance other) {
		return MeshInstanceFactory.sameRegistration(this.serviceInstance, other);
	}

	@Override
	public String toString() {
		return this.id + "(" + RedactedUris.of(this.baseUri) + ", weight " + this.weight + ")";
	}

}
