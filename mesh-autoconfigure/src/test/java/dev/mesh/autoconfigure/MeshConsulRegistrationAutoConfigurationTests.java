package dev.mesh.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import dev.mesh.discovery.MeshClock;
import dev.mesh.testsupport.ConsulRegistrations;
import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;

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
				ConsulRegistration registration = ConsulRegistrations.withMeta(new HashMap<>(Map.of("team", "stock")));
				context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
				Map<String, String> meta = registration.getService().getMeta();
				assertThat(meta).containsKey("started-at");
				meta.remove("started-at");
				assertThat(meta).containsExactlyInAnyOrderEntriesOf(
						Map.of("team", "stock", "weight", "3", "zone", "eu-1a", "version", "1.4.2", "warmup", "PT45S"));
			});
	}

	@Test
	void shouldPublishTheDefaultWeightAndStartTimeButNoZoneOrWarmupWhenNoneIsConfigured() {
		this.runner.run((context) -> {
			ConsulRegistration registration = ConsulRegistrations.withMeta(null);
			context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
			assertThat(registration.getService().getMeta()).containsOnlyKeys("weight", "started-at")
				.containsEntry("weight", "1");
		});
	}

	@Test
	void shouldPublishTheSameStartTimeOnEveryRegistrationOfOneRun() {
		SettableClock clock = new SettableClock(Instant.parse("2026-03-01T12:00:00.123Z"));
		this.runner.withBean(MeshClock.class, () -> clock).run((context) -> {
			ConsulRegistrationCustomizer customizer = context.getBean(ConsulRegistrationCustomizer.class);
			clock.advance(Duration.ofSeconds(5));
			ConsulRegistration first = ConsulRegistrations.withMeta(null);
			customizer.customize(first);
			clock.advance(Duration.ofMinutes(5));
			ConsulRegistration again = ConsulRegistrations.withMeta(null);
			customizer.customize(again);
			String startedAt = first.getService().getMeta().get("started-at");
			assertThat(Instant.parse(startedAt)).as("the first registration's time, on the application's clock")
				.isEqualTo(Instant.parse("2026-03-01T12:00:05.123Z"));
			assertThat(again.getService().getMeta()).containsEntry("started-at", startedAt);
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

}
