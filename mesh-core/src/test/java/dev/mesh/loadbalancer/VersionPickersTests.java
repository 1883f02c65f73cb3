package dev.mesh.loadbalancer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routed picks keep the draining rule: an instance of the routed version with weight 0 is
 * never preferred over an instance of another version that has a weight.
 */
class VersionPickersTests {

	@Test
	void shouldNotPreferADrainingInstanceOfTheRoutedVersion() {
		PickerBuilder.Built built = builder().build(
				List.of(instance("a", "1.4", 100), instance("b", "1.4", 100), instance("c", "1.5", 0)),
				InstanceFilter.ALL);
		Map<String, Integer> routed = new HashMap<>();
		for (int i = 0; i < 100; i++) {
			routed.merge(built.pick(InstanceFilter.ALL, 0, "1.5").id(), 1, Integer::sum);
		}
		assertThat(routed).containsOnlyKeys("a", "b");
	}

	@Test
	void shouldRetryARoutedCallOnAWeightedInstanceOfAnotherVersionBeforeADrainingOneOfItsOwn() {
		MeshInstance tried = instance("c2", "1.5", 100);
		PickerBuilder.Built built = builder().build(List.of(instance("a", "1.4", 100), instance("c1", "1.5", 0), tried),
				InstanceFilter.ALL);
		assertThat(built.pick((instance) -> instance != tried, 0, "1.5").id()).isEqualTo("a");
		assertThat(built.pick(InstanceFilter.ALL, 0, "1.5").id()).isEqualTo("c2");
	}

	private static PickerBuilder builder() {
		return new PickerBuilder(LoadBalancerPolicy.ROUND_ROBIN, ZoneAffinityPolicy.DEFAULTS, SlowStartPolicy.DEFAULTS,
				MeshClock.system());
	}

	private static MeshInstance instance(String id, String version, int weight) {
		return MeshInstance.of(
				new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, Map.of("version", version)),
				weight);
	}

}
