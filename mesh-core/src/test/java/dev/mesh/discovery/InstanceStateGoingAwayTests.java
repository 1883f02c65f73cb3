package dev.mesh.discovery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A probe of a going-away instance re-admits it only if no other answer said since that
 * it is going away: a probe answered without the header must not erase a header another
 * call got from the same instance at the same moment.
 */
class InstanceStateGoingAwayTests {

	private final InstanceState state = new InstanceState();

	@Test
	void aProbeAnsweredWithoutTheHeaderReadmitsTheInstance() {
		this.state.goingAway(100);
		assertThat(this.state.claimGoingAwayProbe(100, 200)).isTrue();
		this.state.stayed(200);
		assertThat(this.state.goingAwayUntilNanos()).isZero();
	}

	@Test
	void aProbeDoesNotEraseAGoingAwayAnotherCallLearntMeanwhile() {
		this.state.goingAway(100);
		assertThat(this.state.claimGoingAwayProbe(100, 200)).isTrue();
		this.state.goingAway(300);
		this.state.stayed(200);
		assertThat(this.state.goingAwayUntilNanos()).isEqualTo(300);
	}

	@Test
	void aProbeWhoseClaimedWaitEndsAtZeroNanosStillReadmits() {
		this.state.goingAway(-5);
		assertThat(this.state.claimGoingAwayProbe(-5, 0)).isTrue();
		this.state.stayed(0);
		assertThat(this.state.goingAwayUntilNanos()).isZero();
	}

}
