package dev.mesh.autoconfigure;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath;
import org.springframework.util.ClassUtils;

/**
 * The path Spring MVC's {@code DispatcherServlet} is mapped under
 * ({@code spring.mvc.servlet.path}), read from Spring Boot 4's
 * {@link DispatcherServletPath} (in {@code spring-boot-webmvc}).
 */
final class DispatcherServletPrefix {

	private static final boolean WEBMVC_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.webmvc.autoconfigure.DispatcherServletPath",
			DispatcherServletPrefix.class.getClassLoader());

	private DispatcherServletPrefix() {
	}

	/**
	 * @param beanFactory the application's bean factory
	 * @return the prefix, or {@code ""} when the servlet is at the root or there is none
	 */
	static String of(BeanFactory beanFactory) {
		if (!WEBMVC_PRESENT) {
			return "";
		}
		DispatcherServletPath path = beanFactory.getBeanProvider(DispatcherServletPath.class).getIfAvailable();
		return (path != null) ? path.getPrefix() : "";
	}

}
