package dev.mesh.autoconfigure;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.mesh.client.MeshClient;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.client.ServiceIds;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientHttpServiceGroupConfigurer;
import org.springframework.web.service.registry.HttpServiceGroup;

/**
 * Makes an HTTP service group ({@code @ImportHttpServices(group = "inventory", types =
 * InventoryApi.class)}) a mesh client when its interfaces are annotated
 * {@code @MeshClient("inventory")}: the group's {@code RestClient} then runs the mesh
 * pipeline of that service (discovery, balancing, retries, deadlines, the token), on the
 * service's transport. Runs right after Spring Cloud LoadBalancer's group configurer,
 * whose base URL ({@code http://<group>}) and interceptor it replaces, and after Spring
 * Boot's, so the group keeps its {@code spring.http.serviceclient.<group>} default
 * headers and API version; the transport settings there (timeouts, redirects, SSL bundle)
 * would be a second transport for the same service, so they fail startup with a pointer
 * to {@code mesh.clients.<service>.*}, as does a {@code base-url} naming another host.
 * The pipeline itself is added last ({@link Pipelines}), so a base URL or request factory
 * the application's own group configurers set is kept, as on a {@code @MeshClient}
 * {@code RestClient} bean.
 */
final class MeshHttpServiceGroups implements RestClientHttpServiceGroupConfigurer {

	private static final String GROUP_PROPERTIES = "spring.http.serviceclient.";

	private static final ConfigurationPropertyName GROUPS = ConfigurationPropertyName.of("spring.http.serviceclient");

	/** The order of Spring Cloud LoadBalancer's group configurer. */
	private static final int SPRING_CLOUD_ORDER = 10;

	private static final String SPRING_CLOUD_INTERCEPTOR = "org.springframework.cloud.client.loadbalancer.DeferringLoadBalancerInterceptor";

	/** Group settings that would give the service a second transport. */
	private static final List<String> TRANSPORT_SETTINGS = List.of("connect-timeout", "read-timeout", "redirects",
			"ssl.bundle");

	private final ObjectProvider<MeshClientFactory> clients;

	private final Environment environment;

	MeshHttpServiceGroups(ObjectProvider<MeshClientFactory> clients, Environment environment) {
		this.clients = clients;
		this.environment = environment;
	}

	@Override
	public void configureGroups(Groups<RestClient.Builder> groups) {
		groups.forEachClient((group, builder) -> {
			String service = serviceOf(group);
			if (service != null) {
				boolean baseUrlSet = checkGroupSettings(group.name(), service);
				if (!baseUrlSet) {
					// Spring Cloud sets http://<group> on every group; relative paths
					// address the service
					builder.baseUrl(URI.create("http://" + service));
				}
				// Spring Cloud LoadBalancer's interceptor, which it adds to every group,
				// would pick an instance before the mesh does
				builder.requestInterceptors((interceptors) -> interceptors
					.removeIf((interceptor) -> interceptor.getClass().getName().equals(SPRING_CLOUD_INTERCEPTOR)));
				// the factory Boot built from spring.http.clients.* is replaced by the
				// service's own transport, built from the same settings
				this.clients.getObject().bootDefaultOf(builder);
			}
		});
	}

	/**
	 * @param group an HTTP service group
	 * @return the service its interfaces name with {@code @MeshClient}, or {@code null}
	 * when none is annotated
	 * @throws IllegalStateException when they name several services, or only some are
	 * annotated (they share one {@code RestClient})
	 */
	static String serviceOf(HttpServiceGroup group) {
		Map<Class<?>, String> services = new LinkedHashMap<>();
		for (Class<?> type : group.httpServiceTypes()) {
			MeshClient annotation = AnnotatedElementUtils.findMergedAnnotation(type, MeshClient.class);
			services.put(type, (annotation != null) ? annotation.value() : null);
		}
		List<String> named = services.values().stream().distinct().toList();
		if (named.size() == 1) {
			String service = named.get(0);
			String problem = (service != null) ? ServiceIds.problem(service) : null;
			if (problem != null) {
				throw new IllegalStateException(
						"@MeshClient(\"" + service + "\") on " + services.keySet().iterator().next().getName()
								+ " (HTTP service group '" + group.name() + "') does not name a service: " + problem);
			}
			return service;
		}
		String byType = services.entrySet()
			.stream()
			.map((entry) -> entry.getKey().getName() + ((entry.getValue() != null)
					? " is @MeshClient(\"" + entry.getValue() + "\")" : " has no @MeshClient"))
			.collect(Collectors.joining(", "));
		throw new IllegalStateException("HTTP service group '" + group.name()
				+ "' shares one RestClient between interfaces meant for different services (" + byType
				+ "): put each service's interfaces in a group of their own, all annotated @MeshClient(\"<service>\")");
	}

	/**
	 * @return whether the group's base URL is set (to the service, or startup fails)
	 */
	private boolean checkGroupSettings(String group, String service) {
		Binder binder = Binder.get(this.environment);
		String prefix = GROUP_PROPERTIES + group + ".";
		// a group's name is a map key, which need not be a canonical property name
		// (inventoryApi): adapted, as Boot binds spring.http.serviceclient.<group>
		ConfigurationPropertyName groupName = GROUPS.append(ConfigurationPropertyName.adapt(group, '.'));
		for (String setting : TRANSPORT_SETTINGS) {
			binder.bind(groupName.append(setting), Bindable.of(String.class)).ifBound((value) -> {
				throw new IllegalStateException(prefix + setting + " is '" + value + "', but HTTP service group '"
						+ group + "' is mesh client of service '" + service
						+ "', whose transport the mesh builds: set mesh.clients." + service + ".* (connect-timeout, "
						+ "per-attempt-timeout, ssl-bundle) or spring.http.clients.* instead");
			});
		}
		String baseUrl = binder.bind(groupName.append("base-url"), Bindable.of(String.class)).orElse(null);
		if (baseUrl != null && !isServiceUrl(baseUrl, service)) {
			throw new IllegalStateException(prefix + "base-url is '" + baseUrl + "', but HTTP service group '" + group
					+ "' is mesh client of service '" + service
					+ "', whose instances come from discovery: remove it, or use http://" + service
					+ " (optionally with a path)");
		}
		return baseUrl != null;
	}

	private static boolean isServiceUrl(String value, String service) {
		try {
			URI uri = new URI(value);
			String scheme = uri.getScheme();
			// lb:// is Spring Cloud's way to name a service, which it turns into http://
			return ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)
					|| "lb".equalsIgnoreCase(scheme)) && service.equalsIgnoreCase(uri.getHost()) && uri.getPort() == -1
					&& uri.getRawUserInfo() == null;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/**
	 * After Spring Boot's group configurers, which set the group's request factory, and
	 * Spring Cloud LoadBalancer's; before the application's.
	 */
	@Override
	public int getOrder() {
		return SPRING_CLOUD_ORDER + 1;
	}

	/**
	 * Adds the mesh pipeline to the groups whose interfaces are {@code @MeshClient}s,
	 * after every other group configurer: a request factory the application set on the
	 * group is then used as it is, under the mesh's deadline and redirect rules.
	 */
	static final class Pipelines implements RestClientHttpServiceGroupConfigurer {

		private final ObjectProvider<MeshClientFactory> clients;

		Pipelines(ObjectProvider<MeshClientFactory> clients) {
			this.clients = clients;
		}

		@Override
		public void configureGroups(Groups<RestClient.Builder> groups) {
			groups.forEachClient((group, builder) -> {
				String service = serviceOf(group);
				if (service != null) {
					this.clients.getObject().configure(builder, service);
				}
			});
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
