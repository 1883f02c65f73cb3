package dev.mesh.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MeshReactorLoadBalancer}.
 */
class MeshReactorLoadBalancerTests {

	@Test
	void choosesInWeightedRoundRobinOrderFromTheWeightMetadata() {
		TestSupplier supplier = new TestSupplier(() -> instances("5", "1", "1"));
		MeshReactorLoadBalancer loadBalancer = loadBalancer(supplier, LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
		assertThat(choices(loadBalancer, 7)).isEqualTo("a a b a c a a");
	}

	@Test
	void keepsThePickOrderWhenTheSupplierGivesANewListWithTheSameInstances() {
		// A new list of new, equal instance objects on every call, as an uncached supplier may give.
		TestSupplier supplier = new TestSupplier(() -> instances("3", "1"));
		MeshReactorLoadBalancer loadBalancer = loadBalancer(supplier, LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
		assertThat(choices(loadBalancer, 8)).isEqualTo("a a b a a a b a");
	}

	@Test
	void buildsANewPickerWhenTheInstancesChange() {
		List<List<ServiceInstance>> lists = new ArrayList<>(
				List.of(instances("1", "1"), instances("1", "1"), instances("0", "1"), instances("0", "1")));
		TestSupplier supplier = new TestSupplier(() -> lists.remove(0));
		MeshReactorLoadBalancer loadBalancer = loadBalancer(supplier, LoadBalancerPolicy.ROUND_ROBIN);
		assertThat(choices(loadBalancer, 4)).isEqualTo("a b b b");
	}

	@Test
	void countsAnUnreadableWeightAsOne() {
		TestSupplier supplier = new TestSupplier(() -> instances("heavy", "1"));
		MeshReactorLoadBalancer loadBalancer = loadBalancer(supplier, LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
		assertThat(choices(loadBalancer, 4)).isEqualTo("a b a b");
	}

	@Test
	void respondsEmptyWhenTheServiceHasNoInstances() {
		MeshReactorLoadBalancer loadBalancer = loadBalancer(new TestSupplier(List::of),
				LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
		Response<ServiceInstance> response = loadBalancer.choose().block();
		assertThat(response).isNotNull();
		assertThat(response.hasServer()).isFalse();
	}

	@Test
	void respondsEmptyWhenNoSupplierIsAvailable() {
		MeshReactorLoadBalancer loadBalancer = new MeshReactorLoadBalancer(
				new StaticListableBeanFactory().getBeanProvider(ServiceInstanceListSupplier.class), "inventory",
				LoadBalancerPolicy.ROUND_ROBIN);
		Response<ServiceInstance> response = loadBalancer.choose().block();
		assertThat(response).isNotNull();
		assertThat(response.hasServer()).isFalse();
	}

	@Test
	void tellsASupplierThatWantsToKnowWhichInstanceWasChosen() {
		TestSupplier supplier = new TestSupplier(() -> instances("1", "1"));
		MeshReactorLoadBalancer loadBalancer = loadBalancer(supplier, LoadBalancerPolicy.ROUND_ROBIN);
		choices(loadBalancer, 3);
		assertThat(supplier.selected).containsExactly("a", "b", "a");
	}

	private static MeshReactorLoadBalancer loadBalancer(ServiceInstanceListSupplier supplier,
			LoadBalancerPolicy policy) {
		StaticListableBeanFactory beanFactory = new StaticListableBeanFactory(Map.of("supplier", supplier));
		ObjectProvider<ServiceInstanceListSupplier> provider = beanFactory
			.getBeanProvider(ServiceInstanceListSupplier.class);
		return new MeshReactorLoadBalancer(provider, "inventory", policy);
	}

	private static String choices(MeshReactorLoadBalancer loadBalancer, int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Response<ServiceInstance> response = loadBalancer.choose().block();
			assertThat(response).isNotNull();
			ids.add(response.getServer().getInstanceId());
		}
		return String.join(" ", ids);
	}

	/** @return instances a, b, ... of service inventory with the given weight metadata */
	private static List<ServiceInstance> instances(String... weights) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (int i = 0; i < weights.length; i++) {
			String id = String.valueOf((char) ('a' + i));
			instances.add(new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false,
					Map.of("weight", weights[i])));
		}
		return instances;
	}

	private static final class TestSupplier implements ServiceInstanceListSupplier, SelectedInstanceCallback {

		private final Supplier<List<ServiceInstance>> lists;

		final List<String> selected = new ArrayList<>();

		TestSupplier(Supplier<List<ServiceInstance>> lists) {
			this.lists = lists;
		}

		@Override
		public String getServiceId() {
			return "inventory";
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return Flux.defer(() -> Flux.just(this.lists.get()));
		}

		@Override
		public void selectedServiceInstance(ServiceInstance serviceInstance) {
			this.selected.add(serviceInstance.getInstanceId());
		}

	}

}
