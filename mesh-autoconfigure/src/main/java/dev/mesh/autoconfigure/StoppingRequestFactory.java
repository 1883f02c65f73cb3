package dev.mesh.autoconfigure;

import java.io.IOException;
import java.net.URI;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

/**
 * A request factory that also stops what it was built on when it is closed: the HTTP
 * client that Spring's factory was handed and does not stop itself (Jetty's).
 */
final class StoppingRequestFactory implements ClientHttpRequestFactory, AutoCloseable {

	/** Something to stop. */
	@FunctionalInterface
	interface Stop {

		void stop() throws Exception;

	}

	private final ClientHttpRequestFactory delegate;

	private final Stop stop;

	StoppingRequestFactory(ClientHttpRequestFactory delegate, Stop stop) {
		this.delegate = delegate;
		this.stop = stop;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
		return this.delegate.createRequest(uri, httpMethod);
	}

	@Override
	public void close() throws Exception {
		try {
			if (this.delegate instanceof DisposableBean disposable) {
				disposable.destroy();
			}
		}
		finally {
			this.stop.stop();
		}
	}

}
