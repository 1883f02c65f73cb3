package dev.mesh.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.mesh.discovery.InstanceState.AttemptResult;
import dev.mesh.discovery.MeshInstance;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The hand-written resilience policies, on an injected clock so every number is exact.
 */
class ResiliencePoliciesTests {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

	@Test
	void budgetAllowsTwentyPercentPlusTheReserveAndThenRefuses() {
		RetryBudget budget = new RetryBudget(new RetryPolicy.Budget(0.2, 10), this.nanos::get);
		for (int i = 0; i < 1000; i++) {
			budget.recordCall();
		}
		int allowed = 0;
		while (budget.tryRetry()) {
			allowed++;
		}
		assertThat(allowed).isEqualTo(200 + 100);
		assertThat(budget.exhaustedCount()).isEqualTo(1);
		assertThat(budget.available()).isZero();
	}

	@Test
	void budgetRecoversAsTheWindowSlidesOn() {
		RetryBudget budget = new RetryBudget(new RetryPolicy.Budget(0.0, 1), this.nanos::get);
		for (int i = 0; i < 10; i++) {
			assertThat(budget.tryRetry()).isTrue();
		}
		assertThat(budget.tryRetry()).isFalse();
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		assertThat(budget.tryRetry()).as("still inside the window").isFalse();
		this.nanos.addAndGet(Duration.ofSeconds(10).toNanos());
		assertThat(budget.tryRetry()).isTrue();
	}

	@Test
	void budgetNeverGrantsMoreRetriesThanItHoldsWhenManyThreadsTakeTheLastTokensAtOnce() throws Exception {
		// 100 retries per window and no calls; each round starts a new window (a rollover
		// of every
		// bucket), and 16 threads released together try 20 retries each for those 100
		// tokens, so all of
		// them are still trying when the last tokens go
		RetryBudget budget = new RetryBudget(new RetryPolicy.Budget(0.0, 10), this.nanos::get);
		AtomicLong granted = new AtomicLong();
		List<String> overGranted = raceRounds(
				() -> this.nanos.addAndGet(Duration.ofSeconds(RetryBudget.WINDOW_SECONDS).toNanos()), () -> {
					for (int i = 0; i < 20; i++) {
						if (budget.tryRetry()) {
							granted.incrementAndGet();
						}
					}
				}, (round) -> {
					long grantedThisRound = granted.getAndSet(0);
					return (grantedThisRound != 100 || budget.available() != 0)
							? "round " + round + ": granted " + grantedThisRound + ", available " + budget.available()
							: null;
				});
		assertThat(overGranted).isEmpty();
		assertThat(budget.retryCount()).isEqualTo(100L * RACE_ROUNDS);
		assertThat(budget.exhaustedCount()).isEqualTo((RACE_THREADS * 20L - 100) * RACE_ROUNDS);
	}

	@Test
	void budgetLosesNoCallsWhenManyThreadsRecordThemAsTheWindowRollsOver() throws Exception {
		// a retry per call: the retries available equal the calls counted in the window
		RetryBudget budget = new RetryBudget(new RetryPolicy.Budget(1.0, 0), this.nanos::get);
		List<String> lost = raceRounds(
				() -> this.nanos.addAndGet(Duration.ofSeconds(RetryBudget.WINDOW_SECONDS).toNanos()), () -> {
					for (int i = 0; i < 4; i++) {
						budget.recordCall();
					}
				}, (round) -> (budget.available() != RACE_THREADS * 4L)
						? "round " + round + ": available " + budget.available() : null);
		assertThat(lost).isEmpty();
	}

	private static final int RACE_THREADS = 16;

	private static final int RACE_ROUNDS = 5_000;

	/**
	 * Runs {@value #RACE_ROUNDS} rounds on {@value #RACE_THREADS} threads: in each round
	 * the threads, released together by a barrier, each run {@code task}. Between rounds,
	 * once every thread is done, the barrier's action runs {@code check} on the round
	 * that ended and {@code beforeRound} for the next one.
	 * @return what the checks reported, one line per bad round
	 */
	private static List<String> raceRounds(Runnable beforeRound, Runnable task,
			java.util.function.IntFunction<String> check) throws Exception {
		List<String> bad = new java.util.concurrent.CopyOnWriteArrayList<>();
		int[] round = { 0 };
		SpinBarrier between = new SpinBarrier(RACE_THREADS, () -> {
			if (round[0] > 0) {
				String problem = check.apply(round[0] - 1);
				if (problem != null) {
					bad.add(problem);
				}
			}
			if (round[0] < RACE_ROUNDS) {
				beforeRound.run();
			}
			round[0]++;
		});
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(RACE_THREADS);
		try {
			List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
			for (int t = 0; t < RACE_THREADS; t++) {
				done.add(threads.submit(() -> {
					for (int r = 0; r < RACE_ROUNDS; r++) {
						between.await();
						task.run();
					}
					between.await();
					return null;
				}));
			}
			for (java.util.concurrent.Future<?> future : done) {
				future.get(60, java.util.concurrent.TimeUnit.SECONDS);
			}
			return bad;
		}
		finally {
			threads.shutdownNow();
		}
	}

	/**
	 * A barrier whose waiting threads spin (yielding) instead of parking, so that the
	 * threads it releases start together instead of one by one as they are woken up: a
	 * {@code CyclicBarrier} lets the last thread to arrive run alone for the time the
	 * others take to wake, and a rollover of the window would then always be done by one
	 * thread before the others come.
	 */
	private static final class SpinBarrier {

		private final int parties;

		private final Runnable action;

		private final java.util.concurrent.atomic.AtomicInteger arrived = new java.util.concurrent.atomic.AtomicInteger();

		private volatile int generation;

		SpinBarrier(int parties, Runnable action) {
			this.parties = parties;
			this.action = action;
		}

		void await() {
			int current = this.generation;
			if (this.arrived.incrementAndGet() == this.parties) {
				this.arrived.set(0);
				this.action.run();
				this.generation = current + 1;
				return;
			}
			while (this.generation == current) {
				Thread.yield();
			}
		}

	}

	@Test
	void detectorEjectsAfterConsecutiveFailuresAndDoublesRepeatedEjections() {
		OutlierDetector detector = new OutlierDetector(
				new OutlierPolicy(3, Duration.ofSeconds(30), Duration.ofSeconds(100), 50), this.nanos::get);
		MeshInstance a = instance("a");
		List<MeshInstance> all = List.of(a, instance("b"), instance("c"));
		fail(detector, a, all, 2);
		detector.recordSuccess(succeeded(a));
		fail(detector, a, all, 2);
		assertThat(detector.isEjected(a, this.nanos.get())).as("a success resets the run").isFalse();
		fail(detector, a, all, 1);
		assertThat(detector.isEjected(a, this.nanos.get())).isTrue();
		assertThat(ejectedFor(a)).isEqualTo(Duration.ofSeconds(30));

		this.nanos.addAndGet(Duration.ofSeconds(30).toNanos());
		assertThat(detector.isEjected(a, this.nanos.get())).as("back on probation").isFalse();
		fail(detector, a, all, 1);
		assertThat(ejectedFor(a)).as("one failure on probation ejects again, for twice as long")
			.isEqualTo(Duration.ofSeconds(60));
		this.nanos.addAndGet(Duration.ofSeconds(60).toNanos());
		fail(detector, a, all, 1);
		assertThat(ejectedFor(a)).as("capped").isEqualTo(Duration.ofSeconds(100));
		this.nanos.addAndGet(Duration.ofSeconds(100).toNanos());
		detector.recordSuccess(succeeded(a));
		fail(detector, a, all, 2);
		assertThat(detector.isEjected(a, this.nanos.get())).as("a success on probation clears the record").isFalse();
		fail(detector, a, all, 1);
		assertThat(ejectedFor(a)).isEqualTo(Duration.ofSeconds(30));
		assertThat(detector.ejectionCount()).isEqualTo(4);
	}

	@Test
	void detectorTakesAChangedPolicyForLaterFailuresAndKeepsAnEjectionsEnd() {
		OutlierDetector detector = new OutlierDetector(
				new OutlierPolicy(5, Duration.ofSeconds(30), Duration.ofSeconds(100), 50), this.nanos::get);
		MeshInstance a = instance("a");
		MeshInstance b = instance("b");
		List<MeshInstance> all = List.of(a, b, instance("c"), instance("d"));
		fail(detector, a, all, 5);
		assertThat(ejectedFor(a)).isEqualTo(Duration.ofSeconds(30));
		detector.update(new OutlierPolicy(2, Duration.ofSeconds(7), Duration.ofSeconds(100), 50));
		assertThat(ejectedFor(a)).as("an ejection in progress keeps its end").isEqualTo(Duration.ofSeconds(30));
		fail(detector, b, all, 2);
		assertThat(ejectedFor(b)).as("2 in a row now eject, for the new time").isEqualTo(Duration.ofSeconds(7));
	}

	@Test
	void detectorLetsAnOperatorEjectPastTheShareButKeepsThePanicRule() {
		OutlierDetector detector = new OutlierDetector(
				new OutlierPolicy(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 10), this.nanos::get);
		MeshInstance a = instance("a");
		MeshInstance b = instance("b");
		List<MeshInstance> all = List.of(a, b);
		detector.eject(a, all);
		detector.eject(b, all);
		assertThat(ejectedFor(a)).as("for max-ejection-time").isEqualTo(Duration.ofSeconds(300));
		assertThat(detector.isEjected(b, this.nanos.get())).as("past max-ejection-percent").isTrue();
		assertThat(detector.skipEjected(all, this.nanos.get())).as("every instance ejected: panic, all used").isFalse();
		assertThat(detector.ejectionCount()).isEqualTo(2);
		detector.restore(b, all);
		assertThat(detector.isEjected(b, this.nanos.get())).isFalse();
		assertThat(b.state().onProbation()).isFalse();
		assertThat(detector.skipEjected(all, this.nanos.get())).as("b takes the traffic again").isTrue();
	}

	@Test
	void budgetTakesAChangedPolicyAndKeepsItsWindow() {
		RetryBudget budget = new RetryBudget(new RetryPolicy.Budget(0.0, 1), this.nanos::get);
		for (int i = 0; i < 100; i++) {
			budget.recordCall();
		}
		assertThat(budget.available()).isEqualTo(10);
		budget.update(new RetryPolicy.Budget(0.5, 1));
		assertThat(budget.available()).as("the 100 calls counted before still count").isEqualTo(60);
	}

	@Test
	void detectorRefusesAnEjectionPastMaxEjectionPercentButAlwaysAllowsOne() {
		OutlierDetector detector = new OutlierDetector(
				new OutlierPolicy(1, Duration.ofSeconds(30), Duration.ofSeconds(30), 50), this.nanos::get);
		MeshInstance a = instance("a");
		MeshInstance b = instance("b");
		List<MeshInstance> all = List.of(a, b, instance("c"));
		fail(detector, a, all, 1);
		fail(detector, b, all, 3);
		assertThat(detector.isEjected(a, this.nanos.get())).isTrue();
		assertThat(detector.isEjected(b, this.nanos.get())).as("2 of 3 would be past 50%").isFalse();
		assertThat(detector.skipEjected(all, this.nanos.get())).as("a stays avoided").isTrue();
		assertThat(detector.ejectionCount()).isEqualTo(1);

		this.nanos.addAndGet(Duration.ofSeconds(30).toNanos());
		detector.recordSuccess(succeeded(a));
		fail(detector, b, all, 1);
		assertThat(detector.isEjected(b, this.nanos.get())).as("ejected at its next failure once a slot is free")
			.isTrue();

		OutlierDetector tenPercent = new OutlierDetector(
				new OutlierPolicy(1, Duration.ofSeconds(30), Duration.ofSeconds(30), 10), this.nanos::get);
		MeshInstance d = instance("d");
		List<MeshInstance> others = List.of(d, instance("e"), instance("f"));
		fail(tenPercent, d, others, 1);
		assertThat(tenPercent.isEjected(d, this.nanos.get())).as("one instance may always be ejected").isTrue();
		assertThat(tenPercent.skipEjected(others, this.nanos.get())).isTrue();
	}

	@Test
	void detectorEntersPanicModeOnlyWhenEveryInstanceIsEjected() {
		OutlierDetector detector = new OutlierDetector(
				new OutlierPolicy(1, Duration.ofSeconds(30), Duration.ofSeconds(30), 100), this.nanos::get);
		MeshInstance a = instance("a");
		MeshInstance b = instance("b");
		List<MeshInstance> all = List.of(a, b);
		fail(detector, a, all, 1);
		assertThat(detector.skipEjected(all, this.nanos.get())).as("1 of 2 ejected: avoid it").isTrue();
		fail(detector, b, all, 1);
		assertThat(detector.ejectedCount(all)).isEqualTo(2);
		assertThat(detector.skipEjected(all, this.nanos.get())).as("2 of 2: panic, use all").isFalse();
	}

	@Test
	void ruleRetriesIdempotentMethodsOnAnyConfiguredFailureButPostOnlyWhenSafe() {
		RetryRule rule = new RetryRule(RetryOn.parse(List.of("connect-failure", "reset", "timeout", "503")));
		HttpHeaders none = new HttpHeaders();
		HttpHeaders keyed = new HttpHeaders();
		keyed.set("Idempotency-Key", "k-1");
		for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT,
				HttpMethod.DELETE)) {
			assertThat(rule.mayRetry(method, none, FailureKind.RESET)).isTrue();
			assertThat(rule.mayRetry(method, none, FailureKind.TIMEOUT)).isTrue();
			assertThat(rule.mayRetry(method, none, 503)).isTrue();
			assertThat(rule.mayRetry(method, none, 500)).as("500 not configured").isFalse();
		}
		for (HttpMethod method : List.of(HttpMethod.POST, HttpMethod.PATCH)) {
			assertThat(rule.mayRetry(method, none, FailureKind.CONNECT_FAILURE)).isTrue();
			assertThat(rule.mayRetry(method, none, FailureKind.RESET)).isFalse();
			assertThat(rule.mayRetry(method, none, FailureKind.TIMEOUT)).isFalse();
			assertThat(rule.mayRetry(method, none, 503)).isFalse();
			assertThat(rule.mayRetry(method, keyed, FailureKind.RESET)).isTrue();
			assertThat(rule.mayRetry(method, keyed, 503)).isTrue();
		}
		RetryRule noConnect = new RetryRule(RetryOn.parse(List.of("reset")));
		assertThat(noConnect.mayRetry(HttpMethod.POST, none, FailureKind.CONNECT_FAILURE)).isFalse();
	}

	@Test
	void retryOnRejectsUnknownValuesNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> RetryOn.parse(List.of("reset", "sometimes")))
			.withMessageContaining("'sometimes'")
			.withMessageContaining(RetryOn.ALLOWED);
		assertThatIllegalArgumentException().isThrownBy(() -> RetryOn.parse(List.of("429")));
		assertThat(RetryOn.parse(List.of(" Timeout ", "599"))).hasToString("[timeout, 599]");
	}

	@Test
	void backoffGrowsWithinItsBoundsAndHonoursRetryAfter() {
		Clock clock = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
		BackoffSchedule plain = new BackoffSchedule(
				new RetryPolicy.Backoff(Duration.ofMillis(25), 2.0, Duration.ofMillis(150), 0.0), clock);
		assertThat(List.of(plain.delayMillis(1, null), plain.delayMillis(2, null), plain.delayMillis(3, null),
				plain.delayMillis(4, null), plain.delayMillis(5, null)))
			.containsExactly(25L, 50L, 100L, 150L, 150L);
		BackoffSchedule jittered = new BackoffSchedule(
				new RetryPolicy.Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.5), clock);
		for (int i = 0; i < 200; i++) {
			assertThat(jittered.delayMillis(1, null)).isBetween(50L, 150L);
		}
		assertThat(plain.delayMillis(1, "2")).isEqualTo(2000);
		String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(clock).plusSeconds(3));
		assertThat(plain.delayMillis(1, inThreeSeconds)).isEqualTo(3000);
		assertThat(plain.delayMillis(1, "later, maybe")).as("garbage counts as absent").isEqualTo(25);
	}

	@Test
	void inboundDeadlineIgnoresGarbage() {
		assertThat(InboundDeadline.parseMillis("250")).isEqualTo(250);
		assertThat(InboundDeadline.parseMillis("-3")).isEqualTo(-3);
		assertThat(InboundDeadline.parseMillis("1e3")).isNull();
		assertThat(InboundDeadline.parseMillis("99999999999999999999")).isNull();
		assertThat(InboundDeadline.parseMillis(null)).isNull();
		assertThat(InboundDeadline.remainingNanos(0)).isEqualTo(Long.MAX_VALUE);
		InboundDeadline.set(500);
		try {
			assertThat(InboundDeadline.remainingNanos(200)).isEqualTo(300);
		}
		finally {
			InboundDeadline.clear();
		}
	}

	private void fail(OutlierDetector detector, MeshInstance instance, List<MeshInstance> all, int times) {
		for (int i = 0; i < times; i++) {
			detector.recordFailure(instance, failedOnce(instance), all);
		}
	}

	private static MeshInstance succeeded(MeshInstance instance) {
		instance.state().attemptStarted(System.nanoTime());
		instance.state().attemptEnded(AttemptResult.SUCCEEDED, -1, System.nanoTime());
		return instance;
	}

	private static int failedOnce(MeshInstance instance) {
		instance.state().attemptStarted(System.nanoTime());
		return instance.state().attemptEnded(AttemptResult.FAILED, -1, System.nanoTime());
	}

	private Duration ejectedFor(MeshInstance instance) {
		return Duration.ofNanos(instance.state().ejectedUntilNanos() - this.nanos.get());
	}

	private static MeshInstance instance(String id) {
		return MeshInstance
			.of(new DefaultServiceInstance(id, "inventory", "127.0.0.1", 8000 + id.charAt(0), false, Map.of()), 1);
	}

}
