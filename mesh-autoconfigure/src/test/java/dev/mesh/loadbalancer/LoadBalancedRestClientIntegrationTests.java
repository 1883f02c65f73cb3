package dev.mesh.loadbalancer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.testsupport.MeshFixture;
import dev.mesh.testsupport.SimpleDiscoveryRegistry;
import dev.mesh.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MeshLoadBalancerClientConfiguration} end to end: a {@code @LoadBalanced}
 * {@link RestClient} through Spring Cloud's real {@code BlockingLoadBalancerClient}, with
 * {@code SimpleDiscoveryClient} listing real embedded Tomcat servers on 127.0.0.1, each
 * of which counts the requests it served.
 */
class LoadBalancedRestClientIntegrationTests {

	private static final String INSTANCES = "spring.cloud.discovery.client.simple.instances.inventory";

	@RegisterExtension
	final MeshFixture mesh = new MeshFixture();

	@Test
	void peakEwmaSendsAlmostNothingToAnInstanceThatIsSlowComparedWithTheOthers() {
		TestServer fast1 = this.mesh.server("fast1");
		TestServer fast2 = this.mesh.server("fast2");
		// 1 s, well above what a fast instance's first, cold call through a new client
		// context can take on a
		// loaded CI machine: a peak-EWMA estimate keeps such a spike for seconds (10 s
		// decay), and with 400 ms
		// a spiked fast instance once lost a comparison to the slow one (3 calls instead
		// of at most 2).
		TestServer slow = this.mesh.server("slow").behave(TestServer.Behaviour.delay(Duration.ofSeconds(1)));
		warmUp(fast1, fast2);
		runner(List.of(fast1, fast2, slow), "mesh.clients.inventory.load-balancer=peak-ewma").run((context) -> {
			Map<String, Integer> servedBy = calls(context, 60);
			// Without feedback every pick ties and the slow instance would get about 20
			// of the 60 calls;
			// with it, the slow instance gets at most the calls it takes to measure it
			// once.
			assertThat(slow.requests()).as("calls to the slow instance").isBetween(0, 2);
			assertThat(servedBy.getOrDefault("slow", 0)).isEqualTo(slow.requests());
			assertThat(servedBy.get("fast1") + servedBy.get("fast2")).isEqualTo(60 - slow.requests());
			if (slow.requests() > 0) {
				assertThat(instance(context, "slow").state().peakEwmaSampledNanos())
					.as("the slow instance's latency, measured on its call")
					.isGreaterThan(900_000_000.0);
			}
		});
	}

	@Test
	void leastRequestCountsEveryCallInFlightAndBackToZeroWhenItEndsAndFailedOnesToo() throws Exception {
		TestServer ok = this.mesh.server("ok");
		TestServer unavailable = this.mesh.server("unavailable").behave(TestServer.Behaviour.status(503));
		TestServer refusing = this.mesh.server("refusing");
		ApplicationContextRunner runner = runner(List.of(ok, unavailable, refusing),
				"mesh.clients.inventory.load-balancer=least-request");
		refusing.close();
		runner.run((context) -> {
			RestClient inventory = inventory(context);
			ExecutorService callers = Executors.newFixedThreadPool(4);
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int i = 0; i < 120; i++) {
					done.add(callers.submit(() -> callIgnoringFailures(inventory)));
				}
				for (Future<?> call : done) {
					call.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				callers.shutdownNow();
			}
			InstanceState okState = instance(context, "ok").state();
			InstanceState unavailableState = instance(context, "unavailable").state();
			InstanceState refusingState = instance(context, "refusing").state();
			assertThat(okState.requests() + unavailableState.requests() + refusingState.requests())
				.as("every call started on the instance it was sent to")
				.isEqualTo(120);
			assertThat(okState.inFlight()).isZero();
			assertThat(unavailableState.inFlight()).as("503 answers end their calls").isZero();
			assertThat(refusingState.inFlight()).as("refused connections end their calls").isZero();
			assertThat(okState.requests()).isEqualTo(ok.requests()).isPositive();
			assertThat(okState.failures()).isZero();
			assertThat(unavailableState.failures()).isEqualTo(unavailable.requests()).isPositive();
			assertThat(refusingState.failures()).isEqualTo(refusingState.requests()).isPositive();
		});
	}

	@Test
	void countsACallInFlightUntilItsResponseArrivesAndThenItsLatency() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		TestServer held = this.mesh.server("held").behave((server, request, response) -> {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return false;
		});
		runner(List.of(held), "mesh.clients.inventory.load-balancer=least-request").run((context) -> {
			RestClient inventory = inventory(context);
			ExecutorService caller = Executors.newSingleThreadExecutor();
			try {
				long started = System.nanoTime();
				Future<String> call = caller
					.submit(() -> inventory.get().uri("http://inventory/api/stock/1").retrieve().body(String.class));
				awaitRequests(held, 1);
				InstanceState state = instance(context, "held").state();
				assertThat(state.inFlight()).as("in flight while the server holds the call").isEqualTo(1);
				Thread.sleep(200);
				release.countDown();
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("held");
				assertThat(state.inFlight()).isZero();
				assertThat(state.peakEwmaSampledNanos()).as("the latency of the held call")
					.isBetween(200_000_000.0, (double) (System.nanoTime() - started));
			}
			finally {
				release.countDown();
				caller.shutdownNow();
			}
		});
	}

	@Test
	void zoneAffinityKeepsCallsInTheLocalZoneAndSpillsOverWhenItHasNoInstanceListed() {
		TestServer a1 = this.mesh.server("a1");
		TestServer b1 = this.mesh.server("b1");
		TestServer a2 = this.mesh.server("a2");
		runner(List.of(a1, b1, a2), "mesh.instance.zone=zone-a", "mesh.client-defaults.zone-affinity.enabled=true",
				"mesh.clients.inventory.load-balancer=round-robin", INSTANCES + "[0].metadata.zone=zone-a",
				INSTANCES + "[1].metadata.zone=zone-b", INSTANCES + "[2].metadata.zone=zone-a")
			.run((context) -> {
				assertThat(calls(context, 40)).containsExactlyInAnyOrderEntriesOf(Map.of("a1", 20, "a2", 20));
				assertThat(b1.requests()).isZero();

				SimpleDiscoveryProperties registry = context.getBean(SimpleDiscoveryProperties.class);
				List<ServiceInstance> all = SimpleDiscoveryRegistry.instances(registry, "inventory");
				SimpleDiscoveryRegistry.list(registry, "inventory",
						all.stream()
							.filter((instance) -> !"zone-a".equals(instance.getMetadata().get("zone")))
							.toList());
				assertThat(calls(context, 10)).as("no zone-a instance listed: every call spills over to zone-b")
					.containsExactlyEntriesOf(Map.of("b1", 10));

				SimpleDiscoveryRegistry.list(registry, "inventory", all);
				assertThat(calls(context, 10)).as("back in the local zone once its instances are listed again")
					.containsOnlyKeys("a1", "a2");
				assertThat(b1.requests()).isEqualTo(10);
			});
	}

	@Test
	void slowStartGivesAJustStartedInstanceAReducedShare() {
		TestServer warm = this.mesh.server("warm");
		TestServer fresh = this.mesh.server("fresh");
		runner(List.of(warm, fresh), "mesh.client-defaults.slow-start.enabled=true",
				INSTANCES + "[1].metadata.started-at=" + Instant.now(), INSTANCES + "[1].metadata.warmup=1h")
			.run((context) -> {
				// Within minutes of a 1h warm-up the ramp is at its 10% floor: weights
				// 100 and 10, so 10 to 1,
				// in weighted round robin's exact order.
				assertThat(calls(context, 220)).containsExactlyInAnyOrderEntriesOf(Map.of("warm", 200, "fresh", 20));
			});
	}

	private static final int WARM_UP_CALLS = 20;

	/**
	 * Calls servers directly, so that their first, slower requests (class loading,
	 * compilation) do not count as the latency the balancer sees.
	 */
	private static void warmUp(TestServer... servers) {
		RestClient direct = RestClient.create();
		for (TestServer server : servers) {
			for (int i = 0; i < WARM_UP_CALLS; i++) {
				direct.get().uri(server.uri() + "/warm-up").retrieve().body(String.class);
			}
		}
	}

	private static void callIgnoringFailures(RestClient inventory) {
		try {
			inventory.get().uri("http://inventory/api/stock/1").retrieve().body(String.class);
		}
		catch (RestClientResponseException | ResourceAccessException ex) {
			// 503 and refused connections: what the in-flight counts must survive
		}
	}

	private static void awaitRequests(TestServer server, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (server.requests() < count && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(server.requests()).isEqualTo(count);
	}

	private static Map<String, Integer> calls(AssertableApplicationContext context, int count) {
		RestClient inventory = inventory(context);
		Map<String, Integer> servedBy = new HashMap<>();
		for (int i = 0; i < count; i++) {
			servedBy.merge(inventory.get().uri("http://inventory/api/stock/1").retrieve().body(String.class), 1,
					Integer::sum);
		}
		return servedBy;
	}

	private static RestClient inventory(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return context.getBean(RestClient.Builder.class).build();
	}

	private static MeshInstance instance(AssertableApplicationContext context, String id) {
		MeshReactorLoadBalancer loadBalancer = (MeshReactorLoadBalancer) context
			.getBean(LoadBalancerClientFactory.class)
			.getInstance("inventory");
		return loadBalancer.picker()
			.instances()
			.stream()
			.filter((instance) -> instance.id().equals(id))
			.findFirst()
			.orElseThrow();
	}

	private static ApplicationContextRunner runner(List<TestServer> instances, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.cloud.loadbalancer.cache.enabled=false"));
		for (int i = 0; i < instances.size(); i++) {
			all.add(INSTANCES + "[" + i + "].instance-id=" + instances.get(i).id());
			all.add(INSTANCES + "[" + i + "].uri=" + instances.get(i).uri());
		}
		all.addAll(List.of(properties));
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
					LoadBalancerAutoConfiguration.class, BlockingLoadBalancerClientAutoConfiguration.class,
					org.springframework.cloud.client.loadbalancer.LoadBalancerAutoConfiguration.class))
			.withUserConfiguration(ClientConfiguration.class)
			.withPropertyValues(all.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@LoadBalancerClient(name = "inventory", configuration = MeshLoadBalancerClientConfiguration.class)
	static class ClientConfiguration {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			// not Apache HttpClient, which RestClient.builder() picks when it is on the
			// class path and which re-sends
			// a GET after a 503 by itself, so the server would see more requests than the
			// load balancer picked
			return RestClient.builder()
				.requestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory());
		}

	}

}
