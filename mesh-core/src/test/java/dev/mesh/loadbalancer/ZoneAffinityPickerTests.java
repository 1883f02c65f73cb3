package dev.mesh.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.cloud.client.DefaultServiceInstance;

import static dev.mesh.loadbalancer.TestInstances.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ZoneAffinityPicker}: local zone first, spill-over and fall-through.
 */
class ZoneAffinityPickerTests {

	private final List<MeshInstance> instances = List.of(instance("a1", "a", 1), instance("b1", "b", 1),
			instance("a2", "a", 1), instance("a3", "a", 1), instance("b2", "b", 1));

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void picksOnlyLocalInstancesWhileEnoughAreAvailable(LoadBalancerPolicy policy) {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(policy, this.instances, weights(this.instances), "a", 70,
				System::nanoTime);
		assertThat(picker.update(InstanceFilter.ALL)).isTrue();
		assertThat(picker.localInstances()).extracting(MeshInstance::id).containsExactly("a1", "a2", "a3");
		assertThat(picker.instances()).isEqualTo(this.instances);
		for (int i = 0; i < 300; i++) {
			assertThat(picker.pick(InstanceFilter.ALL).zone()).isEqualTo("a");
		}
	}

	@Test
	void passesTheTimeOfThePickOnToThePolicysPickers() {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.PEAK_EWMA, this.instances,
				weights(this.instances), "a", 70, () -> {
					throw new AssertionError("read the clock although given the time");
				});
		picker.update(InstanceFilter.ALL);
		assertThat(picker.pick(InstanceFilter.ALL, 1_000L).zone()).isEqualTo("a");
		assertThat(picker.pick((instance) -> instance.zone().equals("b"), 1_000L).zone()).as("spilled over")
			.isEqualTo("b");
	}

	@Test
	void spreadsLocalPicksByThePolicy() {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, this.instances,
				new int[] { 2, 1, 1, 1, 1 }, "a", 70, System::nanoTime);
		picker.update(InstanceFilter.ALL);
		assertThat(picks(picker, 8)).isEqualTo("a1 a2 a3 a1 a1 a2 a3 a1");
	}

	@Test
	void spillsOverToEveryZoneWhenTooFewLocalInstancesAreAvailable() {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.ROUND_ROBIN, this.instances,
				weights(this.instances), "a", 70, System::nanoTime);
		InstanceFilter a3Ejected = (instance) -> !instance.id().equals("a3");
		assertThat(picker.update(a3Ejected)).as("2 of 3 available: 67% < 70%").isFalse();
		assertThat(picks(picker, 5)).isEqualTo("a1 b1 a2 a3 b2");
		ZoneAffinityPicker lenient = ZoneAffinityPicker.create(LoadBalancerPolicy.ROUND_ROBIN, this.instances,
				weights(this.instances), "a", 60, System::nanoTime);
		assertThat(lenient.update(a3Ejected)).as("67% >= 60%").isTrue();
		assertThat(lenient.update(InstanceFilter.ALL)).isTrue();
		assertThat(picker.update(InstanceFilter.ALL)).as("back once they are available again").isTrue();
		assertThat(picks(picker, 3)).isEqualTo("a1 a2 a3");
	}

	@Test
	void needsAtLeastOneAvailableLocalInstanceEvenAtZeroPercent() {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.ROUND_ROBIN, this.instances,
				weights(this.instances), "a", 0, System::nanoTime);
		assertThat(picker.update((instance) -> instance.id().equals("a2"))).isTrue();
		assertThat(picker.update((instance) -> !"a".equals(instance.zone()))).isFalse();
	}

	@ParameterizedTest
	@EnumSource(LoadBalancerPolicy.class)
	void fallsThroughToOtherZonesWhenTheFilterRejectsEveryLocalInstance(LoadBalancerPolicy policy) {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(policy, this.instances, weights(this.instances), "a", 70,
				System::nanoTime);
		picker.update(InstanceFilter.ALL);
		Set<String> tried = Set.of("a1", "a2", "a3");
		InstanceFilter retry = (instance) -> !tried.contains(instance.id());
		List<String> picked = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			picked.add(picker.pick(retry).id());
		}
		assertThat(picked).containsOnly("b1", "b2");
		assertThat(picker.pick((instance) -> false)).isNull();
	}

	@Test
	void neverPrefersADrainingLocalInstanceOverARemoteOneWithAWeight() {
		List<MeshInstance> list = List.of(instance("a1", "a", 1), instance("a2", "a", 0), instance("b1", "b", 1));
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN, list,
				weights(list), "a", 100, System::nanoTime);
		assertThat(picker.update(InstanceFilter.ALL)).as("draining instances do not count against the zone").isTrue();
		assertThat(picks(picker, 3)).isEqualTo("a1 a1 a1");
		assertThat(picker.pick((instance) -> !instance.id().equals("a1")).id()).isEqualTo("b1");
	}

	@Test
	void neverUsesALocalZoneWithoutInstances() {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.ROUND_ROBIN, this.instances,
				weights(this.instances), "c", 70, System::nanoTime);
		assertThat(picker.update(InstanceFilter.ALL)).isFalse();
		assertThat(picks(picker, 5)).isEqualTo("a1 b1 a2 a3 b2");
	}

	@Test
	void startsOutOfUseUntilTheFirstUpdate() {
		ZoneAffinityPicker picker = ZoneAffinityPicker.create(LoadBalancerPolicy.ROUND_ROBIN, this.instances,
				weights(this.instances), "a", 70, System::nanoTime);
		assertThat(picker.localInUse()).isFalse();
		assertThat(picks(picker, 2)).isEqualTo("a1 b1");
	}

	@Test
	void rejectsAPercentOutsideZeroToHundred() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ZoneAffinityPicker.create(LoadBalancerPolicy.ROUND_ROBIN, this.instances,
					weights(this.instances), "a", 101, System::nanoTime))
			.withMessage("minAvailablePercent: 101 (expected: 0..100)");
	}

	private static int[] weights(List<MeshInstance> instances) {
		return InstancePickers.weightsOf(instances);
	}

	static MeshInstance instance(String id, String zone, int weight) {
		return MeshInstance
			.of(new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, Map.of("zone", zone)), weight);
	}

}
