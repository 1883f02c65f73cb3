package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.mesh.client.ClientPolicies;
import dev.mesh.client.MeshTransport;
import dev.mesh.client.MeshTransports;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark briefly with tiny parameters, so the build proves they compile and
 * work. The numbers mean nothing; docs/benchmarks.md has the real runs.
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
	void transportOverheadCallsTheServerThroughEveryPlainTransportAndAMeshClientOnEachWithoutErrors() throws Exception {
		TransportOverhead.Report report = TransportOverhead.run(Duration.ofMillis(400), 1);
		// simple, jdk (without and with a read timeout, on HTTP/1.1), http-components
		// (default and tuned
		// pool), jetty, reactor, then a mesh client on each of the 5 transports, and on
		// the first (the
		// default) also Boot's observed RestClient and a mesh client with nothing
		// observed; measured
		// interleaved, then alone twice
		assertThat(report.latency()).hasSize(15);
		assertThat(report.firstRound()).hasSize(15);
		assertThat(report.secondRound()).hasSize(15);
		List<LoadRun.Result> interleaved = report.latency().stream().map(InterleavedRun.Measured::latency).toList();
		List<LoadRun.Result> first = report.firstRound().stream().map(TransportOverhead.Alone::result).toList();
		List<LoadRun.Result> second = report.secondRound().stream().map(TransportOverhead.Alone::result).toList();
		assertThat(List.of(interleaved, first, second))
			.allSatisfy((results) -> assertThat(results).allSatisfy((result) -> {
				assertThat(result.calls()).as(result.name()).isPositive();
				assertThat(result.failures()).as(result.name()).isZero();
			}));
		assertThat(report.latency()).allSatisfy((measured) -> assertThat(measured.cpuMicros(50)).isPositive());
		// in clock ticks, so possibly 0 in a run this short
		assertThat(report.firstRound()).allSatisfy((alone) -> assertThat(alone.processCpuMicros()).isNotNegative());
		assertThat(report.latencyTable()).contains("| http-components, tuned pool |", "| jetty |", "| reactor |",
				"| @MeshClient on http-components |", "| @MeshClient on reactor |", "p50 − best plain µs",
				"| Boot's RestClient.Builder on http-components (observed) |",
				"| @MeshClient on http-components, nothing observed |");
		assertThat(report.throughputTable()).contains("mean vs best plain", "process CPU");
		// the header, then one row per transport, each against the plain client on it
		assertThat(report.meshTable().lines().filter((line) -> line.startsWith("| ")).toList()).hasSize(7)
			.anySatisfy((line) -> assertThat(line).startsWith("| http-components |"))
			.anySatisfy((line) -> assertThat(line).startsWith("| simple |"));
		assertThat(report.meshTable()).contains("p50 mesh − plain µs", "throughput mesh / plain",
				"fastest plain at p50: ", "on http-components, p50 (p99): Boot's observed RestClient − plain ");
	}

	@Test
	void theMeshClientOfEachTransportRunsOnThatTransport() throws Exception {
		try (LoopbackServer server = LoopbackServer.start("bench-1")) {
			for (String transport : TransportOverhead.MESH_TRANSPORTS) {
				try (ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server),
						BenchmarkApplication.TRANSPORT + transport)) {
					assertThat(transportOf(context)).as(transport).isEqualTo(transport);
				}
			}
			// unset: the starter brings Apache HttpClient 5, which Boot picks first
			try (ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server))) {
				assertThat(transportOf(context)).isEqualTo("http-components");
			}
		}
	}

	/**
	 * Spring's Jetty factory does not stop a client Boot handed it: the mesh does, with
	 * the context.
	 */
	@Test
	void theJettyTransportLeavesNoThreadOnceItsContextIsClosed() throws Exception {
		try (LoopbackServer server = LoopbackServer.start("bench-1")) {
			java.util.Set<Thread> before = jettyThreads();
			try (ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server),
					BenchmarkApplication.TRANSPORT + "jetty")) {
				context.getBean("meshClient", org.springframework.web.client.RestClient.class)
					.get()
					.uri("/api/stock/1")
					.retrieve()
					.body(String.class);
				assertThat(jettyThreads()).hasSizeGreaterThan(before.size());
			}
			long until = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
			java.util.Set<Thread> left = jettyThreads();
			left.removeAll(before);
			while (!left.isEmpty() && System.nanoTime() < until) {
				Thread.sleep(50);
				left = jettyThreads();
				left.removeAll(before);
			}
			assertThat(left).as("Jetty threads left").isEmpty();
		}
	}

	private static java.util.Set<Thread> jettyThreads() {
		java.util.Set<Thread> threads = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
		threads.removeIf(
				(thread) -> !thread.isAlive() || thread.isDaemon() || !thread.getName().startsWith("HttpClient@"));
		return threads;
	}

	/**
	 * The transport the mesh builds for the benchmark's service in a context (made anew,
	 * and closed again).
	 */
	private static String transportOf(ConfigurableApplicationContext context) throws Exception {
		MeshTransport transport = context.getBean(MeshTransports.class)
			.create(BenchmarkApplication.SERVICE,
					context.getBean(ClientPolicies.class).forService(BenchmarkApplication.SERVICE));
		if (transport.factory() instanceof AutoCloseable closeable) {
			closeable.close();
		}
		else if (transport.factory() instanceof DisposableBean disposable) {
			disposable.destroy();
		}
		return transport.name();
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

}
