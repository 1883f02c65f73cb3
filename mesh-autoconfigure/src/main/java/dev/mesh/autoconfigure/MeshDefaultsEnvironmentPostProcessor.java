package dev.mesh.autoconfigure;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.util.StringUtils;

/**
 * Adds the registry defaults a mesh needs, with the lowest precedence so any user setting
 * wins: Consul discovery returns only instances passing their health checks, and every
 * instance registers under a unique id (Spring Cloud Consul's default id is name plus
 * port, which collides for two instances on the same port in different containers, or on
 * random ports). The id's random part is drawn once per run, so every read of the
 * property (a rebind after {@code /actuator/refresh} included) gives the id this instance
 * registered under, and the next run gets a new one.
 *
 * <p>
 * A registration's health check also gets Consul's {@code DeregisterCriticalServiceAfter}
 * ({@value #CRITICAL_TIMEOUT}): an instance that was killed (no deregistration on
 * shutdown) is removed from the catalog once its check has been critical that long,
 * rather than listed as critical for ever.
 *
 * <p>
 * It also keeps Spring Cloud from re-binding the mesh's properties in place on a refresh
 * (see {@link #neverRefreshable}).
 */
public class MeshDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor {

	/** Name of the property source this post-processor adds. */
	public static final String PROPERTY_SOURCE_NAME = "meshDefaults";

	/**
	 * How long Consul keeps a registration whose health check is critical (Consul's own
	 * minimum is one minute).
	 */
	static final String CRITICAL_TIMEOUT = "1m";

	/**
	 * Name of the source of the application's default properties (Boot's
	 * {@code DefaultPropertiesPropertySource.NAME}, in another package on each Boot
	 * line).
	 */
	private static final String APPLICATION_DEFAULTS = "defaultProperties";

	private static final SecureRandom RANDOM = new SecureRandom();

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
				"${spring.application.name:application}-" + randomPart());
		defaults.put("spring.cloud.consul.discovery.health-check-critical-timeout", CRITICAL_TIMEOUT);
		neverRefreshable(environment, defaults);
		// Boot moves the application's default properties
		// (SpringApplication#setDefaultProperties)
		// to the very end after this runs: a key set there is the user's, so no default
		// for it
		PropertySource<?> applicationDefaults = environment.getPropertySources().get(APPLICATION_DEFAULTS);
		if (applicationDefaults != null) {
			defaults.keySet().removeIf(applicationDefaults::containsProperty);
		}
		environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
	}

	/**
	 * @return 32 random hexadecimal digits, as {@code ${random.value}} gives, but drawn
	 * once
	 */
	private static String randomPart() {
		byte[] bytes = new byte[16];
		RANDOM.nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
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
