package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.loadbalancer.ZoneAffinityPicker;
import dev.mesh.loadbalancer.ZoneAffinityPolicy;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.ClientSnapshot;
import dev.mesh.testsupport.ListDiscoveryClient;
import dev.mesh.testsupport.SettableClock;
import dev.mesh.testsupport.TestInstances;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Zone affinity, slow start and peak-ewma as a {@link ServiceRoute} applies them, with
 * injected clocks: which instances the attempts of a call go to, and when the route
 * rebuilds its pickers.
 */
class ServiceRouteBalancingTests {

	private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

	private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

	private final SettableClock clock = new SettableClock(NOW);

	private final List<ServiceInstance> registry = new ArrayList<>();

	@Test
	void shouldSendEveryCallToTheLocalZoneWhileEnoughOfItIsAvailable() {
		this.registry.addAll(List.of(instance("a1", "a", null), instance("b1", "b", null), instance("a2", "a", null),
				instance("b2", "b", null)));
		ServiceRoute route = route(zoneAffinity("a", 70));
		assertThat(firstPicks(route, 6)).containsExactly("a1", "a2", "a1", "a2", "a1", "a2");
		assertThat(ClientSnapshots.of(route).localZone()).isEqualTo("a");
		assertThat(ClientSnapshots.of(route).localZoneInUse()).isTrue();
	}

	@Test
	void shouldSpillOverToEveryZoneOnceALocalInstanceIsEjectedAndComeBackWhenItReturns() {
		this.registry.addAll(List.of(instance("a1", "a", null), instance("b1", "b", null), instance("a2", "a", null)));
		ServiceRoute route = route(zoneAffinity("a", 70));
		MeshInstance a1 = route.instances().get(0);
		for (int i = 0; i < 5; i++) {
			a1.state().attemptStarted(this.nanos.get());
			route.recordFailure(a1, a1.state().attemptEnded(AttemptResult.FAILED, -1, this.nanos.get()));
		}
		assertThat(route.outlierDetector().isEjected(a1, route.now())).isTrue();
		assertThat(ClientSnapshots.of(route).localZoneInUse()).as("1 of 2 local instances: 50% < 70%, at once")
			.isFalse();
		assertThat(firstPicks(route, 4)).containsOnly("b1", "a2").contains("b1", "a2");
		this.nanos.addAndGet(Duration.ofSeconds(31).toNanos());
		assertThat(firstPicks(route, 4)).as("ejection over: local again").containsOnly("a1", "a2");
	}

	@Test
	void shouldFailOverToAnotherZoneOnlyAfterEveryLocalInstanceWasTried() {
		this.registry.addAll(List.of(instance("a1", "a", null), instance("b1", "b", null), instance("a2", "a", null)));
		ServiceRoute route = route(zoneAffinity("a", 70));
		CallAttempts attempts = new CallAttempts(route, 3);
		List<String> tried = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			MeshInstance instance = attempts.next();
			attempts.tried(instance);
			tried.add(instance.id());
		}
		assertThat(tried).containsExactly("a1", "a2", "b1");
	}

	@Test
	void shouldBalanceOverEveryZoneWhenThisInstanceHasNoZone() {
		this.registry.addAll(List.of(instance("a1", "a", null), instance("b1", "b", null), instance("a2", "a", null)));
		ServiceRoute route = route(zoneAffinity(null, 70));
		assertThat(route.picker()).isNotInstanceOf(ZoneAffinityPicker.class);
		assertThat(firstPicks(route, 3)).containsExactly("a1", "b1", "a2");
		assertThat(ClientSnapshots.of(route).localZone()).isNull();
	}

	@Test
	void shouldGiveAWarmingInstanceAShareThatGrowsWithItsAgeUntilItIsWarm() {
		this.registry.addAll(List.of(instance("warm", null, null), instance("new", null, NOW.minusSeconds(25))));
		ServiceRoute route = route(
				ClientPolicy.DEFAULTS.withSlowStart(new SlowStartPolicy(true, Duration.ofSeconds(100), 10, 1.0)));
		assertThat(route.weights().weights()).containsExactly(100, 25);
		assertThat(firstPicks(route, 10)).containsExactly("warm", "warm", "new", "warm", "warm", "warm", "warm", "new",
				"warm", "warm");
		ClientSnapshot.Instance warming = ClientSnapshots.of(route).instances().get(1);
		assertThat(warming.effectiveWeight()).isEqualTo(0.25);
		assertThat(warming.warming()).isTrue();
		this.clock.set(NOW.plusSeconds(25));
		route.rewarm();
		assertThat(route.weights().weights()).containsExactly(100, 50);
		assertThat(firstPicks(route, 3)).containsExactly("warm", "new", "warm");
		this.clock.set(NOW.plusSeconds(75));
		route.rewarm();
		assertThat(route.weights().warming()).isFalse();
		assertThat(firstPicks(route, 4)).containsExactly("warm", "new", "warm", "new");
		assertThat(ClientSnapshots.of(route).instances()).extracting(ClientSnapshot.Instance::effectiveWeight)
			.containsExactly(1.0, 1.0);
	}

	@Test
	void shouldKeepThePickOrderWhenARecomputationChangesNoWeight() {
		this.registry.addAll(List.of(instance("warm", null, null), instance("new", null, NOW)));
		ServiceRoute route = route(
				ClientPolicy.DEFAULTS.withSlowStart(new SlowStartPolicy(true, Duration.ofSeconds(100), 10, 1.0)));
		Object picker = route.picker();
		this.clock.set(NOW.plusSeconds(5));
		route.rewarm();
		assertThat(route.picker()).as("still at the 10% floor").isSameAs(picker);
	}

	@Test
	void shouldRampEveryZoneAndTheLocalOneAlike() {
		this.registry.addAll(List.of(instance("a1", "a", null), instance("a2", "a", NOW), instance("b1", "b", null)));
		ServiceRoute route = route(zoneAffinity("a", 70).withLoadBalancer(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN)
			.withSlowStart(new SlowStartPolicy(true, Duration.ofSeconds(100), 20, 1.0)));
		assertThat(firstPicks(route, 6)).as("local weights 100 and 20")
			.containsExactly("a1", "a1", "a1", "a2", "a1", "a1");
	}

	@Test
	void shouldSteerPeakEwmaAwayFromAnInstanceOnceItLeavesAnAttemptUnansweredLongerThanItsEstimate() {
		this.registry.addAll(List.of(instance("fast", null, null), instance("steady", null, null)));
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withLoadBalancer(LoadBalancerPolicy.PEAK_EWMA));
		MeshInstance fast = route.instances().get(0);
		answered(fast, Duration.ofMillis(1));
		answered(route.instances().get(1), Duration.ofMillis(3));
		fast.state().attemptStarted(this.nanos.get());
		this.nanos.addAndGet(Duration.ofMillis(1).toNanos() / 2);
		assertThat(firstPicks(route, 1)).as("unanswered for 0.5 ms: 1 ms × 2 < 3 ms").containsExactly("fast");
		this.nanos.addAndGet(Duration.ofMillis(4).toNanos());
		assertThat(firstPicks(route, 1)).as("unanswered for 4.5 ms: 4.5 ms × 2 > 3 ms").containsExactly("steady");
	}

	private List<String> firstPicks(ServiceRoute route, int calls) {
		List<String> picked = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			picked.add(new CallAttempts(route, 3).next().id());
		}
		return picked;
	}

	private static ClientPolicy zoneAffinity(String zone, int minAvailablePercent) {
		return ClientPolicy.DEFAULTS.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN)
			.withZoneAffinity(new ZoneAffinityPolicy(true, minAvailablePercent, zone));
	}

	private void answered(MeshInstance instance, Duration latency) {
		instance.state().attemptStarted(this.nanos.get());
		instance.state().attemptEnded(AttemptResult.SUCCEEDED, latency.toNanos(), this.nanos.get());
	}

	private ServiceRoute route(ClientPolicy policy) {
		ServiceInstanceCache cache = new ServiceInstanceCache(new ListDiscoveryClient(this.registry),
				Duration.ofHours(1));
		ServiceRoute route = new ServiceRoute("inventory", policy, cache, null, null, null, AttemptTracer.NONE, null,
				MeshClock.of(this.clock.wall(), this.nanos::get));
		cache.ensureLoaded("inventory");
		return route;
	}

	private static ServiceInstance instance(String id, String zone, Instant startedAt) {
		return TestInstances.inventory(id, zone, startedAt, null);
	}

}
