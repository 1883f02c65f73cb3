package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.function.Predicate;

import dev.mesh.discovery.MeshClock;
import dev.mesh.resilience.InboundDeadlineFilter;
import dev.mesh.routing.VersionPinFilter;
import dev.mesh.shutdown.DrainCoordinator;
import dev.mesh.shutdown.DrainWait;
import dev.mesh.shutdown.GoingAwayFilter;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Auto-configuration for the server side of a mesh member in a servlet application:
 * honouring the deadline callers propagate, the version pins trusted callers send
 * ({@code mesh.routing.version-pin}), and draining before shutdown
 * ({@code mesh.instance.shutdown.drain-time}).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(OncePerRequestFilter.class)
@ConditionalOnMeshEnabled
@Import(MeshPropertiesConfiguration.class)
public class MeshServerAutoConfiguration {

	/**
	 * Order of the version-pin filter: after Spring Security's filter chain (order -100
	 * unless {@code spring.security.filter.order} moves it), which sets the user
	 * principal the filter trusts.
	 */
	static final int VERSION_PIN_FILTER_ORDER = 0;

	/**
	 * The drain before shutdown, with the drain time in effect; a configured drain time
	 * longer than {@code spring.lifecycle.timeout-per-shutdown-phase} fails startup.
	 */
	@Bean
	@ConditionalOnMissingBean
	DrainCoordinator meshDrainCoordinator(MeshProperties properties, Environment environment,
			ObjectProvider<MeshClock> clock) {
		Duration phaseTimeout = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DrainTimes.DEFAULT_PHASE_TIMEOUT);
		Duration drainTime = DrainTimes.resolve(properties.getInstance().getShutdown().getDrainTime(),
				properties.getDiscovery().getRefreshInterval(), phaseTimeout);
		return new DrainCoordinator(drainTime, clock.getIfAvailable(MeshClock::system)::nanoTime, DrainWait.SLEEP);
	}

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("rawtypes")
	MeshDrainLifecycle meshDrainLifecycle(DrainCoordinator drain,
			ObjectProvider<AbstractAutoServiceRegistration> autoRegistration, ObjectProvider<ServiceRegistry> registry,
			ObjectProvider<Registration> registration) {
		return new MeshDrainLifecycle(drain, autoRegistration, registry, registration);
	}

	/**
	 * Puts {@code Mesh-Going-Away} on every answer while the instance drains, first in
	 * the chain so that answers written by later filters carry it too.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "meshGoingAwayFilter")
	FilterRegistrationBean<GoingAwayFilter> meshGoingAwayFilter(DrainCoordinator drain) {
		FilterRegistrationBean<GoingAwayFilter> registration = new FilterRegistrationBean<>(new GoingAwayFilter(drain));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setDispatcherTypes(jakarta.servlet.DispatcherType.REQUEST, jakarta.servlet.DispatcherType.ERROR,
				jakarta.servlet.DispatcherType.ASYNC);
		return registration;
	}

	/**
	 * Sets each request's deadline on the {@link MeshClock} bean the mesh clients read,
	 * or on the system clock when there is none.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "meshInboundDeadlineFilter")
	FilterRegistrationBean<InboundDeadlineFilter> meshInboundDeadlineFilter(ObjectProvider<MeshClock> clock) {
		FilterRegistrationBean<InboundDeadlineFilter> registration = new FilterRegistrationBean<>(
				new InboundDeadlineFilter(clock.getIfAvailable(MeshClock::system)));
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

	/**
	 * Reads {@code Mesh-Route-Version} pins from the callers
	 * {@code mesh.routing.version-pin} trusts; ordered after Spring Security's filter
	 * chain, so an authenticated caller is known.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "meshVersionPinFilter")
	FilterRegistrationBean<VersionPinFilter> meshVersionPinFilter(MeshProperties properties, BeanFactory beans) {
		MeshProperties.VersionPinTrust trust = properties.getRouting().getVersionPin();
		boolean jwt = ClassUtils.isPresent(MeshCallerRequests.JWT, getClass().getClassLoader());
		Predicate<HttpServletRequest> trusted = switch (trust) {
			case ANY -> (request) -> true;
			case NONE -> (request) -> false;
			case AUTHENTICATED -> jwt ? new MeshCallerRequests(beans) : (request) -> false;
		};
		FilterRegistrationBean<VersionPinFilter> registration = new FilterRegistrationBean<>(
				new VersionPinFilter(trusted));
		registration.setOrder(VERSION_PIN_FILTER_ORDER);
		return registration;
	}

}
