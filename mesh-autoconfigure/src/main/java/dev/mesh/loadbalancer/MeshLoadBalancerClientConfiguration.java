package dev.mesh.loadbalancer;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Cloud LoadBalancer client configuration that chooses instances with the mesh pickers
 * ({@link MeshReactorLoadBalancer}) and feeds each call's outcome back to them
 * ({@link MeshLoadBalancerLifecycle}, a {@code LoadBalancerLifecycle}). Not an auto-configuration:
 * reference it for one service or for all of them:
 * <pre class="code">
 * &#64;LoadBalancerClient(name = "inventory", configuration = MeshLoadBalancerClientConfiguration.class)
 * &#64;LoadBalancerClients(defaultConfiguration = MeshLoadBalancerClientConfiguration.class)
 * </pre>
 * The policy of a service is {@code mesh.clients.<service>.load-balancer}, else
 * {@code mesh.client-defaults.load-balancer}, else {@code weighted-round-robin}; the service's
 * instance lists come from the suppliers Spring Cloud LoadBalancer configures as usual.
 *
 * <p>The class is deliberately not annotated with {@code @Configuration}, so component scanning
 * never registers it in the application context; Spring Cloud LoadBalancer registers it in each
 * client's own context.
 */
public class MeshLoadBalancerClientConfiguration {

	private static final String CLIENTS = "mesh.clients";

	private static final String CLIENT_DEFAULTS_POLICY = "mesh.client-defaults.load-balancer";

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	ReactorLoadBalancer<ServiceInstance> meshReactorLoadBalancer(Environment environment,
			LoadBalancerClientFactory loadBalancerClientFactory) {
		String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
		if (serviceId == null) {
			throw new IllegalStateException("No load balancer client name in '"
					+ LoadBalancerClientFactory.PROPERTY_NAME + "': reference "
					+ MeshLoadBalancerClientConfiguration.class.getSimpleName()
					+ " from @LoadBalancerClient(configuration = ...) or"
					+ " @LoadBalancerClients(defaultConfiguration = ...) instead of importing it into the"
					+ " application context");
		}
		return new MeshReactorLoadBalancer(
				loadBalancerClientFactory.getLazyProvider(serviceId, ServiceInstanceListSupplier.class), serviceId,
				policyOf(serviceId, Binder.get(environment)));
	}

	/**
	 * Declares the feedback of the client's {@link MeshReactorLoadBalancer}. Inert (supporting no call)
	 * when the client's balancer is another one, for example one the application declares itself.
	 */
	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	MeshLoadBalancerLifecycle meshLoadBalancerLifecycle(
			ObjectProvider<ReactorLoadBalancer<ServiceInstance>> loadBalancers) {
		ReactorLoadBalancer<ServiceInstance> loadBalancer = loadBalancers.getIfUnique();
		return new MeshLoadBalancerLifecycle(
				(loadBalancer instanceof MeshReactorLoadBalancer mesh) ? mesh : null, System::nanoTime);
	}

	/**
	 * Returns the configured policy of a service.
	 * @param serviceId the service
	 * @param binder binds the environment's {@code mesh.*} properties
	 * @return the policy, never {@code null}
	 */
	static LoadBalancerPolicy policyOf(String serviceId, Binder binder) {
		// A map, so that any service id works as a key, including ones that are not valid property names.
		Map<String, ClientPolicy> clients = binder.bind(CLIENTS, Bindable.mapOf(String.class, ClientPolicy.class))
			.orElse(Map.of());
		ClientPolicy client = clients.get(serviceId);
		if (client != null && client.loadBalancer() != null) {
			return client.loadBalancer();
		}
		return binder.bind(CLIENT_DEFAULTS_POLICY, LoadBalancerPolicy.class)
			.orElse(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
	}

	/**
	 * The one property of {@code mesh.clients.<service>} this configuration reads; the others are
	 * ignored here.
	 * @param loadBalancer the policy, or {@code null} when not set
	 */
	record ClientPolicy(LoadBalancerPolicy loadBalancer) {
	}

}
