package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.mesh.client.ClientPolicy;
import dev.mesh.discovery.MeshMetadata;
import dev.mesh.loadbalancer.LoadBalancerPolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of the mesh ({@code mesh.*}). Client settings are looked up per service: a value under
 * {@code mesh.clients.<service>} wins over {@code mesh.client-defaults}, which wins over the built-in
 * default. Values are checked at startup; a bad one fails startup with a message naming the property.
 */
@ConfigurationProperties("mesh")
public class MeshProperties implements Validator {

	/**
	 * Whether the mesh starter is on. When off, {@code @MeshClient} beans stay plain RestClients and
	 * nothing is published to the registry.
	 */
	private boolean enabled = true;

	/** What this instance publishes to the registry. */
	@NestedConfigurationProperty
	private final Instance instance = new Instance();

	/** How the instances of called services are discovered. */
	@NestedConfigurationProperty
	private final Discovery discovery = new Discovery();

	/** Client settings for every service, unless overridden under {@code mesh.clients.<service>}. */
	@NestedConfigurationProperty
	private final Client clientDefaults = new Client();

	/** Client settings per called service, keyed by service id. */
	private final Map<String, Client> clients = new LinkedHashMap<>();

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

	public Client getClientDefaults() {
		return this.clientDefaults;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	/**
	 * Resolves the settings in effect for one service's client.
	 * @param serviceId the called service
	 * @return per-client values over client defaults over built-in defaults
	 */
	public ClientPolicy clientPolicy(String serviceId) {
		Client client = this.clients.getOrDefault(serviceId, Client.EMPTY);
		ClientPolicy builtIn = ClientPolicy.DEFAULTS;
		return new ClientPolicy(firstNonNull(client.loadBalancer, this.clientDefaults.loadBalancer,
				builtIn.loadBalancer()));
	}

	private static <T> T firstNonNull(T client, T defaults, T builtIn) {
		return (client != null) ? client : (defaults != null) ? defaults : builtIn;
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
			errors.rejectValue("instance.weight", "range", "must be an integer from " + MeshMetadata.MIN_WEIGHT
					+ " to " + MeshMetadata.MAX_WEIGHT + " (0 = draining)");
		}
		Duration refresh = properties.discovery.refreshInterval;
		if (refresh == null || refresh.isNegative() || refresh.isZero()) {
			errors.rejectValue("discovery.refreshInterval", "positive", "must be a positive duration, such as 1s");
		}
	}

	/** What this instance publishes as registry metadata. */
	public static class Instance {

		/**
		 * This instance's share of traffic, an integer from 0 to 10000. 0 means draining: callers send
		 * it no new requests.
		 */
		private int weight = 1;

		/** Availability zone published as metadata {@code zone}. */
		private String zone;

		/** Application version published as metadata {@code version}. */
		private String version;

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

	}

	/** How instances of called services are discovered. */
	public static class Discovery {

		/**
		 * How often the cached instance lists are refreshed from the registry in the background.
		 * Registry change events (Consul's catalog watch) also trigger a refresh at once.
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
		 * How calls are spread over the service's instances: weighted-round-robin (default),
		 * weighted-random or round-robin.
		 */
		private LoadBalancerPolicy loadBalancer;

		public LoadBalancerPolicy getLoadBalancer() {
			return this.loadBalancer;
		}

		public void setLoadBalancer(LoadBalancerPolicy loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

	}

}
