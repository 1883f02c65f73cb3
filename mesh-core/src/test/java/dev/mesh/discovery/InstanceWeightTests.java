package dev.mesh.discovery;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class InstanceWeightTests {

	@Test
	void shouldPublishAChangedWeightBeforeItCountsAsCurrent() {
		InstanceWeight weight = new InstanceWeight(3);
		List<String> registry = new ArrayList<>();
		WeightPublisher consul = new WeightPublisher() {

			@Override
			public String registry() {
				return "consul";
			}

			@Override
			public void publish(int value) {
				registry.add(value + " while current " + weight.current());
			}

		};
		assertThat(weight.change(0, consul)).isEqualTo(3);
		assertThat(registry).containsExactly("0 while current 3");
		assertThat(weight.current()).isZero();
		assertThat(weight.configured()).isEqualTo(3);
		assertThat(weight.published()).isTrue();
	}

	@Test
	void shouldKeepTheWeightWhenTheRegistryRefusesIt() {
		InstanceWeight weight = new InstanceWeight(3);
		WeightPublisher down = new WeightPublisher() {

			@Override
			public String registry() {
				return "consul";
			}

			@Override
			public void publish(int value) {
				throw new IllegalStateException("agent unreachable");
			}

		};
		assertThatIllegalStateException().isThrownBy(() -> weight.change(0, down));
		assertThat(weight.current()).isEqualTo(3);
		assertThat(weight.published()).isFalse();
	}

	@Test
	void shouldRefuseAWeightOutOfRangeAndKeepItLocalWithoutARegistry() {
		InstanceWeight weight = new InstanceWeight(1);
		assertThatIllegalArgumentException().isThrownBy(() -> weight.change(10_001, WeightPublisher.LOCAL))
			.withMessage("weight: 10001 (expected: 0 to 10000)");
		assertThatIllegalArgumentException().isThrownBy(() -> weight.change(-1, WeightPublisher.LOCAL));
		assertThat(weight.change(10_000, WeightPublisher.LOCAL)).isEqualTo(1);
		assertThat(weight.current()).isEqualTo(10_000);
		assertThat(weight.published()).isFalse();
	}

}
