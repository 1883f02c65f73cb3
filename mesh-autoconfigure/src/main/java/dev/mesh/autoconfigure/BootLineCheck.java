package dev.mesh.autoconfigure;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Stops an application whose Spring Boot line is not the one this mesh module was built
 * for, before any auto-configuration loads, with a message naming the starter that fits:
 * without it, {@code mesh-starter} on Boot 4 (or {@code mesh-boot4-starter} on Boot 3.5)
 * fails later with a {@code ClassNotFoundException} or {@code NoSuchMethodError} that
 * names neither. Registered in {@code spring.factories}, so it needs nothing but Spring
 * Framework and this class.
 */
public class BootLineCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	/** A class Spring Boot 4 added, by which the running line is told apart. */
	static final String BOOT4_MARKER = "org.springframework.boot.EnvironmentPostProcessor";

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		ClassLoader classLoader = event.getSpringApplication().getClassLoader();
		int running = ClassUtils.isPresent(BOOT4_MARKER, classLoader) ? 4 : 3;
		String failure = failure(BootLine.MAJOR, running, SpringBootVersion.getVersion());
		if (failure != null) {
			throw new IllegalStateException(failure);
		}
	}

	/**
	 * @param built the Boot major version this module was built for
	 * @param running the Boot major version the application runs
	 * @param runningVersion the Boot version the application runs, or {@code null}
	 * @return why the application cannot start, or {@code null} when it can
	 */
	static String failure(int built, int running, String runningVersion) {
		if (built == running) {
			return null;
		}
		String version = (runningVersion != null) ? runningVersion : running + ".x";
		return "The mesh on the class path (" + artifact(built) + ") is for Spring Boot " + line(built)
				+ ", but this application runs Spring Boot " + version + ": depend on " + artifact(running)
				+ " instead (one mesh, the same @MeshClient and mesh.* properties on both lines).";
	}

	private static String artifact(int major) {
		return (major >= 4) ? "dev.mesh:mesh-boot4-starter" : "dev.mesh:mesh-starter";
	}

	private static String line(int major) {
		return (major >= 4) ? "4.0" : "3.5";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
