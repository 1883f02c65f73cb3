package dev.mesh.client;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.mesh.client.ExchangeTestSupport.Answer;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.resilience.OverloadPolicy;
import dev.mesh.resilience.RetryPolicy;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile instances against overload avoidance, through the whole interceptor on a fake
 * clock.
 */
class OverloadAttackTests {

	private static final long MS = 1_000_000L;

	private final SettableClock clock = new SettableClock(Instant.parse("2026-12-03T12:00:00Z"));

	private final List<Long> sleeps = new ArrayList<>();

	private final List<String> sentTo = new ArrayList<>();

	private static final OverloadPolicy ON = new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(30));

	@Test
	void a429ToAPostWithoutIdempotencyKeyIsNeverRetried() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.ROUND_ROBIN, "a", "b");
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(ExchangeTestSupport.request(HttpMethod.POST),
				new byte[] { 1 }, execution((host) -> new Answer(429).with("Retry-After", "0")))) {
			assertThat(response.getStatusCode().value()).isEqualTo(429);
		}
		assertThat(this.sentTo).containsExactly("a");
	}

	@Test
	void anOutageOf429sStaysWithinTheRetryBudget() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.ROUND_ROBIN, "a", "b",
				"c");
		MeshClientInterceptor interceptor = interceptor(route);
		int calls = 2000;
		long started = this.clock.nanoTime();
		for (int i = 0; i < calls; i++) {
			try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0],
					execution((host) -> new Answer(429)))) {
				assertThat(response.getStatusCode().value()).isEqualTo(429);
			}
			this.clock.advanceNanos(1 * MS);
		}
		long seconds = (this.clock.nanoTime() - started) / 1_000_000_000L + 1;
		// 20% of the calls + 10/s for the time taken and the 10 s window
		assertThat((long) (this.sentTo.size() - calls)).as("retries in %d s", seconds)
			.isEqualTo(route.retryBudget().retryCount())
			.isLessThanOrEqualTo((long) (calls * 0.2) + 10 * (seconds + 10));
	}

	// ---- attacks

	/**
	 * docs/resilience.md: "its time may raise the instance's peak-ewma latency estimate
	 * but never lower it, so an instance that turns calls away fast never looks like the
	 * fastest". An instance that answers every call with a fast 429 (Retry-After: 0, a
	 * wait of none, which the docs allow) becomes the fastest-looking instance and draws
	 * twice its share of first attempts under peak-ewma: each of them a wasted attempt
	 * and a retry drawn from the budget (or a 429 to the caller).
	 */
	@Test
	void aFast429NeverMakesAnInstanceLookFastestUnderPeakEwma() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.PEAK_EWMA, "a", "b", "c");
		MeshClientInterceptor interceptor = interceptor(route);
		int calls = 600;
		int firstToA = 0;
		for (int i = 0; i < calls; i++) {
			int before = this.sentTo.size();
			try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
				if (host.equals("a")) {
					this.clock.advanceNanos(1 * MS);
					return new Answer(429).with("Retry-After", "0");
				}
				this.clock.advanceNanos(50 * MS);
				return new Answer(200);
			}))) {
				assertThat(response.getStatusCode().value()).isEqualTo(200);
			}
			if (this.sentTo.get(before).equals("a")) {
				firstToA++;
			}
		}
		// a fair share is a third; twice that means a looks fastest
		assertThat(firstToA).as("first attempts sent to the instance that only answers 429")
			.isLessThanOrEqualTo(calls / 2);
	}

	/**
	 * Every instance answered 429 with Retry-After: 5. The retry that goes back to the
	 * instance that just answered waits its 5 s; the retry that goes to the other
	 * overloaded instance, which asked for the same 5 s a moment ago, waits nothing.
	 */
	@Test
	void aRetryToAnotherInstanceThatAskedForAWaitWaitsForItToo() throws IOException {
		ClientPolicy policy = ClientPolicy.DEFAULTS.withOverload(ON);
		policy = new ClientPolicy(LoadBalancerPolicy.ROUND_ROBIN, Duration.ofSeconds(30), Duration.ofSeconds(3),
				policy.connectTimeout(),
				new RetryPolicy(3, policy.retry().on(), policy.retry().backoff(), policy.retry().budget()),
				policy.outlier(), null, policy.oauth2(), false, policy.zoneAffinity(), policy.slowStart(),
				policy.maxResponseSize(), policy.transport(), policy.versions(), ON);
		ServiceRoute route = route(policy, LoadBalancerPolicy.ROUND_ROBIN, "a", "b");
		MeshClientInterceptor interceptor = interceptor(route);
		Map<String, Long> askedUntil = new HashMap<>();
		List<Long> earlyBy = new ArrayList<>();
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
			Long until = askedUntil.get(host);
			if (until != null && this.clock.nanoTime() < until) {
				earlyBy.add(until - this.clock.nanoTime());
			}
			askedUntil.put(host, this.clock.nanoTime() + 5_000 * MS);
			return new Answer(429).with("Retry-After", "5");
		}))) {
			assertThat(response.getStatusCode().value()).isEqualTo(429);
		}
		assertThat(this.sentTo).hasSize(3);
		assertThat(earlyBy).as("attempts sent to an instance within the wait it asked for").isEmpty();
	}

	/**
	 * overload.* is a live setting ("the next call uses it"), and max-avoid-time is "the
	 * longest an instance is avoided, whatever it asked". Lowered at run time (to end an
	 * avoidance that is too long), it does not shorten an avoidance already recorded.
	 */
	@Test
	void aLoweredMaxAvoidTimeAppliesToInstancesAvoidedAlready() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.ROUND_ROBIN, "a", "b");
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0],
				execution((host) -> host.equals("a") ? new Answer(429).with("Retry-After", "30") : new Answer(200)))) {
			assertThat(response.getStatusCode().value()).isEqualTo(200);
		}
		route.update(route.live()
			.policy()
			.withOverload(new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(1))));
		this.clock.advanceNanos(2_000 * MS);
		this.sentTo.clear();
		for (int i = 0; i < 4; i++) {
			try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0],
					execution((host) -> new Answer(200)))) {
				assertThat(response.getStatusCode().value()).isEqualTo(200);
			}
		}
		assertThat(this.sentTo).as("a, avoided for 30 s, after 2 s under a max-avoid-time of 1 s").contains("a");
	}

	/**
	 * The only instance asks for Retry-After: 20 with max-avoid-time 2s: how long does
	 * the retry back to it wait?
	 */
	@Test
	void theWaitBeforeARetryToTheSameInstanceIsAtMostMaxAvoidTime() throws IOException {
		OverloadPolicy overload = new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(2));
		ClientPolicy policy = ClientPolicy.DEFAULTS;
		policy = new ClientPolicy(LoadBalancerPolicy.ROUND_ROBIN, Duration.ofSeconds(30), Duration.ofSeconds(3),
				policy.connectTimeout(), policy.retry(), policy.outlier(), null, policy.oauth2(), false,
				policy.zoneAffinity(), policy.slowStart(), policy.maxResponseSize(), policy.transport(),
				policy.versions(), overload);
		ServiceRoute route = route(policy, LoadBalancerPolicy.ROUND_ROBIN, "a");
		MeshClientInterceptor interceptor = interceptor(route);
		try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0],
				execution((host) -> new Answer(429).with("Retry-After", "20")))) {
			assertThat(response.getStatusCode().value()).isEqualTo(429);
		}
		assertThat(this.sentTo).as("both retries waited the 2 s, not the 20 s asked").hasSize(3);
		assertThat(this.sleeps).allSatisfy((nanos) -> assertThat(nanos).isLessThanOrEqualTo(2_000 * MS));
	}

	@Test
	void manyThreadsLeaveNothingInFlight() throws Exception {
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.LEAST_REQUEST, "a", "b",
				"c");
		MeshClientInterceptor interceptor = new MeshClientInterceptor(route, (nanos) -> {
		});
		List<Thread> threads = new ArrayList<>();
		List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
		for (int t = 0; t < 6; t++) {
			Thread thread = new Thread(() -> {
				java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
				for (int i = 0; i < 3000; i++) {
					try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], (request, body) -> {
						int r = random.nextInt(4);
						return switch (r) {
							case 0 -> new Answer(429).with("Retry-After", Integer.toString(random.nextInt(3)));
							case 1 -> new Answer(503).with("Retry-After", "0");
							case 2 -> new Answer(429);
							default -> new Answer(200);
						};
					})) {
						response.getStatusCode();
					}
					catch (Throwable ex) {
						errors.add(ex);
					}
				}
			});
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(errors).isEmpty();
		assertThat(route.instances()).allSatisfy((instance) -> {
			assertThat(instance.state().inFlight()).isZero();
			assertThat(instance.state().failures()).isZero();
		});
	}

	/**
	 * Like the peak-ewma attack above, but a has been measured (50 ms, as b and c) before
	 * it starts answering every call with a fast 429 Retry-After: 0: its estimate is
	 * never refreshed, decays with time, and a soon draws more than its share.
	 */
	@Test
	void aMeasuredInstanceThatTurnsToFast429sDoesNotDrawMoreThanItsShare() throws IOException {
		ServiceRoute route = route(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.PEAK_EWMA, "a", "b", "c");
		MeshClientInterceptor interceptor = interceptor(route);
		boolean[] busy = { false };
		Function<String, ClientHttpResponse> answers = (host) -> {
			if (busy[0] && host.equals("a")) {
				this.clock.advanceNanos(1 * MS);
				return new Answer(429).with("Retry-After", "0");
			}
			this.clock.advanceNanos(50 * MS);
			return new Answer(200);
		};
		for (int i = 0; i < 60; i++) {
			interceptor.intercept(get(), new byte[0], execution(answers)).close();
		}
		busy[0] = true;
		int calls = 600;
		int firstToA = 0;
		for (int i = 0; i < calls; i++) {
			int before = this.sentTo.size();
			interceptor.intercept(get(), new byte[0], execution(answers)).close();
			if (this.sentTo.get(before).equals("a")) {
				firstToA++;
			}
		}
		assertThat(firstToA).as("first attempts sent to the instance that only answers 429")
			.isLessThanOrEqualTo(calls / 2);
	}

	/**
	 * An instance that answers every call at once with 503 Retry-After: 0 (a proxy whose
	 * backend is gone, say), among two healthy ones, under peak-ewma at 1000 calls/s.
	 * Overload off: it is ejected after 5 failures and callers see almost no errors. On:
	 * it is never ejected, never avoided, draws most first attempts, and the retry budget
	 * cannot cover them, so callers get 503s.
	 */
	@Test
	void turningOverloadOnDoesNotMakeAFast503RetryAfter0InstanceFailCallers() throws IOException {
		int off = failedCalls(ClientPolicy.DEFAULTS, LoadBalancerPolicy.PEAK_EWMA);
		int on = failedCalls(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.PEAK_EWMA);
		System.out.println("PEAK_EWMA off=" + off + " on=" + on + "; ROUND_ROBIN off="
				+ failedCalls(ClientPolicy.DEFAULTS, LoadBalancerPolicy.ROUND_ROBIN) + " on="
				+ failedCalls(ClientPolicy.DEFAULTS.withOverload(ON), LoadBalancerPolicy.ROUND_ROBIN));
		assertThat(on).as("calls answered 503 with overload on (off: %d)", off).isLessThanOrEqualTo(off + 50);
	}

	private int failedCalls(ClientPolicy policy, LoadBalancerPolicy loadBalancer) throws IOException {
		ServiceRoute route = route(policy, loadBalancer, "a", "b", "c");
		MeshClientInterceptor interceptor = interceptor(route);
		int failed = 0;
		for (int i = 0; i < 20_000; i++) {
			try (ClientHttpResponse response = interceptor.intercept(get(), new byte[0], execution((host) -> {
				if (host.equals("a")) {
					return new Answer(503).with("Retry-After", "0");
				}
				this.clock.advanceNanos(2 * MS);
				return new Answer(200);
			}))) {
				if (response.getStatusCode().value() != 200) {
					failed++;
				}
			}
			this.clock.advanceNanos(1 * MS);
		}
		return failed;
	}

	private MeshClientInterceptor interceptor(ServiceRoute route) {
		return new MeshClientInterceptor(route, (nanos) -> {
			this.sleeps.add(nanos);
			this.clock.advanceNanos(nanos);
		});
	}

	private ClientHttpRequestExecution execution(Function<String, ClientHttpResponse> answers) {
		return (request, body) -> {
			this.sentTo.add(request.getURI().getHost());
			return answers.apply(request.getURI().getHost());
		};
	}

	private static HttpRequest get() {
		return ExchangeTestSupport.request(HttpMethod.GET);
	}

	private ServiceRoute route(ClientPolicy policy, LoadBalancerPolicy loadBalancer, String... ids) {
		return RouteTestSupport.routeWith(this.clock, policy.withLoadBalancer(loadBalancer), ids);
	}

}
