package dev.mesh.observability;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code status} and {@code outcome} tag values of calls and attempts.
 */
class MeshOutcomeTests {

	@Test
	void shouldTagEveryStatusCodeWithItsDecimalValueInAndOutOfTheKeptRange() {
		for (int code : new int[] { 0, 42, 99, 100, 200, 404, 503, 599, 600, 999, 1000 }) {
			assertThat(MeshOutcome.statusTag(code)).isEqualTo(Integer.toString(code));
		}
		assertThat(MeshOutcome.statusTag(200)).isSameAs(MeshOutcome.statusTag(200));
	}

	@Test
	void shouldGroupStatusCodesIntoOutcomes() {
		assertThat(MeshOutcome.ofStatus(204)).isEqualTo(MeshOutcome.SUCCESS);
		assertThat(MeshOutcome.ofStatus(304)).isEqualTo(MeshOutcome.SUCCESS);
		assertThat(MeshOutcome.ofStatus(429)).isEqualTo(MeshOutcome.CLIENT_ERROR);
		assertThat(MeshOutcome.ofStatus(500)).isEqualTo(MeshOutcome.SERVER_ERROR);
	}

}
