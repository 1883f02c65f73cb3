package dev.mesh.benchmarks;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.mesh.client.ClientPolicies;
import dev.mesh.client.MeshTransport;
import dev.mesh.client.MeshTransports;
import dev.mesh.observability.MeshMeterNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the transport harness ({@link TransportOverhead}) briefly with tiny parameters and
 * checks that each mesh client runs on the transport it names, observed as Boot's
 * defaults observe it. The same source runs on Boot 3.5 (mesh-benchmarks) and on Boot 4
 * (mesh-benchmarks-boot4), where the transport property has another name. The numbers
 * mean nothing; docs/benchmarks.md has the real runs.
 */
class TransportSmokeTests {

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
			Set<Thread> before = jettyThreads();
			try (ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server),
					BenchmarkApplication.TRANSPORT + "jetty")) {
				context.getBean("meshClient", RestClient.class).get().uri("/api/stock/1").retrieve().body(String.class);
				assertThat(jettyThreads()).hasSizeGreaterThan(before.size());
			}
			long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			Set<Thread> left = jettyThreads();
			left.removeAll(before);
			while (!left.isEmpty() && System.nanoTime() < until) {
				Thread.sleep(50);
				left = jettyThreads();
				left.removeAll(before);
			}
			assertThat(left).as("Jetty threads left").isEmpty();
		}
	}

	private static Set<Thread> jettyThreads() {
		Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
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

	/**
	 * The mesh client keeps what Boot's defaults give every RestClient from its builder
	 * (the {@code http.client.requests} observation: timer and trace) and adds its
	 * attempt timer, on either Boot line: a line that lost them would measure a lighter
	 * client.
	 */
	@Test
	void theMeshClientIsObservedAsBootsDefaultsObserveIt() {
		try (LoopbackServer server = LoopbackServer.start("bench-1");
				ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server))) {
			context.getBean("meshClient", RestClient.class)
				.get()
				.uri(TransportOverhead.PATH)
				.retrieve()
				.body(String.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find("http.client.requests").timer()).isNotNull();
			assertThat(registry.find(MeshMeterNames.ATTEMPTS).timer()).isNotNull();
			assertThat(context.getBean(Tracer.class)).isNotSameAs(Tracer.NOOP);
		}
	}

}
