package dev.mesh.loadbalancer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.mesh.discovery.MeshClock;
import dev.mesh.testsupport.SettableClock;

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
		// A new list of new, equal instance objects on every call, as an uncached
		// supplier may give.
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

	@Test
	void rampsAJustStartedInstanceUpAsTheClockMovesOn() {
		Instant started = Instant.parse("2025-06-01T10:00:00Z");
		SettableClock clock = new SettableClock(started.plusSeconds(1));
		// b started at 10:00:00 and asks for a 10s warm-up; a publishes no start time and
		// is never ramped.
		TestSupplier supplier = new TestSupplier(() -> List.of(instance("a", Map.of("weight", "1")),
				instance("b", Map.of("weight", "1", "started-at", started.toString(), "warmup", "10s"))));
		MeshReactorLoadBalancer loadBalancer = new MeshReactorLoadBalancer(provider(supplier), "inventory",
				LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, ZoneAffinityPolicy.DEFAULTS,
				new SlowStartPolicy(true, Duration.ofSeconds(30), 10, 1.0),
				MeshClock.of(clock.wall(), System::nanoTime));
		assertThat(counts(choices(loadBalancer, 110))).as("1s of 10s: the 10% floor, weights 100 and 10")
			.containsExactlyInAnyOrderEntriesOf(Map.of("a", 100L, "b", 10L));
		InstancePicker first = loadBalancer.picker();

		clock.set(started.plusMillis(1_400));
		choices(loadBalancer, 1);
		assertThat(loadBalancer.picker()).as("within one step (10s / 20 = 500ms) the weights are not recomputed")
			.isSameAs(first);

		clock.set(started.plusSeconds(5));
		assertThat(counts(choices(loadBalancer, 150))).as("5s of 10s: half the weight, 100 and 50")
			.containsExactlyInAnyOrderEntriesOf(Map.of("a", 100L, "b", 50L));

		clock.set(started.plusSeconds(60));
		assertThat(counts(choices(loadBalancer, 10))).as("warm: the registry weights, 1 and 1")
			.containsExactlyInAnyOrderEntriesOf(Map.of("a", 5L, "b", 5L));
		InstancePicker warm = loadBalancer.picker();
		clock.set(started.plusSeconds(120));
		choices(loadBalancer, 1);
		assertThat(loadBalancer.picker()).as("nothing is recomputed once every instance is warm").isSameAs(warm);
	}

	@Test
	void doesNotRampWithoutSlowStart() {
		Instant started = Instant.parse("2025-06-01T10:00:00Z");
		TestSupplier supplier = new TestSupplier(() -> List.of(instance("a", Map.of("weight", "1")),
				instance("b", Map.of("weight", "1", "started-at", started.toString(), "warmup", "10s"))));
		MeshReactorLoadBalancer loadBalancer = new MeshReactorLoadBalancer(provider(supplier), "inventory",
				LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, ZoneAffinityPolicy.DEFAULTS, SlowStartPolicy.DEFAULTS,
				MeshClock.of(new SettableClock(started.plusSeconds(1)).wall(), System::nanoTime));
		assertThat(choices(loadBalancer, 4)).isEqualTo("a b a b");
	}

	@Test
	void prefersTheLocalZoneAndSpillsOverWhenItHasNoInstanceWithAWeight() {
		List<List<ServiceInstance>> lists = new ArrayList<>(List.of(zoned("1", "1", "1"), zoned("1", "1", "1"),
				zoned("1", "1", "1"), zoned("1", "1", "1"), zoned("0", "1", "0"), zoned("0", "1", "0")));
		TestSupplier supplier = new TestSupplier(() -> lists.remove(0));
		MeshReactorLoadBalancer loadBalancer = new MeshReactorLoadBalancer(provider(supplier), "inventory",
				LoadBalancerPolicy.ROUND_ROBIN, new ZoneAffinityPolicy(true, 70, "zone-a"), SlowStartPolicy.DEFAULTS);
		assertThat(choices(loadBalancer, 4)).as("a and c are in zone-a, b in zone-b").isEqualTo("a c a c");
		assertThat(choices(loadBalancer, 2)).as("zone-a's instances are draining").isEqualTo("b b");
	}

	@Test
	void ignoresZoneAffinityWithoutALocalZone() {
		TestSupplier supplier = new TestSupplier(() -> zoned("1", "1", "1"));
		MeshReactorLoadBalancer loadBalancer = new MeshReactorLoadBalancer(provider(supplier), "inventory",
				LoadBalancerPolicy.ROUND_ROBIN, new ZoneAffinityPolicy(true, 70, null), SlowStartPolicy.DEFAULTS);
		assertThat(choices(loadBalancer, 3)).isEqualTo("a b c");
	}

	/**
	 * @return a in zone-a, b in zone-b, c in zone-a, with the given weights
	 */
	private static List<ServiceInstance> zoned(String a, String b, String c) {
		return List.of(instance("a", Map.of("weight", a, "zone", "zone-a")),
				instance("b", Map.of("weight", b, "zone", "zone-b")),
				instance("c", Map.of("weight", c, "zone", "zone-a")));
	}

	private static ServiceInstance instance(String id, Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, metadata);
	}

	private static Map<String, Long> counts(String choices) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (String id : choices.split(" ")) {
			counts.merge(id, 1L, Long::sum);
		}
		return counts;
	}

	private static ObjectProvider<ServiceInstanceListSupplier> provider(ServiceInstanceListSupplier supplier) {
		return new StaticListableBeanFactory(Map.of("supplier", supplier))
			.getBeanProvider(ServiceInstanceListSupplier.class);
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

	/**
	 * @return instances a, b, ... of service inventory with the given weight metadata
	 */
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
