package dev.mesh.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ServiceInstanceCacheTests {

	private final ChangingDiscoveryClient registry = new ChangingDiscoveryClient();

	private ServiceInstanceCache cache;

	@AfterEach
	void stop() {
		if (this.cache != null) {
			this.cache.stop();
		}
	}

	@Test
	void shouldServeFromTheCacheWithoutARegistryCallPerLookup() {
		this.registry.set(instance("a", "1"), instance("b", "2"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		for (int i = 0; i < 100; i++) {
			assertThat(this.cache.instances("inventory")).extracting(MeshInstance::id).containsExactly("a", "b");
		}
		assertThat(this.registry.calls.get()).isEqualTo(1);
	}

	@Test
	void shouldKeepInstanceObjectsAcrossRefreshesWhileTheirRegistrationIsUnchanged() {
		this.registry.set(instance("a", "1"), instance("b", "2"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		List<List<MeshInstance>> notified = new CopyOnWriteArrayList<>();
		this.cache.watch("inventory", notified::add);
		List<MeshInstance> first = this.cache.instances("inventory");
		this.cache.refreshAll();
		assertThat(notified).hasSize(1);
		this.registry.set(instance("a", "1"), instance("b", "5"));
		this.cache.refreshAll();
		assertThat(notified).hasSize(2);
		List<MeshInstance> second = this.cache.instances("inventory");
		assertThat(second.get(0)).isSameAs(first.get(0));
		assertThat(second.get(1)).isNotSameAs(first.get(1));
		assertThat(second.get(1).weight()).isEqualTo(5);
	}

	@Test
	void shouldKeepTheLastKnownInstancesWhenTheRegistryFails() {
		this.registry.set(instance("a", "1"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		assertThat(this.cache.instances("inventory")).hasSize(1);
		this.registry.failing.set(true);
		this.cache.refreshAll();
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::id).containsExactly("a");
	}

	@Test
	void shouldRefreshInTheBackgroundAndAtOnceOnARegistryChangeEvent() {
		this.registry.set(instance("a", "1"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofMillis(100));
		AtomicReference<List<MeshInstance>> latest = new AtomicReference<>();
		this.cache.watch("inventory", latest::set);
		this.cache.start();
		await().atMost(Duration.ofSeconds(2)).until(() -> latest.get() != null && latest.get().size() == 1);
		this.registry.set(instance("a", "1"), instance("b", "1"));
		await().atMost(Duration.ofSeconds(2)).until(() -> latest.get().size() == 2);
		this.cache.stop();

		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		this.cache.watch("inventory", latest::set);
		this.cache.start();
		await().atMost(Duration.ofSeconds(2)).until(() -> latest.get().size() == 2);
		this.registry.set(instance("c", "1"));
		this.cache.onApplicationEvent(new HeartbeatEvent(this, 42L));
		await().atMost(Duration.ofSeconds(1)).until(() -> latest.get().size() == 1 && latest.get().get(0).id().equals("c"));
	}

	@Test
	void shouldRunScheduledTasksOnTheDiscoveryThreadAlsoWhenScheduledBeforeItStarts() throws Exception {
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		List<String> ranOn = new CopyOnWriteArrayList<>();
		this.cache.schedule(() -> ranOn.add("early " + Thread.currentThread().getName()), Duration.ZERO);
		assertThat(ranOn).isEmpty();
		this.cache.start();
		this.cache.schedule(() -> ranOn.add("late " + Thread.currentThread().getName()), Duration.ofMillis(10));
		await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.size() == 2);
		assertThat(ranOn).containsExactly("early mesh-discovery", "late mesh-discovery");
	}

	@Test
	void shouldReadWeightsLeniently() {
		assertThat(MeshInstanceFactory.parseWeight("0")).isZero();
		assertThat(MeshInstanceFactory.parseWeight(" 10000 ")).isEqualTo(10000);
		assertThat(MeshInstanceFactory.parseWeight("10001")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("-5")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("1e99")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("abc")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("٣")).isNull();
		assertThat(MeshInstanceFactory.parseWeight("")).isNull();
		this.registry.set(instance("a", "abc"), instance("b", "0"));
		this.cache = new ServiceInstanceCache(this.registry, Duration.ofHours(1));
		assertThat(this.cache.instances("inventory")).extracting(MeshInstance::weight).containsExactly(1, 0);
	}

	private static ServiceInstance instance(String id, String weight) {
		return new DefaultServiceInstance(id, "inventory", "127.0.0.1", 8000 + id.charAt(0), false, Map.of("weight", weight));
	}

	static final class ChangingDiscoveryClient implements DiscoveryClient {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicReference<Boolean> failing = new AtomicReference<>(false);

		private volatile List<ServiceInstance> instances = List.of();

		void set(ServiceInstance... instances) {
			this.instances = new ArrayList<>(List.of(instances));
		}

		@Override
		public String description() {
			return "changing";
		}

		@Override
		public List<ServiceInstance> getInstances(String serviceId) {
			this.calls.incrementAndGet();
			if (this.failing.get()) {
				throw new IllegalStateException("registry down");
			}
			return "inventory".equals(serviceId) ? this.instances : List.of();
		}

		@Override
		public List<String> getServices() {
			return List.of("inventory");
		}

	}

}
