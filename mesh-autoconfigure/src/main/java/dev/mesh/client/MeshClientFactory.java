package dev.mesh.client;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.mesh.discovery.ServiceInstanceCache;

import org.springframework.web.client.RestClient;

/**
 * Makes {@code RestClient} builders into mesh clients of a service. All clients of one service share
 * one route, so they share its picker and the state it keeps about the instances.
 */
public class MeshClientFactory {

	private final ServiceInstanceCache instanceCache;

	private final ClientPolicies policies;

	private final ConcurrentMap<String, MeshClientInterceptor> interceptors = new ConcurrentHashMap<>();

	/**
	 * @param instanceCache where instances of each service come from
	 * @param policies the settings of each service's client
	 */
	public MeshClientFactory(ServiceInstanceCache instanceCache, ClientPolicies policies) {
		this.instanceCache = instanceCache;
		this.policies = policies;
	}

	/**
	 * Adds the mesh pipeline for a service to a builder.
	 * @param builder the builder to configure (Boot's builder keeps its observation instrumentation)
	 * @param serviceId the service every request goes to
	 * @return the same builder
	 */
	public RestClient.Builder configure(RestClient.Builder builder, String serviceId) {
		MeshClientInterceptor interceptor = this.interceptors.computeIfAbsent(serviceId,
				(id) -> new MeshClientInterceptor(new ServiceRoute(id, this.policies.forService(id), this.instanceCache)));
		return builder.requestInterceptors((list) -> {
			if (!list.contains(interceptor)) {
				list.add(interceptor);
			}
		});
	}

	/**
	 * @param serviceId a service
	 * @return the policy its client uses
	 */
	public ClientPolicy policy(String serviceId) {
		return this.policies.forService(serviceId);
	}

}
