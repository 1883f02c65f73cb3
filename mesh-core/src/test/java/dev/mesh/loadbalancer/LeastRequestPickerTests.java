package dev.mesh.loadbalancer;

import java.util.List;
import java.util.SplittableRandom;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeastRequestPicker}. Candidates come from a {@link ScriptedRandom}:
 * the first draw is a point below the total weight, the second a point below the other
 * instances' weight (a point at or after the first candidate's share is shifted past it);
 * with weights of 1 both are indexes.
 */
class LeastRequestPickerTests {

	@Test
	void picksTheCandidateWithFewerRequestsInFlight() {
		List<MeshInstance> instances = weighted(1, 1, 1);
		inFlight(instances.get(1), 2);
		inFlight(instances.get(2), 1);
		// b then c (1 shifted past b), c then b, a then b
		ScriptedRandom random = new ScriptedRandom(1, 1, 2, 1, 0, 0);
		InstancePicker picker = new LeastRequestPicker(instances, () -> random);
		assertThat(picks(picker, 3)).isEqualTo("c c a");
	}

	@Test
	void comparesRequestsInFlightPerUnitOfWeight() {
		List<MeshInstance> instances = weighted(3, 1);
		inFlight(instances.get(0), 2);
		inFlight(instances.get(1), 1);
		// a then b, b then a
		ScriptedRandom random = new ScriptedRandom(1, 0, 3, 0);
		InstancePicker picker = new LeastRequestPicker(instances, () -> random);
		// a: 2 / 3 in flight per unit of weight, b: 1 / 1
		assertThat(picks(picker, 2)).isEqualTo("a a");
	}

	@Test
	void breaksTiesByTheFirstDrawn() {
		List<MeshInstance> instances = weighted(1, 1, 1);
		ScriptedRandom random = new ScriptedRandom(0, 0, 2, 0, 1, 1);
		InstancePicker picker = new LeastRequestPicker(instances, () -> random);
		// a-b, c-a, b-c
		assertThat(picks(picker, 3)).isEqualTo("a c b");
	}

	@Test
	void followsTheWeightsWhenNothingIsInFlight() {
		SplittableRandom random = new SplittableRandom(11);
		InstancePicker picker = new LeastRequestPicker(weighted(3, 0, 1), () -> random);
		long[] counts = TestInstances.counts(picker, 40_000);
		assertThat(counts[0]).isBetween(29_400L, 30_600L);
		assertThat(counts[1]).isZero();
		assertThat(counts[2]).isBetween(9_400L, 10_600L);
	}

	@Test
	void spreadsConcurrentRequestsEvenlyByInFlight() {
		List<MeshInstance> instances = weighted(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
		SplittableRandom random = new SplittableRandom(42);
		InstancePicker picker = new LeastRequestPicker(instances, () -> random);
		for (int i = 0; i < 1_000; i++) {
			picker.pick(InstanceFilter.ALL).state().attemptStarted(System.nanoTime());
		}
		int min = Integer.MAX_VALUE;
		int max = 0;
		for (MeshInstance instance : instances) {
			min = Math.min(min, instance.state().inFlight());
			max = Math.max(max, instance.state().inFlight());
		}
		// Two choices keep the gap at a couple of requests, where a random pick would
		// drift by dozens.
		assertThat(max - min).isLessThanOrEqualTo(2);
	}

	@Test
	void drawsOnlyAcceptedInstancesWithAWeight() {
		List<MeshInstance> instances = weighted(1, 0, 1, 1);
		InstanceFilter notC = (instance) -> !instance.id().equals("c");
		inFlight(instances.get(3), 5);
		// Cumulative weights 1 1 2 3: b is never drawn; c is rejected, so a draw of c
		// walks on to d, and
		// as a second candidate past d it wraps around to a. Picks: d-a, d-a.
		ScriptedRandom random = new ScriptedRandom(1, 0, 2, 1);
		InstancePicker picker = new LeastRequestPicker(instances, () -> random);
		assertThat(picks(picker, 2, notC)).isEqualTo("a a");
		assertThat(picker.pick((instance) -> instance.id().equals("d")).id()).isEqualTo("d");
	}

	@Test
	void picksDrainingInstancesOnlyWhenNoOtherIsAccepted() {
		List<MeshInstance> instances = weighted(1, 0);
		InstancePicker picker = new LeastRequestPicker(instances, () -> new ScriptedRandom(0));
		assertThat(picker.pick((instance) -> instance.id().equals("b")).id()).isEqualTo("b");
		assertThat(picker.pick((instance) -> false)).isNull();
		assertThat(new LeastRequestPicker(List.of()).pick(InstanceFilter.ALL)).isNull();
	}

	static void inFlight(MeshInstance instance, int count) {
		for (int i = 0; i < count; i++) {
			instance.state().attemptStarted(System.nanoTime());
		}
	}

}
