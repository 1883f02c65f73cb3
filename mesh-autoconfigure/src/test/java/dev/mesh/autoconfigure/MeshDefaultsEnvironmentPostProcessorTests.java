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
