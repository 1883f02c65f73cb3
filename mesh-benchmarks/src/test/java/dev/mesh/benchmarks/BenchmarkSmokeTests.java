package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark briefly with tiny parameters, so the build proves they compile and work. The
 * numbers mean nothing; docs/benchmarks.md has the real runs.
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
	void callBenchmarkCallsThroughThePlainAndTheMeshClient() throws Exception {
		Options options = new OptionsBuilder().include(CallBenchmark.class.getSimpleName())
			.forks(0)
			.warmupIterations(0)
			.measurementIterations(1)
			.measurementTime(TimeValue.milliseconds(300))
			.build();
		Collection<RunResult> results = new Runner(options).run();
		assertThat(results).hasSize(2);
		assertThat(results).allSatisfy((result) -> assertThat(result.getPrimaryResult().getScore()).isPositive());
	}

	@Test
	void callOverheadCallsTheServerThroughEveryClientWithoutErrors() throws Exception {
		CallOverhead.Report report = CallOverhead.run(Duration.ofMillis(400), 1);
		// plain, mesh without and with a token, Spring Cloud; measured interleaved, then alone twice
		assertThat(report.latency()).hasSize(4);
		assertThat(report.firstRound()).hasSize(4);
		assertThat(report.secondRound()).hasSize(4);
		assertThat(List.of(report.latency(), report.firstRound(), report.secondRound())).allSatisfy((results) -> assertThat(results)
			.allSatisfy((result) -> {
				assertThat(result.calls()).as(result.name()).isPositive();
				assertThat(result.failures()).as(result.name()).isZero();
			}));
		// the token-carrying client got its token once and reused it
		assertThat(report.tokenRequests()).isEqualTo(1);
		assertThat(report.latencyTable()).contains("@MeshClient with OAuth2 token");
	}

}
