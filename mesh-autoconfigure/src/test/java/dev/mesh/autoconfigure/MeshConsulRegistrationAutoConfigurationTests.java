package dev.mesh.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import com.ecwid.consul.v1.agent.model.NewService;
import dev.mesh.discovery.MeshClock;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;

import static org.assertj.core.api.Assertions.assertThat;

class MeshConsulRegistrationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshConsulRegistrationAutoConfiguration.class));

	@Test
	void shouldPublishWeightZoneVersionAndWarmupAsConsulMetaKeepingExistingMeta() {
		this.runner
			.withPropertyValues("mesh.instance.weight=3", "mesh.instance.zone=eu-1a", "mesh.instance.version=1.4.2",
					"mesh.instance.warmup=45s")
			.run((context) -> {
				NewService service = new NewService();
				service.setMeta(new HashMap<>(Map.of("team", "stock")));
				ConsulRegistration registration = new ConsulRegistration(service, discoveryProperties());
				context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
				assertThat(service.getMeta()).containsKey("started-at");
				service.getMeta().remove("started-at");
				assertThat(service.getMeta()).containsExactlyInAnyOrderEntriesOf(
						Map.of("team", "stock", "weight", "3", "zone", "eu-1a", "version", "1.4.2", "warmup", "PT45S"));
			});
	}

	@Test
	void shouldPublishTheDefaultWeightAndStartTimeButNoZoneOrWarmupWhenNoneIsConfigured() {
		this.runner.run((context) -> {
			NewService service = new NewService();
			context.getBean(ConsulRegistrationCustomizer.class)
				.customize(new ConsulRegistration(service, discoveryProperties()));
			assertThat(service.getMeta()).containsOnlyKeys("weight", "started-at").containsEntry("weight", "1");
		});
	}

	@Test
	void shouldPublishTheSameStartTimeOnEveryRegistrationOfOneRun() {
		SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00.123Z"));
		this.runner.withBean(MeshClock.class, () -> clock).run((context) -> {
			ConsulRegistrationCustomizer customizer = context.getBean(ConsulRegistrationCustomizer.class);
			clock.advance(Duration.ofSeconds(5));
			NewService first = new NewService();
			customizer.customize(new ConsulRegistration(first, discoveryProperties()));
			clock.advance(Duration.ofMinutes(5));
			NewService again = new NewService();
			customizer.customize(new ConsulRegistration(again, discoveryProperties()));
			assertThat(Instant.parse(first.getMeta().get("started-at")))
				.as("the first registration's time, on the application's clock")
				.isEqualTo(Instant.parse("2026-03-01T12:00:05.123Z"));
			assertThat(again.getMeta()).containsEntry("started-at", first.getMeta().get("started-at"));
		});
	}

	@Test
	void shouldRejectAWarmupOutsideZeroToOneHour() {
		this.runner.withPropertyValues("mesh.instance.warmup=2h").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure()).getDescription())
				.contains("Property: mesh.instance.warmup")
				.contains("\"2h\"")
				.contains("from 0s (no ramp) to 1h");
		});
	}

	@Test
	void shouldBackOffWhenMeshIsDisabledOrConsulIsAbsent() {
		this.runner.withPropertyValues("mesh.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsulRegistrationCustomizer.class));
		this.runner.withClassLoader(new FilteredClassLoader(ConsulRegistrationCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean("meshConsulRegistrationCustomizer"));
	}

	private static ConsulDiscoveryProperties discoveryProperties() {
		return new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties()));
	}

}
