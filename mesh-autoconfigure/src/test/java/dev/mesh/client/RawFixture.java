package dev.mesh.client;

import java.util.ArrayList;
import java.util.List;

import dev.mesh.testsupport.RawHttpServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.client.RestClient;

/**
 * Raw HTTP servers playing the instances of {@code inventory} and the mesh client
 * application over them ({@link RawInstances}), all closed after each test. Register it
 * with {@code @RegisterExtension}.
 */
final class RawFixture implements AfterEachCallback {

	private final List<RawHttpServer> servers = new ArrayList<>();

	private ConfigurableApplicationContext context;

	/**
	 * Closes the server after the test.
	 * @param server a started server
	 * @return the server
	 */
	RawHttpServer keep(RawHttpServer server) {
		this.servers.add(server);
		return server;
	}

	/**
	 * Starts the client application over the given instances, closing the one started
	 * before, if any.
	 * @param instances the instances of {@code inventory}
	 * @param properties more properties, {@code name=value}
	 * @return the application
	 */
	ConfigurableApplicationContext start(List<RawHttpServer> instances, String... properties) {
		closeContext();
		this.context = RawInstances.start(instances, properties);
		return this.context;
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	/**
	 * @return the application's mesh client of {@code inventory}
	 */
	RestClient inventory() {
		return RawInstances.inventory(this.context);
	}

	/** Closes the client application now. */
	void closeContext() {
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
	}

	@Override
	public void afterEach(ExtensionContext extension) {
		closeContext();
		this.servers.forEach(RawHttpServer::close);
		this.servers.clear();
	}

}
