package dev.mesh.autoconfigure;

import dev.mesh.discovery.MeshClock;
import dev.mesh.resilience.InboundDeadlineFilter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Auto-configuration for the server side of a mesh member in a servlet application:
 * honouring the deadline callers propagate.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(OncePerRequestFilter.class)
@ConditionalOnMeshEnabled
public class MeshServerAutoConfiguration {

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

}
