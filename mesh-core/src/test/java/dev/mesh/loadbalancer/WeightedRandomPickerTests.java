package dev.mesh.loadbalancer;

import java.util.SplittableRandom;

import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import static dev.mesh.loadbalancer.TestInstances.counts;
import static dev.mesh.loadbalancer.TestInstances.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link WeightedRandomPicker}. The share tests draw from a seeded generator,
 * so they are deterministic; the tolerances would also hold for almost every other seed.
 */
class WeightedRandomPickerTests {

	@Test
	void givesSharesWithinTwoPercentOfWeights() {
		SplittableRandom random = new SplittableRandom(20_250_611L);
		InstancePicker picker = new WeightedRandomPicker(weighted(1, 2, 3), () -> random);
		long[] counts = counts(picker, 100_000);
		double[] expected = { 100_000 / 6.0, 200_000 / 6.0, 300_000 / 6.0 };
		for (int i = 0; i < expected.length; i++) {
			assertThat((double) counts[i]).as("picks of instance %s", i)
				.isCloseTo(expected[i], within(expected[i] * 0.02));
		}
	}

	@Test
	void givesSharesCloseToWeightsWithTheThreadLocalRandom() {
		InstancePicker picker = new WeightedRandomPicker(weighted(1, 2, 3));
		long[] counts = counts(picker, 100_000);
		// 10% of the smallest expected count is 14 standard deviations: this cannot flake
		// in practice.
		assertThat((double) counts[0]).isCloseTo(100_000 / 6.0, within(1_667.0));
		assertThat((double) counts[1]).isCloseTo(200_000 / 6.0, within(1_667.0));
		assertThat((double) counts[2]).isCloseTo(300_000 / 6.0, within(1_667.0));
	}

	@Test
	void drawsAmongAcceptedInstancesInProportionToTheirWeights() {
		SplittableRandom random = new SplittableRandom(7L);
		InstancePicker picker = new WeightedRandomPicker(weighted(1, 3, 6), () -> random);
		InstanceFilter notC = (instance) -> !instance.id().equals("c");
		int a = 0;
		int b = 0;
		for (int i = 0; i < 100_000; i++) {
			MeshInstance picked = picker.pick(notC);
			if (picked.id().equals("a")) {
				a++;
			}
			else if (picked.id().equals("b")) {
				b++;
			}
		}
		assertThat(a + b).isEqualTo(100_000);
		assertThat((double) a).isCloseTo(25_000, within(500.0));
		assertThat((double) b).isCloseTo(75_000, within(1_500.0));
	}

}
