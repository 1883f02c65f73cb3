package dev.mesh.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletPath;

/**
 * The path Spring MVC's {@code DispatcherServlet} is mapped under
 * ({@code spring.mvc.servlet.path}), read from Spring Boot 3.5's
 * {@link DispatcherServletPath} (which Boot 4 moved).
 */
final class DispatcherServletPrefix {

	private DispatcherServletPrefix() {
	}

	/**
	 * @param beanFactory the application's bean factory
	 * @return the prefix, or {@code ""} when the servlet is at the root or there is none
	 */
	static String of(BeanFactory beanFactory) {
		DispatcherServletPath path = beanFactory.getBeanProvider(DispatcherServletPath.class).getIfAvailable();
		return (path != null) ? path.getPrefix() : "";
	}

}
