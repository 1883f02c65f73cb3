package dev.mesh.benchmarks;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;

import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Call overhead on loopback: the same GET to the same one-instance server through
 * <ol>
 * <li>a plain RestClient to the server's fixed URL (the floor);</li>
 * <li>a {@code @MeshClient} RestClient (discovery cache, pick, retry rule and budget, outlier detection,
 * deadline header, metrics and tracing observations; no token);</li>
 * <li>a Spring Cloud {@code @LoadBalanced} RestClient (round robin) inside a Spring Cloud CircuitBreaker
 * (resilience4j, defaults: circuit breaker plus time limiter, which runs the call on another thread).</li>
 * </ol>
 * All three use the JDK HTTP client over HTTP/1.1. After a warm-up of every client, each is measured in
 * turn, twice, in alternating order, so drift of a noisy machine shows as a difference between rounds.
 * Arguments: seconds per measurement (default 15), client threads (default 4).
 */
public final class CallOverhead {

	private CallOverhead() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 15;
		int threads = (args.length > 1) ? Integer.parseInt(args[1]) : 4;
		run(Duration.ofSeconds(seconds), threads);
	}

	static List<LoadRun.Result> run(Duration measure, int threads) throws Exception {
		try (LoopbackServer server = LoopbackServer.start("bench-1")) {
			ConfigurableApplicationContext context = BenchmarkApplication.start(List.of(server));
			try {
				RestClient plain = RestClient.builder()
					.requestFactory(new JdkClientHttpRequestFactory(
							HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()))
					.baseUrl(server.uri())
					.build();
				RestClient mesh = context.getBean("meshClient", RestClient.class);
				RestClient loadBalanced = context.getBean("loadBalancedBuilder", RestClient.Builder.class).build();
				CircuitBreaker breaker = context.getBean(CircuitBreakerFactory.class).create("bench");
				LoadRun.Call plainCall = () -> plain.get().uri("/api/stock/1").retrieve().body(String.class);
				LoadRun.Call meshCall = () -> mesh.get().uri("/api/stock/1").retrieve().body(String.class);
				LoadRun.Call springCloudCall = () -> breaker
					.run(() -> loadBalanced.get().uri("http://bench/api/stock/1").retrieve().body(String.class));
				Duration warmup = measure.dividedBy(2);
				LoadRun.run("warm-up plain", threads, warmup, plainCall);
				LoadRun.run("warm-up mesh", threads, warmup, meshCall);
				LoadRun.run("warm-up spring-cloud", threads, warmup, springCloudCall);
				System.out.println(LoadRun.Result.header());
				List<LoadRun.Result> results = List.of(
						print(LoadRun.run("plain RestClient (round 1)", threads, measure, plainCall)),
						print(LoadRun.run("@MeshClient (round 1)", threads, measure, meshCall)),
						print(LoadRun.run("@LoadBalanced + CircuitBreaker (round 1)", threads, measure, springCloudCall)),
						print(LoadRun.run("@LoadBalanced + CircuitBreaker (round 2)", threads, measure, springCloudCall)),
						print(LoadRun.run("@MeshClient (round 2)", threads, measure, meshCall)),
						print(LoadRun.run("plain RestClient (round 2)", threads, measure, plainCall)));
				System.out.println("server answered " + server.requests() + " requests");
				return results;
			}
			finally {
				context.close();
			}
		}
	}

	private static LoadRun.Result print(LoadRun.Result result) {
		System.out.println(result);
		return result;
	}

}
