package dev.mesh.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds the registry defaults a mesh needs, with the lowest precedence so any user setting
 * wins: Consul discovery returns only instances passing their health checks, and every
 * instance registers under a unique id (Spring Cloud Consul's default id is name plus
 * port, which collides for two instances on the same port in different containers, or on
 * random ports).
 */
public class MeshDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	/** Name of the property source this post-processor adds. */
	public static final String PROPERTY_SOURCE_NAME = "meshDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(ConditionalOnMeshEnabled.PROPERTY, Boolean.class, true)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.cloud.consul.discovery.query-passing", "true");
		defaults.put("spring.cloud.consul.discovery.instance-id",
				"${spring.application.name:application}-${random.value}");
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

}
