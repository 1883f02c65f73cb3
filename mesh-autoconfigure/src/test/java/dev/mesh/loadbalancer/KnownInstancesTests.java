package dev.mesh.loadbalancer;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KnownInstances}: which {@link MeshInstance}, with its counters, a
 * listed or chosen instance maps to as lists change.
 */
@ExtendWith(OutputCaptureExtension.class)
class KnownInstancesTests {

	private final AtomicLong nanos = new AtomicLong();

	private final KnownInstances known = new KnownInstances(MeshClock.of(Clock.systemUTC(), this.nanos::get));

	@Test
	void keepsTheInstanceOfAnUnchangedRegistrationAndReplacesAChangedOne() {
		List<MeshInstance> first = this.known.update(List.of(instance("a", "1"), instance("b", "1")));
		List<MeshInstance> second = this.known.update(List.of(instance("a", "1"), instance("b", "2")));
		assertThat(second.get(0)).as("same registration, new object").isSameAs(first.get(0));
		assertThat(second.get(1)).as("new weight").isNotSameAs(first.get(1));
		assertThat(second.get(1).weight()).isEqualTo(2);
	}

	@Test
	void findsAnInstanceByTheObjectTheBalancerHandsOut() {
		MeshInstance a = this.known.update(List.of(instance("a", "1"))).get(0);
		this.known.update(List.of(instance("a", "1")));
		assertThat(this.known.find(a.serviceInstance())).isSameAs(a);
		assertThat(this.known.find(instance("a", "1"))).as("an equal object the balancer never handed out").isNull();
	}

	@Test
	void keepsAnUnlistedInstanceForAMinuteAndAfterThatOnlyWhileItHasCallsInFlight() {
		List<MeshInstance> both = this.known.update(List.of(instance("a", "1"), instance("b", "1")));
		MeshInstance b = both.get(1);
		this.nanos.addAndGet(KnownInstances.KEEP_UNLISTED_NANOS - 1);
		this.known.update(List.of(instance("a", "1")));
		assertThat(this.known.find(b.serviceInstance())).as("left the list less than a minute ago").isSameAs(b);
		assertThat(this.known.update(List.of(instance("a", "1"), instance("b", "1"))).get(1)).as("back: same counters")
			.isSameAs(b);

		b.state().attemptStarted(System.nanoTime());
		this.known.update(List.of(instance("a", "1")));
		this.nanos.addAndGet(KnownInstances.KEEP_UNLISTED_NANOS);
		this.known.update(List.of(instance("a", "1")));
		assertThat(this.known.find(b.serviceInstance())).as("unlisted for a minute, but a call is in flight")
			.isSameAs(b);

		b.state().attemptEnded(AttemptResult.SUCCEEDED, -1, System.nanoTime());
		this.known.update(List.of(instance("a", "1")));
		assertThat(this.known.find(b.serviceInstance())).as("unlisted for a minute, idle").isNull();
		assertThat(this.known.size()).isEqualTo(1);
	}

	@Test
	void leavesOutAnUncallableAddressAndWarnsOncePerRegistrationAsListsAlternate(CapturedOutput output) {
		ServiceInstance bad = new DefaultServiceInstance("bad", "inventory", "127.0.0.1", 0, false, Map.of());
		for (int i = 0; i < 10; i++) {
			// suppliers that filter per request (retry-aware, hints) alternate between
			// lists
			assertThat(this.known.update(List.of(instance("a", "1"), bad))).extracting(MeshInstance::id)
				.containsExactly("a");
			assertThat(this.known.update(List.of(instance("a", "1")))).extracting(MeshInstance::id)
				.containsExactly("a");
		}
		assertThat(output).containsOnlyOnce("Instance 'bad' of service 'inventory' is left out");
		this.known
			.update(List.of(new DefaultServiceInstance("bad", "inventory", "127.0.0.1", 65_536, false, Map.of())));
		assertThat(output).as("a changed registration is logged again").contains("has port 65536");
	}

	private static ServiceInstance instance(String id, String weight) {
		return new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, Map.of("weight", weight));
	}

}
