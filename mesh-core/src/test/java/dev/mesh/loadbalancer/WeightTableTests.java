package dev.mesh.loadbalancer;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WeightTable}'s guided search and {@link FastRandom}'s bounded draws:
 * the search must map every point to exactly the instance a plain scan of the running
 * sums finds, whatever the weights.
 */
class WeightTableTests {

	@Test
	void mapsEveryPointToTheInstanceWhoseShareHoldsIt() {
		WeightTable table = table(5, 1, 1);
		StringBuilder owners = new StringBuilder();
		for (long point = 0; point < table.total; point++) {
			owners.append(table.indexOf(point));
		}
		assertThat(owners).hasToString("0000012");
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3, 7, 100, 1000 })
	void agreesWithAScanOfTheRunningSumsForAnyWeights(int size) {
		SplittableRandom random = new SplittableRandom(size);
		for (int round = 0; round < 10; round++) {
			int[] weights = new int[size];
			for (int i = 0; i < size; i++) {
				// zeros (draining), ones and a few heavy instances, so buckets hold many
				// instances or none
				int kind = random.nextInt(4);
				weights[i] = (kind == 0) ? 0 : (kind == 1) ? 1 : (kind == 2) ? random.nextInt(1, 11) : 10_000;
			}
			WeightTable table = table(weights);
			if (table.total <= 20_000) {
				for (long point = 0; point < table.total; point++) {
					assertThat(table.indexOf(point)).as("point %d of %s", point, table.total)
						.isEqualTo(scan(table, point));
				}
			}
			else {
				for (int i = 0; i < 20_000; i++) {
					long point = random.nextLong(table.total);
					assertThat(table.indexOf(point)).as("point %d of %s", point, table.total)
						.isEqualTo(scan(table, point));
				}
			}
		}
	}

	@Test
	void neverDrawsADrainingInstanceWhileOthersHaveWeight() {
		WeightTable table = table(0, 3, 0, 0, 1, 0);
		long[] counts = new long[6];
		for (int i = 0; i < 40_000; i++) {
			counts[table.draw(FastRandom.INSTANCE)]++;
		}
		assertThat(counts[0] + counts[2] + counts[3] + counts[5]).isZero();
		assertThat(counts[1] / (double) (counts[1] + counts[4])).isBetween(0.74, 0.76);
	}

	@Test
	void fastRandomStaysWithinTheBoundAndSpreadsEvenly() {
		long[] counts = new long[7];
		for (int i = 0; i < 70_000; i++) {
			counts[(int) FastRandom.INSTANCE.nextLong(7)]++;
		}
		for (long count : counts) {
			assertThat(count).isBetween(9_400L, 10_600L);
		}
		for (long bound : new long[] { 1, 2, 3, Integer.MAX_VALUE, (1L << 62) - 1, 1L << 62, Long.MAX_VALUE }) {
			for (int i = 0; i < 1_000; i++) {
				assertThat(FastRandom.INSTANCE.nextLong(bound)).isBetween(0L, bound - 1);
			}
		}
	}

	private static WeightTable table(int... weights) {
		return new WeightTable(weights);
	}

	private static int scan(WeightTable table, long point) {
		int index = 0;
		while (table.cumulative[index] <= point) {
			index++;
		}
		return index;
	}

}
