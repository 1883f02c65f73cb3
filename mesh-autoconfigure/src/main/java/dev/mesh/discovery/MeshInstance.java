package dev.mesh.discovery;

import java.net.URI;
import java.util.Objects;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One instance of a mesh service as the pickers see it: its address, its parsed weight, zone and
 * version, and the live counters the client keeps for it. Instances are reused across discovery
 * refreshes while the registry reports the same id and metadata, so their counters survive.
 */
public final class MeshInstance {

	private final ServiceInstance serviceInstance;

	private final String id;

	private final String baseUri;

	private final int weight;

	private final String zone;

	private final String version;

	private final InstanceState state = new InstanceState();

	MeshInstance(ServiceInstance serviceInstance, String id, int weight) {
		this.serviceInstance = serviceInstance;
		this.id = id;
		this.baseUri = baseUriOf(serviceInstance);
		this.weight = weight;
		this.zone = serviceInstance.getMetadata().get(MeshMetadata.ZONE);
		this.version = serviceInstance.getMetadata().get(MeshMetadata.VERSION);
	}

	/**
	 * Creates an instance view for tests and for registries other than Spring Cloud's.
	 * @param serviceInstance the registry's instance
	 * @param weight the weight, from {@value MeshMetadata#MIN_WEIGHT} to {@value MeshMetadata#MAX_WEIGHT}
	 * @return the instance view
	 */
	public static MeshInstance of(ServiceInstance serviceInstance, int weight) {
		if (weight < MeshMetadata.MIN_WEIGHT || weight > MeshMetadata.MAX_WEIGHT) {
			throw new IllegalArgumentException("weight: " + weight + " (expected: 0..10000)");
		}
		return new MeshInstance(serviceInstance, idOf(serviceInstance), weight);
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
		String base = (uri != null) ? uri.toString()
				: (serviceInstance.isSecure() ? "https://" : "http://") + serviceInstance.getHost() + ":"
						+ serviceInstance.getPort();
		return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
	}

	/** @return the registry's instance */
	public ServiceInstance serviceInstance() {
		return this.serviceInstance;
	}

	/** @return the instance id, or {@code host:port} when the registry gives none */
	public String id() {
		return this.id;
	}

	/** @return scheme, host and port (plus any base path) without a trailing slash */
	public String baseUri() {
		return this.baseUri;
	}

	/** @return the weight; 0 means draining */
	public int weight() {
		return this.weight;
	}

	/** @return the zone, or {@code null} */
	public String zone() {
		return this.zone;
	}

	/** @return the version, or {@code null} */
	public String version() {
		return this.version;
	}

	/** @return what callers observed about this instance (in-flight, failures, ejection) */
	public InstanceState state() {
		return this.state;
	}

	boolean sameRegistration(ServiceInstance other) {
		return Objects.equals(this.serviceInstance.getUri(), other.getUri())
				&& Objects.equals(this.serviceInstance.getMetadata(), other.getMetadata());
	}

	@Override
	public String toString() {
		return this.id + "(" + this.baseUri + ", weight " + this.weight + ")";
	}

}
