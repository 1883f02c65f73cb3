package dev.mesh.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import dev.mesh.client.ClientPolicies;
import dev.mesh.client.ClientPolicy;
import dev.mesh.client.MeshClient;
import dev.mesh.client.MeshClientBeanPostProcessor;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.client.MeshClientMeterBinder;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.testsupport.BootAutoConfigurations;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

class MeshClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
						CompositeDiscoveryClientAutoConfiguration.class, MeshClientAutoConfiguration.class))
		.withConfiguration(AutoConfigurations.of(BootAutoConfigurations.restClient()));

	@Test
	void shouldCreateMeshClientBeansByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ServiceInstanceCache.class)
				.hasSingleBean(MeshClientFactory.class)
				.hasSingleBean(ClientPolicies.class)
				.hasSingleBean(MeshClientBeanPostProcessor.class)
				.hasSingleBean(MeshProperties.class);
		});
	}

	@Test
	void shouldReadTheSystemClockByDefault() {
		this.runner.run((context) -> assertThat(context.getBean(MeshClock.class)).isSameAs(MeshClock.system()));
	}

	@Test
	void shouldBackOffWhenTheUserDefinesTheirOwnClock() {
		SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));
		this.runner.withBean(MeshClock.class, () -> clock).run((context) -> {
			assertThat(context).hasSingleBean(MeshClock.class);
			assertThat(context.getBean(MeshClock.class)).isSameAs(clock);
		});
	}

	@Test
	void shouldLeaveTheApplicationsOwnJavaTimeClockTheOnlyClockToInject() {
		Clock applicationClock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
		this.runner.withBean("applicationClock", Clock.class, () -> applicationClock)
			.withBean(ClockUser.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ClockUser.class).clock).isSameAs(applicationClock);
			});
	}

	@Test
	void shouldSwitchEverythingOffWhenMeshIsDisabled() {
		this.runner.withPropertyValues("mesh.enabled=false")
			.withUserConfiguration(InventoryClient.class)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ServiceInstanceCache.class)
					.doesNotHaveBean(MeshClientFactory.class)
					.doesNotHaveBean(MeshClientBeanPostProcessor.class)
					.doesNotHaveBean(MeshProperties.class);
				assertThat(context).hasSingleBean(RestClient.class);
			});
	}

	@Test
	void shouldBackOffWhenTheUserDefinesTheirOwnBeans() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context.getBean(ServiceInstanceCache.class)).isSameAs(UserBeans.CACHE);
			assertThat(context.getBean(ClientPolicies.class).forService("anything").loadBalancer())
				.isEqualTo(LoadBalancerPolicy.ROUND_ROBIN);
			assertThat(context).hasSingleBean(MeshClientFactory.class);
		});
	}

	@Test
	void shouldNotStartWithoutRestClientOnTheClassPath() {
		this.runner.withClassLoader(new FilteredClassLoader(RestClient.class)).run((context) -> {
			assertThat(context).doesNotHaveBean(MeshClientFactory.class);
		});
	}

	@Test
	void shouldLayPerClientSettingsOverClientDefaultsOverBuiltInDefaults() {
		this.runner
			.withPropertyValues("mesh.client-defaults.load-balancer=weighted-random",
					"mesh.clients.inventory.load-balancer=round-robin")
			.run((context) -> {
				ClientPolicies policies = context.getBean(ClientPolicies.class);
				assertThat(policies.forService("inventory").loadBalancer()).isEqualTo(LoadBalancerPolicy.ROUND_ROBIN);
				assertThat(policies.forService("billing").loadBalancer()).isEqualTo(LoadBalancerPolicy.WEIGHTED_RANDOM);
			});
		this.runner.run((context) -> assertThat(context.getBean(ClientPolicies.class).forService("billing"))
			.isEqualTo(ClientPolicy.DEFAULTS));
	}

	@Test
	void shouldRejectAWeightOutsideTheAllowedRange() {
		this.runner.withPropertyValues("mesh.instance.weight=20000").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.instance.weight")
				.contains("\"20000\"")
				.contains("from 0 to 10000");
		});
		this.runner.withPropertyValues("mesh.instance.weight=-1")
			.run((context) -> assertThat(analyze(context.getStartupFailure()).getDescription()).contains("\"-1\""));
	}

	@Test
	void shouldAcceptTheEdgesOfTheWeightRange() {
		this.runner.withPropertyValues("mesh.instance.weight=0").run((context) -> assertThat(context).hasNotFailed());
		this.runner.withPropertyValues("mesh.instance.weight=10000")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void shouldRejectAnUnknownLoadBalancerNamingTheAllowedOnes() {
		this.runner.withPropertyValues("mesh.clients.inventory.load-balancer=fastest").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.clients.inventory.load-balancer")
				.contains("\"fastest\"");
			assertThat(analysis.getAction())
				.contains("weighted-round-robin, weighted-random, round-robin, least-request, peak-ewma");
		});
	}

	@Test
	void shouldRejectANonPositiveRefreshInterval() {
		this.runner.withPropertyValues("mesh.discovery.refresh-interval=0s").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.discovery.refresh-interval").contains("positive");
		});
		this.runner.withPropertyValues("mesh.discovery.refresh-interval=soon").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.discovery.refresh-interval").contains("\"soon\"");
			assertThat(analysis.getAction()).contains("duration such as 500ms");
		});
	}

	@Test
	void shouldRejectABlankServiceNameNamingTheBean() {
		this.runner.withUserConfiguration(BlankClient.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidMeshClientFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'blank'").contains("blank");
			assertThat(analysis.getAction()).contains("@MeshClient(\"inventory\")");
		});
	}

	@Test
	void shouldRejectAServiceNameCarryingAQueryNamingTheBean() {
		this.runner.withUserConfiguration(QueryClient.class).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidMeshClientFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("'query'").contains("bare service id");
		});
	}

	@Test
	void shouldRejectANegativeDepartedInstanceRetentionAndAcceptZeroAndHugeOnes() {
		this.runner.withPropertyValues("mesh.metrics.departed-instance-retention=-1s").run((context) -> {
			FailureAnalysis analysis = analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.metrics.departed-instance-retention")
				.contains("-1s")
				.contains("0 or more");
		});
		this.runner.withPropertyValues("mesh.metrics.departed-instance-retention=0s").run((context) -> {
			assertThat(context).hasSingleBean(MeshClientMeterBinder.class);
			assertThat(context.getBean(MeshProperties.class).getMetrics().getDepartedInstanceRetention()).isZero();
		});
		this.runner.withPropertyValues("mesh.metrics.departed-instance-retention=3650000d")
			.run((context) -> assertThat(context).hasSingleBean(MeshClientMeterBinder.class));
		this.runner.run((context) -> assertThat(
				context.getBean(MeshProperties.class).getMetrics().getDepartedInstanceRetention())
			.isEqualTo(Duration.ofMinutes(5)));
	}

	@Test
	void shouldUseTheConfiguredRefreshInterval() {
		this.runner.withPropertyValues("mesh.discovery.refresh-interval=250ms")
			.run((context) -> assertThat(context.getBean(MeshProperties.class).getDiscovery().getRefreshInterval())
				.isEqualTo(Duration.ofMillis(250)));
	}

	private static FailureAnalysis analyze(Throwable failure) {
		assertThat(failure).isNotNull();
		FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("analysis of %s", failure).isNotNull();
		return analysis;
	}

	@Configuration(proxyBeanMethods = false)
	/** Takes the application's Clock by type, as many applications do. */
	static class ClockUser {

		final Clock clock;

		ClockUser(Clock clock) {
			this.clock = clock;
		}

	}

	static class InventoryClient {

		@Bean
		@MeshClient("inventory")
		RestClient inventory(RestClient.Builder builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BlankClient {

		@Bean
		@MeshClient(" ")
		RestClient blank(RestClient.Builder builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class QueryClient {

		@Bean
		@MeshClient("inventory?debug=1")
		RestClient query(RestClient.Builder builder) {
			return builder.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		static final ServiceInstanceCache CACHE = new ServiceInstanceCache(new EmptyDiscoveryClient(),
				Duration.ofSeconds(5));

		@Bean
		ServiceInstanceCache userCache() {
			return CACHE;
		}

		@Bean
		ClientPolicies userPolicies() {
			return (service) -> ClientPolicy.DEFAULTS.withLoadBalancer(LoadBalancerPolicy.ROUND_ROBIN);
		}

	}

	static final class EmptyDiscoveryClient implements DiscoveryClient {

		@Override
		public String description() {
			return "empty";
		}

		@Override
		public List<org.springframework.cloud.client.ServiceInstance> getInstances(String serviceId) {
			return List.of();
		}

		@Override
		public List<String> getServices() {
			return List.of();
		}

	}

}
