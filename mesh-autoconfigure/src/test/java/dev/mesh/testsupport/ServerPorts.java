package dev.mesh.testsupport;

import org.springframework.context.ApplicationContext;

/**
 * The port an application's embedded server listens on, read the same way on both Boot
 * lines (Boot 4 moved {@code WebServerApplicationContext}): Boot publishes it as
 * {@code local.server.port} once the server has started.
 */
public final class ServerPorts {

	private ServerPorts() {
	}

	/**
	 * @param context a started web application
	 * @return the port its server listens on
	 */
	public static int of(ApplicationContext context) {
		Integer port = context.getEnvironment().getProperty("local.server.port", Integer.class);
		if (port == null) {
			throw new IllegalStateException("No server has started in " + context.getDisplayName());
		}
		return port;
	}

}
