package dev.mesh.client;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code mesh.client.requests} timers: each attempt lands in the timer of its own
 * tags, including after the cache of timers has started over.
 */
class AttemptTimersTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final AttemptTimers timers = new AttemptTimers(this.registry, "inventory");

	@Test
	void shouldTimeEachAttemptUnderItsServiceInstanceMethodNumberStatusAndOutcome() {
		this.timers.record("a", "GET", 1, "200", "SUCCESS", 3_000_000);
		this.timers.record("a", "GET", 1, "200", "SUCCESS", 5_000_000);
		this.timers.record("a", "GET", 2, "200", "SUCCESS", 1_000_000);
		this.timers.record("b", "GET", 1, "200", "SUCCESS", 1_000_000);
		this.timers.record("a", "POST", 1, "200", "SUCCESS", 1_000_000);
		this.timers.record("a", "GET", 1, "503", "SERVER_ERROR", 1_000_000);
		this.timers.record("a", "GET", 1, "IO_ERROR", "TIMEOUT", 1_000_000);

		Timer first = timer("a", "GET", "1", "200", "SUCCESS");
		assertThat(first.getId().getTags()).containsExactlyInAnyOrder(Tag.of("service", "inventory"),
				Tag.of("instance", "a"), Tag.of("method", "GET"), Tag.of("attempt", "1"), Tag.of("status", "200"),
				Tag.of("outcome", "SUCCESS"));
		assertThat(first.count()).isEqualTo(2);
		assertThat(first.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8.0);
		assertThat(timer("a", "GET", "2", "200", "SUCCESS").count()).isEqualTo(1);
		assertThat(timer("b", "GET", "1", "200", "SUCCESS").count()).isEqualTo(1);
		assertThat(timer("a", "POST", "1", "200", "SUCCESS").count()).isEqualTo(1);
		assertThat(timer("a", "GET", "1", "503", "SERVER_ERROR").count()).isEqualTo(1);
		assertThat(timer("a", "GET", "1", "IO_ERROR", "TIMEOUT").count()).isEqualTo(1);
		assertThat(this.registry.find("mesh.client.requests").timers()).hasSize(6);
	}

	@Test
	void shouldStayCorrectPastTheBoundOfItsCache() {
		int instances = TimerCache.MAX_CACHED + 10;
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < instances; i++) {
				this.timers.record("i-" + i, "GET", 1, "200", "SUCCESS", 1_000);
				assertThat(this.timers.cached()).isLessThanOrEqualTo(TimerCache.MAX_CACHED);
			}
		}
		for (int i = 0; i < instances; i += 97) {
			assertThat(timer("i-" + i, "GET", "1", "200", "SUCCESS").count()).isEqualTo(2);
		}
	}

	private Timer timer(String instance, String method, String attempt, String status, String outcome) {
		return this.registry.get("mesh.client.requests")
			.tags("service", "inventory", "instance", instance, "method", method, "attempt", attempt, "status", status,
					"outcome", outcome)
			.timer();
	}

}
