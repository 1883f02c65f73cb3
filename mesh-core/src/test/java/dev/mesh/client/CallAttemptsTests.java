package dev.mesh.client;

import java.time.Duration;
import java.time.Instant;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import static dev.mesh.client.RouteTestSupport.instance;
import static dev.mesh.client.RouteTestSupport.route;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pick step on its own: which instance a call's next attempt goes to.
 */
class CallAttemptsTests {

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));

	@Test
	void picksAnInstanceTheCallHasNotTriedWhileOneIsLeftThenATriedOne() {
		ServiceRoute route = route(this.clock, "a", "b");
		CallAttempts attempts = new CallAttempts(route, 3);
		MeshInstance first = attempts.next();
		attempts.tried(first);
		MeshInstance second = attempts.next();
		assertThat(second).isNotSameAs(first);
		attempts.tried(second);
		assertThat(attempts.next()).as("every instance tried: any will do").isNotNull();
	}

	@Test
	void skipsAnEjectedInstanceUnlessEveryInstanceIsEjected() {
		ServiceRoute route = route(this.clock, "a", "b");
		instance(route, "a").state().eject(this.clock.nanoTime() + Duration.ofSeconds(30).toNanos());
		for (int i = 0; i < 4; i++) {
			assertThat(new CallAttempts(route, 3).next().id()).isEqualTo("b");
		}
		instance(route, "b").state().eject(this.clock.nanoTime() + Duration.ofSeconds(30).toNanos());
		// the panic check runs at most every 100 ms
		this.clock.advance(Duration.ofMillis(101));
		assertThat(new CallAttempts(route, 3).next()).as("panic: ejected instances take calls").isNotNull();
	}

	@Test
	void skipsAnOverloadedInstanceForTheTimeItAskedWhenTheClientAvoidsThem() {
		ServiceRoute route = route(this.clock, "a", "b");
		instance(route, "a").state().overloaded(this.clock.nanoTime() + Duration.ofSeconds(5).toNanos());
		for (int i = 0; i < 4; i++) {
			assertThat(new CallAttempts(route, 3, null, true).next().id()).isEqualTo("b");
		}
		assertThat(new CallAttempts(route, 3, null, false).next().id()).as("overload rules off: a is picked too")
			.isEqualTo("a");
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(java.util.stream.IntStream.range(0, 4)
			.mapToObj((i) -> new CallAttempts(route, 3, null, true).next().id())
			.toList()).as("its wait is over").contains("a");
	}

	@Test
	void prefersATriedInstanceToAnOverloadedOneAndUsesOverloadedOnesWhenNoneIsLeft() {
		ServiceRoute route = route(this.clock, "a", "b");
		long later = this.clock.nanoTime() + Duration.ofSeconds(5).toNanos();
		instance(route, "b").state().overloaded(later);
		CallAttempts attempts = new CallAttempts(route, 3, null, true);
		MeshInstance first = attempts.next();
		assertThat(first.id()).isEqualTo("a");
		attempts.tried(first);
		assertThat(attempts.next().id()).isEqualTo("a");
		instance(route, "a").state().overloaded(later);
		assertThat(attempts.next()).as("every instance overloaded: one is used rather than none").isNotNull();
		assertThat(new CallAttempts(route, 3, null, true).next()).isNotNull();
	}

	@Test
	void findsNoInstanceWhenDiscoveryListsNone() {
		assertThat(new CallAttempts(route(this.clock), 3).next()).isNull();
	}

	@Test
	void numbersTheAttemptsSentAndForgetsAnAbortOnTheNext() {
		ServiceRoute route = route(this.clock, "a");
		CallAttempts attempts = new CallAttempts(route, 3);
		assertThat(attempts.sent()).isEqualTo(1);
		attempts.abort();
		assertThat(attempts.aborted()).isTrue();
		assertThat(attempts.abortedWithoutFailure()).isTrue();
		assertThat(attempts.sent()).isEqualTo(2);
		assertThat(attempts.aborted()).isFalse();
		attempts.failed();
		assertThat(attempts.anyFailed()).isTrue();
	}

}
