package dev.mesh.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.security.ServiceTokenSource;
import dev.mesh.testsupport.ListDiscoveryClient;
import dev.mesh.testsupport.SettableClock;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Routes of service {@code inventory} over a fixed list of instances on a settable clock,
 * for the unit tests of the pipeline's steps.
 */
final class RouteTestSupport {

	private RouteTestSupport() {
	}

	/**
	 * @param clock the route's clock
	 * @param ids the instances' ids (and host names), each of weight 1
	 * @return a round-robin route with the default policy otherwise
	 */
	static ServiceRoute route(SettableClock clock, String... ids) {
		return route(clock, ClientPolicy.DEFAULTS, null, ids);
	}

	/**
	 * @param clock the route's clock
	 * @param policy the policy; its load balancer is replaced by round robin
	 * @param tokens the token source, or {@code null}
	 * @param ids the instances' ids (and host names), each of weight 1
	 * @return the route
	 */
	static ServiceRoute route(SettableClock clock, ClientPolicy policy, ServiceTokenSource tokens, String... ids) {
		return build(clock, policy.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN), tokens, ids);
	}

	/**
	 * @param clock the route's clock
	 * @param policy the policy, load balancer included
	 * @param ids the instances' ids (and host names), each of weight 1
	 * @return the route, without tokens
	 */
	static ServiceRoute routeWith(SettableClock clock, ClientPolicy policy, String... ids) {
		return build(clock, policy, null, ids);
	}

	private static ServiceRoute build(SettableClock clock, ClientPolicy policy, ServiceTokenSource tokens,
			String[] ids) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (String id : ids) {
			instances.add(new DefaultServiceInstance(id, "inventory", id, 8080, false, Map.of("weight", "1")));
		}
		ServiceInstanceCache cache = new ServiceInstanceCache(new ListDiscoveryClient(instances), Duration.ofHours(1));
		ServiceRoute route = new ServiceRoute("inventory", policy, cache, null, null, tokens, AttemptTracer.NONE, null,
				clock);
		cache.ensureLoaded("inventory");
		return route;
	}

	static MeshInstance instance(ServiceRoute route, String id) {
		return route.instances().stream().filter((instance) -> instance.id().equals(id)).findFirst().orElseThrow();
	}

}
