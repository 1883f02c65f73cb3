package dev.mesh.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.RandomValuePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MeshDefaultsEnvironmentPostProcessorTests {

	private final MeshDefaultsEnvironmentPostProcessor postProcessor = new MeshDefaultsEnvironmentPostProcessor();

	@Test
	void shouldMakeConsulReturnOnlyPassingInstancesUnderUniqueIds() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("spring.application.name", "inventory")));
		RandomValuePropertySource.addToEnvironment(environment);
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.consul.discovery.query-passing")).isEqualTo("true");
		assertThat(environment.getProperty("spring.cloud.consul.discovery.instance-id")).startsWith("inventory-")
			.doesNotContain("${");
	}

	@Test
	void shouldGiveTheSameInstanceIdOnEveryReadOfOneRunAndANewOneNextRun() {
		StandardEnvironment environment = new StandardEnvironment();
		RandomValuePropertySource.addToEnvironment(environment);
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		String id = environment.getProperty("spring.cloud.consul.discovery.instance-id");
		assertThat(id).matches("application-[0-9a-f]{32}");
		assertThat(environment.getProperty("spring.cloud.consul.discovery.instance-id")).isEqualTo(id);
		StandardEnvironment nextRun = new StandardEnvironment();
		this.postProcessor.postProcessEnvironment(nextRun, new SpringApplication());
		assertThat(nextRun.getProperty("spring.cloud.consul.discovery.instance-id")).isNotEqualTo(id);
	}

	@Test
	void shouldLetConsulDeregisterAnInstanceWhoseCheckStaysCriticalUnlessTheUserSetsTheirOwnTimeout() {
		StandardEnvironment environment = new StandardEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-critical-timeout"))
			.isEqualTo("1m");
		StandardEnvironment own = new StandardEnvironment();
		own.getPropertySources()
			.addFirst(new MapPropertySource("app",
					Map.of("spring.cloud.consul.discovery.health-check-critical-timeout", "10m")));
		this.postProcessor.postProcessEnvironment(own, new SpringApplication());
		assertThat(own.getProperty("spring.cloud.consul.discovery.health-check-critical-timeout")).isEqualTo("10m");
	}

	@Test
	void shouldLetUserSettingsWin() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("spring.cloud.consul.discovery.query-passing", "false",
					"spring.cloud.consul.discovery.instance-id", "mine")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.consul.discovery.query-passing")).isEqualTo("false");
		assertThat(environment.getProperty("spring.cloud.consul.discovery.instance-id")).isEqualTo("mine");
	}

	@Test
	void shouldLetTheApplicationsDefaultPropertiesWinThoughBootMovesThemLast() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addLast(new MapPropertySource("defaultProperties",
					Map.of("spring.cloud.consul.discovery.health-check-critical-timeout", "30m")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		environment.getPropertySources().addLast(environment.getPropertySources().remove("defaultProperties"));
		assertThat(environment.getProperty("spring.cloud.consul.discovery.health-check-critical-timeout"))
			.isEqualTo("30m");
		assertThat(environment.getProperty("spring.cloud.consul.discovery.query-passing")).isEqualTo("true");
	}

	@Test
	void shouldAddNothingWhenMeshIsDisabled() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("app", Map.of("mesh.enabled", "false")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources().contains(MeshDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void shouldKeepSpringCloudFromRebindingTheMeshPropertiesAndKeepItsOwnDefault() {
		StandardEnvironment environment = new StandardEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.refresh.never-refreshable"))
			.isEqualTo("com.zaxxer.hikari.HikariDataSource,dev.mesh.autoconfigure.MeshProperties");
	}

	@Test
	void shouldAddTheMeshPropertiesToTheUsersNeverRefreshableList() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app",
					Map.of("spring.cloud.refresh.never-refreshable", "com.example.MyProperties")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.cloud.refresh.never-refreshable"))
			.isEqualTo("com.example.MyProperties,dev.mesh.autoconfigure.MeshProperties");
	}

	@Test
	void shouldLeaveAUsersListThatNamesTheMeshPropertiesAsItIs() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app",
					Map.of("spring.cloud.refresh.never-refreshable", "dev.mesh.autoconfigure.MeshProperties")));
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getPropertySources()
			.contains(MeshDefaultsEnvironmentPostProcessor.NEVER_REFRESHABLE_SOURCE_NAME)).isFalse();
	}

}
