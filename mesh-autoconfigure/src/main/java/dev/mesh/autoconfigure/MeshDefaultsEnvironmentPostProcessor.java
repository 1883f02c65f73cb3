package dev.mesh.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Adds the registry defaults a mesh needs, with the lowest precedence so any user setting
 * wins: Consul discovery returns only instances passing their health checks, and every
 * instance registers under a unique id (Spring Cloud Consul's default id is name plus
 * port, which collides for two instances on the same port in different containers, or on
 * random ports). It also keeps Spring Cloud from re-binding the mesh's properties in
 * place on a refresh (see {@link #neverRefreshable}).
 */
public class MeshDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	/** Name of the property source this post-processor adds. */
	public static final String PROPERTY_SOURCE_NAME = "meshDefaults";

	/**
	 * Name of the property source that adds {@link MeshProperties} to a
	 * {@value #NEVER_REFRESHABLE} the user set.
	 */
	public static final String NEVER_REFRESHABLE_SOURCE_NAME = "meshNeverRefreshable";

	static final String NEVER_REFRESHABLE = "spring.cloud.refresh.never-refreshable";

	/** Spring Cloud's own default of {@value #NEVER_REFRESHABLE}. */
	static final String SPRING_CLOUD_NEVER_REFRESHABLE = "com.zaxxer.hikari.HikariDataSource";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty(ConditionalOnMeshEnabled.PROPERTY, Boolean.class, true)) {
			return;
		}
		Map<String, Object> defaults = new LinkedHashMap<>();
		defaults.put("spring.cloud.consul.discovery.query-passing", "true");
		defaults.put("spring.cloud.consul.discovery.instance-id",
				"${spring.application.name:application}-${random.value}");
		neverRefreshable(environment, defaults);
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

	/**
	 * Keeps Spring Cloud's {@code ConfigurationPropertiesRebinder} from binding the
	 * {@link MeshProperties} bean again in place on every environment change, under
	 * running calls and half-way through when a new value is bad: the mesh binds changed
	 * client settings itself and applies them whole ({@code MeshClientPolicyRefresher}).
	 * The class is added to {@value #NEVER_REFRESHABLE} (Spring Cloud's default there,
	 * HikariCP's data source, kept), or appended to the user's own value.
	 */
	private static void neverRefreshable(ConfigurableEnvironment environment, Map<String, Object> defaults) {
		String mesh = MeshProperties.class.getName();
		String user = environment.getProperty(NEVER_REFRESHABLE);
		if (user == null) {
			defaults.put(NEVER_REFRESHABLE, SPRING_CLOUD_NEVER_REFRESHABLE + "," + mesh);
		}
		else if (!StringUtils.commaDelimitedListToSet(user).contains(mesh)) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource(NEVER_REFRESHABLE_SOURCE_NAME,
						Map.of(NEVER_REFRESHABLE, (user.isBlank() ? "" : user + ",") + mesh)));
		}
	}

}
