package dev.mesh.loadbalancer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.mesh.discovery.MeshClock;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import dev.mesh.autoconfigure.MeshProperties;
import dev.mesh.client.ClientPolicy;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequestContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycleValidator;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.config.BlockingLoadBalancerClientAutoConfiguration;
import org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MeshLoadBalancerClientConfiguration} in a real Spring Cloud
 * LoadBalancer setup: static discovery of three inventory instances with weights 1, 2 and
 * 3.
 */
class MeshLoadBalancerClientConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				LoadBalancerAutoConfiguration.class, BlockingLoadBalancerClientAutoConfiguration.class))
		.withUserConfiguration(InventoryClientConfiguration.class)
		.withPropertyValues("spring.cloud.loadbalancer.cache.enabled=false",
				"spring.cloud.discovery.client.simple.instances.inventory[0].uri=http://localhost:8081",
				"spring.cloud.discovery.client.simple.instances.inventory[0].metadata.weight=1",
				"spring.cloud.discovery.client.simple.instances.inventory[1].uri=http://localhost:8082",
				"spring.cloud.discovery.client.simple.instances.inventory[1].metadata.weight=2",
				"spring.cloud.discovery.client.simple.instances.inventory[2].uri=http://localhost:8083",
				"spring.cloud.discovery.client.simple.instances.inventory[2].metadata.weight=3");

	@Test
	void choosesByWeightWithWeightedRoundRobinByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(policyOfInventory(context)).isEqualTo(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
			assertThat(choicesByPort(context, 600)).containsExactly(Map.entry(8081, 100), Map.entry(8082, 200),
					Map.entry(8083, 300));
		});
	}

	@Test
	void choosesEvenlyWhenTheClientIsConfiguredForRoundRobin() {
		this.contextRunner.withPropertyValues("mesh.clients.inventory.load-balancer=round-robin").run((context) -> {
			assertThat(policyOfInventory(context)).isEqualTo(LoadBalancerPolicy.ROUND_ROBIN);
			assertThat(choicesByPort(context, 600)).containsExactly(Map.entry(8081, 200), Map.entry(8082, 200),
					Map.entry(8083, 200));
		});
	}

	@Test
	void usesTheClientDefaultsPolicyWhenTheClientSetsNone() {
		this.contextRunner
			.withPropertyValues("mesh.client-defaults.load-balancer=weighted-random",
					"mesh.clients.inventory.timeout=5s", "mesh.clients.orders.load-balancer=round-robin")
			.run((context) -> {
				assertThat(policyOfInventory(context)).isEqualTo(LoadBalancerPolicy.WEIGHTED_RANDOM);
				assertThat(choicesByPort(context, 600)).containsOnlyKeys(8081, 8082, 8083);
			});
	}

	@Test
	void appliesToEveryServiceAsDefaultConfiguration() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
					LoadBalancerAutoConfiguration.class, BlockingLoadBalancerClientAutoConfiguration.class))
			.withUserConfiguration(DefaultClientConfiguration.class)
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.orders[0].uri=http://localhost:9091",
					"spring.cloud.discovery.client.simple.instances.orders[0].metadata.weight=3",
					"spring.cloud.discovery.client.simple.instances.orders[1].uri=http://localhost:9092")
			.run((context) -> {
				LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
				assertThat(factory.getInstance("orders")).isInstanceOf(MeshReactorLoadBalancer.class);
				assertThat(choicesByPort(context, "orders", 400)).containsExactly(Map.entry(9091, 300),
						Map.entry(9092, 100));
			});
	}

	@Test
	void failsClearlyWhenImportedIntoTheApplicationContext() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
							CompositeDiscoveryClientAutoConfiguration.class, LoadBalancerAutoConfiguration.class))
			.withUserConfiguration(MeshLoadBalancerClientConfiguration.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("@LoadBalancerClient(configuration = ...)"));
	}

	@Test
	void prefersTheClientPolicyOverTheDefaultsAndTheDefaultsOverWeightedRoundRobin() {
		Map<String, String> properties = Map.of("mesh.client-defaults.load-balancer", "round-robin",
				"mesh.clients.inventory.load-balancer", "weighted-random", "mesh.clients.orders.retry.max-attempts",
				"2", "mesh.clients.Billing_Service.load-balancer", "ROUND_ROBIN");
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		assertThat(policy("inventory", binder).loadBalancer()).isEqualTo(LoadBalancerPolicy.WEIGHTED_RANDOM);
		assertThat(policy("orders", binder).loadBalancer()).isEqualTo(LoadBalancerPolicy.ROUND_ROBIN);
		assertThat(policy("Billing_Service", binder).loadBalancer()).isEqualTo(LoadBalancerPolicy.ROUND_ROBIN);
		assertThat(policy("inventory", new Binder()).loadBalancer()).isEqualTo(LoadBalancerPolicy.WEIGHTED_ROUND_ROBIN);
	}

	@Test
	void declaresTheFeedbackLifecycleWhereTheBlockingAndTheReactiveClientsLookForIt() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			Map<String, LoadBalancerLifecycle> lifecycles = context.getBean(LoadBalancerClientFactory.class)
				.getInstances("inventory", LoadBalancerLifecycle.class);
			// The type arguments BlockingLoadBalancerClient and
			// ReactorLoadBalancerExchangeFilterFunction pass.
			Set<LoadBalancerLifecycle> blocking = LoadBalancerLifecycleValidator.getSupportedLifecycleProcessors(
					lifecycles, DefaultRequestContext.class, Object.class, ServiceInstance.class);
			Set<LoadBalancerLifecycle> reactive = LoadBalancerLifecycleValidator.getSupportedLifecycleProcessors(
					lifecycles, RequestDataContext.class, ResponseData.class, ServiceInstance.class);
			assertThat(blocking).singleElement().isInstanceOf(MeshLoadBalancerLifecycle.class);
			assertThat(reactive).singleElement().isInstanceOf(MeshLoadBalancerLifecycle.class);
		});
	}

	@Test
	void leavesTheLifecycleInertWhenTheClientDeclaresItsOwnLoadBalancer() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
					LoadBalancerAutoConfiguration.class, BlockingLoadBalancerClientAutoConfiguration.class))
			.withUserConfiguration(OwnBalancerClientConfiguration.class)
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.inventory[0].uri=http://localhost:8081")
			.run((context) -> {
				LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
				assertThat(factory.getInstance("inventory")).isInstanceOf(RoundRobinLoadBalancer.class);
				assertThat(LoadBalancerLifecycleValidator.getSupportedLifecycleProcessors(
						factory.getInstances("inventory", LoadBalancerLifecycle.class), DefaultRequestContext.class,
						Object.class, ServiceInstance.class))
					.isEmpty();
			});
	}

	@Test
	void readsTimeFromTheApplicationContextsClock() {
		Instant started = Instant.parse("2026-03-01T12:00:00Z");
		SettableClock clock = new SettableClock(started.plusSeconds(1));
		this.contextRunner.withBean(MeshClock.class, () -> clock)
			.withPropertyValues("mesh.clients.inventory.slow-start.enabled=true",
					"spring.cloud.discovery.client.simple.instances.inventory[2].metadata.started-at=" + started,
					"spring.cloud.discovery.client.simple.instances.inventory[2].metadata.warmup=10s")
			.run((context) -> {
				Map<Integer, Integer> warming = choicesByPort(context, 600);
				assertThat(warming.get(8083)).as("1s into its 10s warm-up on the application's clock")
					.isLessThan(warming.get(8081));
				clock.advance(Duration.ofSeconds(10));
				assertThat(choicesByPort(context, 600)).as("warmed up once the clock moved on")
					.containsExactly(Map.entry(8081, 100), Map.entry(8082, 200), Map.entry(8083, 300));
			});
	}

	@Test
	void readsTheApplicationsMeshPropertiesBeanWhenThereIsOne() {
		// set in code, not in the environment: only the bean knows it
		MeshProperties properties = new MeshProperties();
		properties.getClientDefaults().setLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN);
		this.contextRunner.withBean(MeshProperties.class, () -> properties)
			.run((context) -> assertThat(policyOfInventory(context)).isEqualTo(LoadBalancerPolicy.ROUND_ROBIN));
	}

	@Test
	void appliesZoneAffinityAndSlowStartFromTheClientOverTheDefaults() {
		this.contextRunner
			.withPropertyValues("mesh.instance.zone=zone-a", "mesh.client-defaults.zone-affinity.enabled=true",
					"mesh.client-defaults.zone-affinity.min-available-percent=10",
					"mesh.clients.inventory.zone-affinity.min-available-percent=20",
					"mesh.client-defaults.slow-start.window=100s", "mesh.clients.inventory.slow-start.enabled=true",
					"mesh.clients.inventory.slow-start.min-weight-percent=30")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				MeshReactorLoadBalancer loadBalancer = (MeshReactorLoadBalancer) context
					.getBean(LoadBalancerClientFactory.class)
					.getInstance("inventory");
				assertThat(loadBalancer.zoneAffinity()).isEqualTo(new ZoneAffinityPolicy(true, 20, "zone-a"));
				assertThat(loadBalancer.slowStart())
					.isEqualTo(new SlowStartPolicy(true, Duration.ofSeconds(100), 30, 1.0));
			});
	}

	@Test
	void takesEachZoneAffinityAndSlowStartValueFromTheClientElseTheDefaultsElseTheBuiltInDefault() {
		Map<String, String> properties = Map.of("mesh.instance.zone", "zone-a",
				"mesh.client-defaults.zone-affinity.min-available-percent", "10",
				"mesh.clients.inventory.zone-affinity.enabled", "true", "mesh.client-defaults.slow-start.window",
				"100s", "mesh.client-defaults.slow-start.min-weight-percent", "20",
				"mesh.clients.inventory.slow-start.min-weight-percent", "30",
				"mesh.clients.inventory.slow-start.aggression", "4", "mesh.clients.orders.slow-start.enabled", "true");
		Binder binder = new Binder(new MapConfigurationPropertySource(properties));
		ClientPolicy inventory = policy("inventory", binder);
		assertThat(inventory.zoneAffinity()).isEqualTo(new ZoneAffinityPolicy(true, 10, "zone-a"));
		assertThat(inventory.slowStart()).isEqualTo(new SlowStartPolicy(false, Duration.ofSeconds(100), 30, 4.0));
		ClientPolicy orders = policy("orders", binder);
		assertThat(orders.zoneAffinity()).isEqualTo(new ZoneAffinityPolicy(false, 10, "zone-a"));
		assertThat(orders.slowStart()).isEqualTo(new SlowStartPolicy(true, Duration.ofSeconds(100), 20, 1.0));
		ClientPolicy none = policy("inventory", new Binder());
		assertThat(none.zoneAffinity()).isEqualTo(ZoneAffinityPolicy.DEFAULTS);
		assertThat(none.slowStart()).isEqualTo(SlowStartPolicy.DEFAULTS);
	}

	@Test
	void rejectsValuesOutOfRangeNamingTheProperty() {
		assertRejected("mesh.clients.inventory.zone-affinity.min-available-percent", "150", "from 0 to 100");
		// a bad value inherited from the defaults is reported under the property that was
		// set
		assertRejected("mesh.client-defaults.slow-start.window", "0s", "positive duration of at most 1h");
		assertRejected("mesh.client-defaults.slow-start.min-weight-percent", "-1", "from 0 to 100");
		assertRejected("mesh.clients.inventory.slow-start.window", "61m", "positive duration of at most 1h");
		assertRejected("mesh.clients.inventory.slow-start.aggression", "0", "above 0 and at most 100");
	}

	@Test
	void rejectsABadValueInALoadBalancerClientContextNamingTheProperty() {
		this.contextRunner.withPropertyValues("mesh.clients.inventory.slow-start.aggression=0").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThatExceptionOfType(BeanCreationException.class)
				.isThrownBy(() -> context.getBean(LoadBalancerClientFactory.class).getInstance("inventory"))
				.havingRootCause()
				.withMessageContaining("above 0 and at most 100");
		});
	}

	private static void assertRejected(String property, String value, String allowed) {
		Binder binder = new Binder(new MapConfigurationPropertySource(Map.of(property, value)));
		assertThatExceptionOfType(BindException.class).isThrownBy(() -> policy("inventory", binder))
			.satisfies((ex) -> assertThat(ex.getProperty().getName()).hasToString(property))
			.havingRootCause()
			.withMessageContaining(allowed);
	}

	private static ClientPolicy policy(String serviceId, Binder binder) {
		return MeshProperties.bind(binder).clientPolicy(serviceId);
	}

	private static LoadBalancerPolicy policyOfInventory(AssertableApplicationContext context) {
		LoadBalancerClientFactory factory = context.getBean(LoadBalancerClientFactory.class);
		assertThat(factory.getInstance("inventory")).isInstanceOf(MeshReactorLoadBalancer.class);
		return ((MeshReactorLoadBalancer) factory.getInstance("inventory")).policy();
	}

	private static Map<Integer, Integer> choicesByPort(AssertableApplicationContext context, int count) {
		return choicesByPort(context, "inventory", count);
	}

	private static Map<Integer, Integer> choicesByPort(AssertableApplicationContext context, String serviceId,
			int count) {
		assertThat(context).hasNotFailed();
		LoadBalancerClient client = context.getBean(LoadBalancerClient.class);
		Map<Integer, Integer> choices = new TreeMap<>();
		for (int i = 0; i < count; i++) {
			ServiceInstance instance = client.choose(serviceId);
			assertThat(instance).isNotNull();
			choices.merge(instance.getPort(), 1, Integer::sum);
		}
		return choices;
	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient(name = "inventory",
			configuration = MeshLoadBalancerClientConfiguration.class)
	static class InventoryClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@LoadBalancerClients(defaultConfiguration = MeshLoadBalancerClientConfiguration.class)
	static class DefaultClientConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	@org.springframework.cloud.loadbalancer.annotation.LoadBalancerClient(name = "inventory",
			configuration = { OwnBalancer.class, MeshLoadBalancerClientConfiguration.class })
	static class OwnBalancerClientConfiguration {

	}

	static class OwnBalancer {

		@Bean
		ReactorLoadBalancer<ServiceInstance> ownLoadBalancer(Environment environment,
				LoadBalancerClientFactory loadBalancerClientFactory) {
			return new RoundRobinLoadBalancer(
					loadBalancerClientFactory.getLazyProvider("inventory", ServiceInstanceListSupplier.class),
					"inventory");
		}

	}

}
