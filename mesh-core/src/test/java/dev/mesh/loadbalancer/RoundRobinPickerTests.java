package dev.mesh.loadbalancer;

import org.junit.jupiter.api.Test;

import static dev.mesh.loadbalancer.TestInstances.picks;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoundRobinPicker}.
 */
class RoundRobinPickerTests {

	@Test
	void rotatesInRegistryOrderIgnoringWeights() {
		InstancePicker picker = new RoundRobinPicker(weighted(5, 1, 1));
		assertThat(picks(picker, 7)).isEqualTo("a b c a b c a");
	}

	@Test
	void skipsDrainingInstances() {
		InstancePicker picker = new RoundRobinPicker(weighted(1, 0, 1));
		assertThat(picks(picker, 4)).isEqualTo("a c a c");
	}

	@Test
	void sharesTheRejectedInstancesTurnsEvenlyWhenTheFilterRejectsTheOneInTurn() {
		InstancePicker picker = new RoundRobinPicker(weighted(1, 1, 1));
		InstanceFilter notB = (instance) -> !instance.id().equals("b");
		// b's turns are used up rather than handed to c, which follows it
		assertThat(picks(picker, 6, notB)).isEqualTo("a c a c a c");
	}

	@Test
	void keepsExactTotalsWhenEightThreadsPickAtOnce() throws InterruptedException {
		InstancePicker picker = new RoundRobinPicker(weighted(3, 2, 1));
		long[] totals = SmoothWeightedRoundRobinPickerTests.pickConcurrently(picker, 8, 30_000);
		assertThat(totals).containsExactly(80_000, 80_000, 80_000);
	}

}
