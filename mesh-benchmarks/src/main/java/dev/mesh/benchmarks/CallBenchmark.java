package dev.mesh.benchmarks;

import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.autoconfigure.web.client.RestClientBuilderConfigurer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * One GET on loopback, one call at a time, in JMH, to the same server through a plain
 * RestClient to its fixed URL, through a RestClient from Spring Boot's builder (observed
 * as {@code http.client.requests}, with tracing) to the same URL, and through a
 * {@code @MeshClient} RestClient. With {@code -prof gc} the differences of
 * {@code gc.alloc.rate.norm} are what each layer allocates per call: Boot's observation,
 * then the mesh's pipeline with its own two observations. {@link CallOverhead} measures
 * percentiles, caller CPU time and throughput under concurrency.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class CallBenchmark {

	private LoopbackServer server;

	private ConfigurableApplicationContext context;

	private RestClient plain;

	private RestClient observed;

	private RestClient mesh;

	@Setup(Level.Trial)
	public void setUp() {
		this.server = LoopbackServer.start("bench-1");
		this.context = BenchmarkApplication.start(List.of(this.server), BenchmarkApplication.JDK_TRANSPORT);
		this.plain = RestClient.builder()
			.requestFactory(new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()))
			.baseUrl(this.server.uri())
			.build();
		this.observed = this.context.getBean(RestClientBuilderConfigurer.class)
			.configure(RestClient.builder())
			.requestFactory(new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()))
			.baseUrl(this.server.uri())
			.build();
		this.mesh = this.context.getBean("meshClient", RestClient.class);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.context.close();
		this.server.close();
	}

	@Benchmark
	public String plainRestClient() {
		return this.plain.get().uri("/api/stock/1").retrieve().body(String.class);
	}

	@Benchmark
	public String observedRestClient() {
		return this.observed.get().uri("/api/stock/1").retrieve().body(String.class);
	}

	@Benchmark
	public String meshClient() {
		return this.mesh.get().uri("/api/stock/1").retrieve().body(String.class);
	}

}
