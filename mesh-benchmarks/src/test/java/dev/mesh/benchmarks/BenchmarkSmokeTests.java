package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark briefly with tiny parameters, so the build proves they compile and
 * work (the transport harness in {@link TransportSmokeTests}). The numbers mean nothing;
 * docs/benchmarks.md has the real runs.
 */
class BenchmarkSmokeTests {

	@Test
	void pickerBenchmarkRunsEveryPickerAndSpringCloudsLoadBalancers() throws Exception {
		Options options = new OptionsBuilder().include(PickerBenchmark.class.getSimpleName())
			.param("size", "3")
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(100))
			.build();
		Collection<RunResult> results = new Runner(options).run();
		// 5 mesh policies and Spring Cloud's round robin and random
		assertThat(results).hasSize(7);
		assertThat(results).allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

	@Test
	void callBenchmarkCallsThroughThePlainTheObservedAndTheMeshClient() throws Exception {
		Options options = new OptionsBuilder().include(CallBenchmark.class.getSimpleName())
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(300))
			.build();
		Collection<RunResult> results = new Runner(options).run();
		assertThat(results).hasSize(3);
		assertThat(results).allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

	@Test
	void callOverheadCallsTheServerThroughEveryClientWithoutErrors() throws Exception {
		CallOverhead.Report report = CallOverhead.run(Duration.ofMillis(400), 1);
		// plain, Boot-observed, mesh without and with a token, mesh unobserved, mesh with
		// attempts
		// unobserved, Spring Cloud; measured interleaved, then alone twice
		assertThat(report.latency()).hasSize(7);
		assertThat(report.firstRound()).hasSize(7);
		assertThat(report.secondRound()).hasSize(7);
		List<LoadRun.Result> interleaved = report.latency().stream().map(InterleavedRun.Measured::latency).toList();
		assertThat(List.of(interleaved, report.firstRound(), report.secondRound()))
			.allSatisfy((results) -> assertThat(results).allSatisfy((result) -> {
				assertThat(result.calls()).as(result.name()).isPositive();
				assertThat(result.failures()).as(result.name()).isZero();
			}));
		assertThat(report.latency()).allSatisfy((measured) -> assertThat(measured.cpuMicros(50)).isPositive());
		// the token-carrying client got its token once and reused it
		assertThat(report.tokenRequests()).isEqualTo(1);
		assertThat(report.latencyTable()).contains("@MeshClient with OAuth2 token")
			.contains(CallOverhead.UNOBSERVED)
			.contains(CallOverhead.ATTEMPTS_UNOBSERVED)
			.contains("p50 − Boot-observed µs");
		assertThat(report.throughputTable()).contains("mean vs Boot-observed");
	}

	@Test
	void meshShareCallsTheServerThroughTheFourClientsInBlocksAndAloneWithoutErrors() throws Exception {
		MeshShare.Report report = MeshShare.run(Duration.ofMillis(600), 2, Duration.ofMillis(200), "http-components");
		assertThat(report.latency()).containsOnlyKeys(MeshShare.BARE, MeshShare.BOOT, MeshShare.MESH_UNOBSERVED,
				MeshShare.MESH, MeshShare.SIMPLE);
		assertThat(report.latency().values()).allSatisfy((result) -> {
			assertThat(result.calls()).as(result.name()).isPositive();
			assertThat(result.failures()).as(result.name()).isZero();
			assertThat(result.sortedLatencies()).as(result.name()).hasSize((int) result.calls()).isSorted();
		});
		assertThat(report.throughput().values()).allSatisfy((rounds) -> {
			assertThat(rounds).hasSize(2);
			assertThat(Arrays.stream(rounds).min().orElseThrow()).isPositive();
		});
		assertThat(report.table()).contains("| " + MeshShare.MESH + " |", "p50 / p99 − Boot's µs", "vs Boot's");
	}

	@Test
	void callCpuMeasuresEveryClientsCallerCpu() throws Exception {
		Map<String, Double> medians = CallCpu.run(3, 20);
		assertThat(medians).containsOnlyKeys("plain RestClient", "RestClient from Boot's builder (observed)",
				"@MeshClient", CallCpu.ATTEMPTS_UNOBSERVED, CallCpu.UNOBSERVED);
		assertThat(medians.values()).allSatisfy((micros) -> assertThat(micros).isPositive());
		assertThat(CallCpu.table(medians)).contains("| @MeshClient |");
	}

	@Test
	void callThreadsMeasuresEveryClientOnEveryThread() throws Exception {
		List<CallThreads.Row> rows = CallThreads.run(3, 20);
		assertThat(rows).extracting(CallThreads.Row::name)
			.containsExactly(CallThreads.PLAIN, CallThreads.PLAIN_WITH_TIMEOUT, CallThreads.MESH);
		assertThat(rows).allSatisfy((row) -> {
			assertThat(row.callerCpuMicros()).isPositive();
			assertThat(row.wallMicros()).isGreaterThanOrEqualTo(row.callerCpuMicros());
			// in clock ticks, so possibly 0 in a round this short
			assertThat(row.processCpuMicros()).isNotNegative();
			if (CallThreads.contextSwitches() >= 0) {
				// every call wakes at least the server's thread and the caller again
				assertThat(row.switches()).isGreaterThanOrEqualTo(1.0);
			}
			else {
				assertThat(row.switches()).as("no /proc here").isNaN();
			}
		});
	}

	@Test
	void slowInstanceRunsEveryScenarioAtTheRequestedRateAndCountsAttempts() throws Exception {
		List<SlowInstance.Plan> plans = List.of(
				new SlowInstance.Plan(SlowInstance.Scenario.HEALTHY, "round-robin", SlowInstance.Client.BALANCER),
				new SlowInstance.Plan(SlowInstance.Scenario.SLOW, "peak-ewma",
						SlowInstance.Client.BALANCER_NO_EJECTION),
				new SlowInstance.Plan(SlowInstance.Scenario.ERRORS, "least-request", SlowInstance.Client.MESH));
		List<SlowInstance.Row> rows = SlowInstance.run(Duration.ofSeconds(1), 66, plans, Duration.ZERO);
		assertThat(rows).hasSize(3);
		assertThat(rows).allSatisfy((row) -> {
			assertThat(row.result().calls()).as(row.toString()).isEqualTo(66);
			assertThat(row.result().sortedLatencies()).hasSize(66);
			// every call made at least one attempt; the balancer-alone clients exactly
			// one
			assertThat(row.attempts()).as(row.toString()).isGreaterThanOrEqualTo(66);
		});
		SlowInstance.Row healthy = rows.get(0);
		assertThat(healthy.result().failures()).isZero();
		assertThat(healthy.attempts()).isEqualTo(66);
		// round robin over 11 instances: 66 calls give each 6 (the warm-up's 6 calls
		// shift where it starts)
		assertThat(healthy.badAttempts()).isEqualTo(6);
		assertThat(rows.get(1).attempts()).isEqualTo(66);
	}

	@Test
	void failoverKillsAnInstanceAndCountsTheAttemptsItGotAfterwards() throws Exception {
		Failover.Result result = Failover.run(Duration.ofMillis(1500), 100);
		assertThat(result.calls().calls()).isEqualTo(150);
		assertThat(result.attempts()).isGreaterThanOrEqualTo(150);
		// both count attempts that started after the kill, so the failures are some of
		// those attempts (an
		// attempt started just before the kill may fail after it and counts on neither
		// side); and the dead
		// instance is found by failed attempts, so at least one failed
		assertThat(result.failedAfterKill()).isLessThanOrEqualTo(result.attemptsToDeadAfterKill());
		assertThat(result.failedAfterKill()).isPositive();
		assertThat(result.perInstance()).hasSize(4);
	}

	@Test
	void retryAmplificationCountsServerSideAttemptsWithAndWithoutTheBudget() throws Exception {
		List<RetryAmplification.Row> rows = RetryAmplification.run(Duration.ofSeconds(1), 50);
		assertThat(rows).hasSize(2);
		assertThat(rows).allSatisfy((row) -> {
			assertThat(row.calls().calls()).isEqualTo(50);
			assertThat(row.calls().failures()).as("every instance answers 503").isEqualTo(50);
		});
		// 50 calls want 100 retries, within even one second's budget of 0.2 × 50 + 100
		assertThat(rows.get(0).attempts()).isBetween(50L, rows.get(0).windowedBound());
		assertThat(rows.get(1).attempts()).as("no budget: three attempts per call").isEqualTo(150);
	}

	@Test
	void overloadedInstanceRunsABalancerWithAndWithoutTheOverloadRules() throws Exception {
		List<OverloadedInstance.Row> rows = OverloadedInstance.run(Duration.ofSeconds(1), 60, 5,
				List.of("round-robin"));
		assertThat(rows).extracting(OverloadedInstance.Row::client)
			.containsExactly("round-robin", "round-robin + overload.enabled");
		assertThat(rows).allSatisfy((row) -> {
			assertThat(row.calls().calls()).isEqualTo(60);
			assertThat(row.attempts()).isGreaterThanOrEqualTo(60);
		});
		assertThat(rows.get(0).turnedAway()).as("round robin sends the limited instance a third of 60 calls")
			.isPositive();
		assertThat(rows.get(0).calls().failures()).as("429s go back to the caller").isPositive();
	}

}
