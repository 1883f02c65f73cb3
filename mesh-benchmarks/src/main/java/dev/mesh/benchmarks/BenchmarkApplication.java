package dev.mesh.benchmarks;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;

import dev.mesh.client.MeshClient;
import dev.mesh.observability.AttemptTracer;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The client application of the load benchmarks: a {@code @MeshClient("bench")}
 * RestClient and a Spring Cloud {@code @LoadBalanced} RestClient builder, both made with
 * Boot's configurer ({@link BootHttpClients#restClientBuilder}, so both are observed),
 * over the instances of service {@code bench} listed in static discovery. The mesh client
 * runs on Boot's default transport unless {@link #TRANSPORT} is given (see there).
 * Metrics, tracing (Boot's default 10% sampling), retries and ejection are on as in a
 * service using the starter; no OAuth2 registration is configured, so calls carry no
 * token.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class BenchmarkApplication {

	static final String SERVICE = "bench";

	/**
	 * The property that chooses the mesh client's transport, as any RestClient's from
	 * Boot's builder ({@code http-components}, {@code jdk}, {@code simple},
	 * {@code jetty}, {@code reactor}); append the value. It is
	 * {@code spring.http.client.factory} on Boot 3.5 and
	 * {@code spring.http.clients.imperative.factory} on Boot 4
	 * ({@link BootHttpClients#FACTORY_PROPERTY}). Unset, Boot picks the first library on
	 * the class path, here Apache HttpClient 5 ({@code http-components}, which the
	 * starter brings).
	 */
	static final String TRANSPORT = BootHttpClients.FACTORY_PROPERTY + "=";

	/**
	 * Pins the mesh client to the JDK HTTP client, for the benchmarks that compare it
	 * with plain clients on {@link #jdkRequestFactory()} (CallOverhead, CallCpu,
	 * CallThreads, CallBenchmark), so the pair differs by the mesh and not by the HTTP
	 * library. (Boot's JDK client prefers HTTP/2, so the first request on each new
	 * connection offers an h2c upgrade, which this server declines; the pooled
	 * connections then speak HTTP/1.1 as the plain clients' do.)
	 */
	static final String JDK_TRANSPORT = TRANSPORT + "jdk";

	/** Switches off the span of each attempt of a mesh call. */
	static final String ATTEMPTS_UNTRACED = "mesh.tracing.attempt-spans=false";

	/**
	 * Switches off the timer of each attempt of a mesh call
	 * ({@code mesh.client.requests}), by name.
	 */
	static final String ATTEMPTS_UNTIMED = "management.metrics.enable.mesh.client.requests=false";

	/**
	 * Switches off Boot's observation of each call ({@code http.client.requests}); with
	 * {@link #ATTEMPTS_UNTRACED} and {@link #ATTEMPTS_UNTIMED}, only the mesh's own work
	 * is left.
	 */
	static final String CALLS_UNOBSERVED = "management.observations.enable.http.client.requests=false";

	/**
	 * Name of the mesh client whose attempts are not observed, in the benchmarks' tables:
	 * observed as a RestClient from Boot's builder is, so it differs from that client by
	 * the mesh's own work only.
	 */
	static final String ATTEMPTS_UNOBSERVED_CLIENT = "@MeshClient, attempts not observed (only Boot's call observation)";

	/** Name of the mesh client with nothing observed, in the benchmarks' tables. */
	static final String UNOBSERVED_CLIENT = "@MeshClient, nothing observed (the mesh's own logic)";

	@Bean
	@MeshClient(SERVICE)
	RestClient meshClient(BeanFactory beanFactory) {
		return BootHttpClients.restClientBuilder(beanFactory).build();
	}

	/**
	 * Spring Cloud's way: a load-balanced builder on the same JDK HTTP client as the mesh
	 * transport.
	 */
	@Bean
	@LoadBalanced
	RestClient.Builder loadBalancedBuilder(BeanFactory beanFactory) {
		return BootHttpClients.restClientBuilder(beanFactory).requestFactory(jdkRequestFactory());
	}

	/**
	 * The request factory of the benchmarks' plain, Boot-observed and Spring Cloud
	 * clients: Spring's JDK factory on a JDK client of its own, over HTTP/1.1 as the
	 * mesh's transport.
	 */
	static JdkClientHttpRequestFactory jdkRequestFactory() {
		return new JdkClientHttpRequestFactory(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
	}

	/**
	 * Starts the client application.
	 * @param servers the instances of {@code bench}
	 * @param properties more properties, {@code name=value}
	 * @return the context
	 */
	static ConfigurableApplicationContext start(List<LoopbackServer> servers, String... properties) {
		return start(servers, null, properties);
	}

	/**
	 * Starts the client application with an attempt tracer of the benchmark's own instead
	 * of the mesh's.
	 * @param servers the instances of {@code bench}
	 * @param attempts what traces the mesh client's attempts
	 * @param properties more properties, {@code name=value}
	 * @return the context
	 */
	static ConfigurableApplicationContext start(List<LoopbackServer> servers, AttemptTracer attempts,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.cloud.consul.enabled=false", "spring.main.banner-mode=off",
				"logging.level.root=warn", "spring.application.name=bench-client",
				// the load harnesses start a client per row: warnings that are the same
				// every time, once is enough
				"logging.level.dev.mesh.security.ServiceTokenSources=error",
				"logging.level.org.springframework.cloud.loadbalancer.config=error",
				// no bean here uses AspectJ annotations; matching resilience4j's
				// pointcuts against every bean
				// tripled the start-up time of a context (about 5 s instead of under 2 s
				// on a busy 2-core machine)
				"spring.aop.auto=false", "spring.cloud.loadbalancer.health-check.refetch-instances=false"));
		for (int i = 0; i < servers.size(); i++) {
			String prefix = "spring.cloud.discovery.client.simple.instances." + SERVICE + "[" + i + "].";
			all.add(prefix + "instance-id=" + servers.get(i).id());
			all.add(prefix + "uri=" + servers.get(i).uri());
			all.add(prefix + "metadata.weight=1");
		}
		all.addAll(List.of(properties));
		SpringApplicationBuilder application = new SpringApplicationBuilder(BenchmarkApplication.class)
			.web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new));
		if (attempts != null) {
			application
				.initializers((context) -> context.getBeanFactory().registerSingleton("attemptTracer", attempts));
		}
		return application.run();
	}

}
