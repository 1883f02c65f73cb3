package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.mesh.shutdown.DrainCoordinator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The drain's wiring in a servlet application: the drain time in effect, the startup
 * failure of one longer than Spring Boot's shutdown phase, its phase, and no drain where
 * no server serves requests. Closing real servers is {@link DrainOnCloseTests}.
 */
class MeshDrainAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshServerAutoConfiguration.class));

	@Test
	void shouldDrainForTwiceTheRefreshIntervalByDefault() {
		this.runner.run((context) -> assertThat(context.getBean(DrainCoordinator.class).drainTime())
			.isEqualTo(Duration.ofSeconds(2)));
		this.runner.withPropertyValues("mesh.discovery.refresh-interval=3s")
			.run((context) -> assertThat(context.getBean(DrainCoordinator.class).drainTime())
				.isEqualTo(Duration.ofSeconds(6)));
	}

	@Test
	void shouldCapTheDefaultAtTheShutdownPhaseTimeout() {
		this.runner.withPropertyValues("mesh.discovery.refresh-interval=20s")
			.run((context) -> assertThat(context.getBean(DrainCoordinator.class).drainTime())
				.isEqualTo(Duration.ofSeconds(30)));
		this.runner
			.withPropertyValues("mesh.discovery.refresh-interval=5s", "spring.lifecycle.timeout-per-shutdown-phase=7s")
			.run((context) -> assertThat(context.getBean(DrainCoordinator.class).drainTime())
				.isEqualTo(Duration.ofSeconds(7)));
	}

	@Test
	void shouldTakeAConfiguredDrainTimeIncludingZero() {
		this.runner.withPropertyValues("mesh.instance.shutdown.drain-time=0s")
			.run((context) -> assertThat(context.getBean(DrainCoordinator.class).drainTime()).isZero());
		this.runner
			.withPropertyValues("mesh.instance.shutdown.drain-time=45s",
					"spring.lifecycle.timeout-per-shutdown-phase=1m")
			.run((context) -> assertThat(context.getBean(DrainCoordinator.class).drainTime())
				.isEqualTo(Duration.ofSeconds(45)));
	}

	@Test
	void shouldFailStartupNamingBothPropertiesWhenTheDrainOutlastsTheShutdownPhase() {
		this.runner.withPropertyValues("mesh.instance.shutdown.drain-time=45s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new DrainTimeFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("mesh.instance.shutdown.drain-time (PT45S)")
				.contains("spring.lifecycle.timeout-per-shutdown-phase (PT30S)");
			assertThat(analysis.getAction()).contains("mesh.instance.shutdown.drain-time to PT30S or less")
				.contains("spring.lifecycle.timeout-per-shutdown-phase to at least PT45S");
		});
	}

	@Test
	void shouldFailStartupNamingTheShutdownPhaseTimeoutWhenItIsNegative() {
		this.runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase (PT-1S) is negative")
				.hasMessageContaining("expected: 0s or more");
		});
	}

	@Test
	void shouldRefuseANegativeDrainTimeNamingTheProperty() {
		this.runner.withPropertyValues("mesh.instance.shutdown.drain-time=-1s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("mesh.instance.shutdown.drain-time")
				.contains("-1s")
				.contains("0s (no drain) or more");
		});
	}

	@Test
	void shouldStopBeforeTheWebServersGracefulShutdown() {
		this.runner.run((context) -> {
			SmartLifecycle lifecycle = context.getBean(MeshDrainLifecycle.class);
			// WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE, whose package
			// differs between the Boot lines; higher phases stop first
			assertThat(lifecycle.getPhase()).isEqualTo(SmartLifecycle.DEFAULT_PHASE - 1024 + 1);
		});
	}

	@Test
	void shouldNotDrainAnApplicationWhoseFiltersNoServerStarted() {
		this.runner.run((context) -> {
			DrainCoordinator drain = context.getBean(DrainCoordinator.class);
			long start = System.nanoTime();
			context.close();
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1_500);
			assertThat(drain.goingAway()).as("nobody can call it").isFalse();
		});
	}

}
