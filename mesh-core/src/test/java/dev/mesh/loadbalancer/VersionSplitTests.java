package dev.mesh.loadbalancer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Splitting calls by version share: the draw follows the shares, a zero share gets
 * nothing, and every split that cannot be drawn from is refused naming the version.
 */
class VersionSplitTests {

	@Test
	void shouldDrawEachVersionByItsShare() {
		Map<String, Integer> shares = new LinkedHashMap<>();
		shares.put("1.4", 90);
		shares.put("1.5", 10);
		shares.put("1.6", 0);
		VersionSplit split = VersionSplit.of(shares);
		Map<String, Integer> drawn = new HashMap<>();
		for (int i = 0; i < 100_000; i++) {
			drawn.merge(split.draw(), 1, Integer::sum);
		}
		// binomial(100000, 0.1): 10000 ± 95
		assertThat(drawn.get("1.5")).isBetween(9_500, 10_500);
		assertThat(drawn).doesNotContainKey("1.6");
		assertThat(split.shares()).isEqualTo(shares);
	}

	@Test
	void shouldDrawNothingWithoutASplit() {
		assertThat(VersionSplit.of(Map.of())).isSameAs(VersionSplit.NONE);
		assertThat(VersionSplit.NONE.draw()).isNull();
		assertThat(VersionSplit.NONE.active()).isFalse();
	}

	@Test
	void shouldRefuseSharesThatCannotBeDrawnFrom() {
		assertThatIllegalArgumentException().isThrownBy(() -> VersionSplit.of(Map.of("1.4", 0, "1.5", 0)))
			.withMessageContaining("add up to 0");
		assertThatIllegalArgumentException().isThrownBy(() -> VersionSplit.of(Map.of("1.4", -1)))
			.withMessageContaining("'1.4': -1");
		assertThatIllegalArgumentException().isThrownBy(() -> VersionSplit.of(Map.of("1.4", 1_000_001)))
			.withMessageContaining("0 to 1000000");
		assertThatIllegalArgumentException().isThrownBy(() -> VersionSplit.of(Map.of("1,4", 1)))
			.withMessageContaining("version '1,4'");
		Map<String, Integer> many = new HashMap<>();
		for (int i = 0; i < 65; i++) {
			many.put("v" + i, VersionSplit.MAX_SHARE);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> VersionSplit.of(many))
			.withMessageContaining("at most 64");
		// the largest split allowed adds up without overflowing
		many.remove("v0");
		assertThat(VersionSplit.of(many).draw()).startsWith("v");
	}

}
