package dev.mesh.loadbalancer;

import dev.mesh.autoconfigure.MeshProperties;
import dev.mesh.client.ClientPolicy;
import dev.mesh.discovery.MeshClock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Cloud LoadBalancer client configuration that chooses instances with the mesh
 * pickers ({@link MeshReactorLoadBalancer}) and feeds each call's outcome back to them
 * ({@link MeshLoadBalancerLifecycle}, a {@code LoadBalancerLifecycle}). Not an
 * auto-configuration: reference it for one service or for all of them: <pre class="code">
 * &#64;LoadBalancerClient(name = "inventory", configuration = MeshLoadBalancerClientConfiguration.class)
 * &#64;LoadBalancerClients(defaultConfiguration = MeshLoadBalancerClientConfiguration.class)
 * </pre> The policy, zone affinity and slow start of a service come from
 * {@code mesh.clients.<service>.*}, else {@code mesh.client-defaults.*}, else the
 * built-in defaults, read from the same {@link MeshProperties} as the {@code @MeshClient}
 * path; the service's instance lists come from the suppliers Spring Cloud LoadBalancer
 * configures as usual. Both read time from the application context's {@link MeshClock}
 * bean (the parent of the client's context), or from the system clock when there is none.
 *
 * <p>
 * The class is deliberately not annotated with {@code @Configuration}, so component
 * scanning never registers it in the application context; Spring Cloud LoadBalancer
 * registers it in each client's own context.
 */
public class MeshLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	ReactorLoadBalancer<ServiceInstance> meshReactorLoadBalancer(Environment environment,
			LoadBalancerClientFactory loadBalancerClientFactory, ObjectProvider<MeshProperties> meshProperties,
			ObjectProvider<MeshClock> clock) {
		String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME);
		if (serviceId == null) {
			throw new IllegalStateException(
					"No load balancer client name in '" + LoadBalancerClientFactory.PROPERTY_NAME + "': reference "
							+ MeshLoadBalancerClientConfiguration.class.getSimpleName()
							+ " from @LoadBalancerClient(configuration = ...) or"
							+ " @LoadBalancerClients(defaultConfiguration = ...) instead of importing it into the"
							+ " application context");
		}
		// the application's MeshProperties when the mesh auto-configuration made them,
		// else the same model bound here
		ClientPolicy policy = meshProperties.getIfAvailable(() -> MeshProperties.bind(Binder.get(environment)))
			.clientPolicy(serviceId);
		return new MeshReactorLoadBalancer(
				loadBalancerClientFactory.getLazyProvider(serviceId, ServiceInstanceListSupplier.class), serviceId,
				policy.loadBalancer(), policy.zoneAffinity(), policy.slowStart(),
				clock.getIfAvailable(MeshClock::system));
	}

	/**
	 * Declares the feedback of the client's {@link MeshReactorLoadBalancer}. Inert
	 * (supporting no call) when the client's balancer is another one, for example one the
	 * application declares itself.
	 */
	@Bean
	@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
	MeshLoadBalancerLifecycle meshLoadBalancerLifecycle(
			ObjectProvider<ReactorLoadBalancer<ServiceInstance>> loadBalancers, ObjectProvider<MeshClock> clock) {
		ReactorLoadBalancer<ServiceInstance> loadBalancer = loadBalancers.getIfUnique();
		return new MeshLoadBalancerLifecycle((loadBalancer instanceof MeshReactorLoadBalancer mesh) ? mesh : null,
				clock.getIfAvailable(MeshClock::system));
	}

}
