package dev.mesh.client;

import java.io.IOException;
import java.net.URI;

import dev.mesh.discovery.MeshInstance;
import dev.mesh.loadbalancer.InstanceFilter;

import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/**
 * The request pipeline of a mesh client: checks the request is for the client's service, picks an
 * instance and sends the request there. Each step is a separate piece; this class only strings them
 * together.
 */
final class MeshClientInterceptor implements ClientHttpRequestInterceptor {

	private final ServiceRoute route;

	MeshClientInterceptor(ServiceRoute route) {
		this.route = route;
	}

	@Override
	public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
			throws IOException {
		String pathAndQuery = ServiceUris.pathAndQuery(this.route.serviceId(), request.getURI());
		MeshInstance instance = this.route.pick(InstanceFilter.ALL);
		if (instance == null) {
			throw new NoInstanceAvailableException(this.route.serviceId(), noInstanceReason());
		}
		URI target = ServiceUris.onInstance(instance.baseUri(), pathAndQuery);
		return execution.execute(new InstanceRequest(request, target), body);
	}

	private String noInstanceReason() {
		return this.route.instances().isEmpty() ? "discovery lists no instances"
				: "none of its " + this.route.instances().size() + " instance(s) can take the request";
	}

	/** The user's request, addressed to the chosen instance. */
	private static final class InstanceRequest extends HttpRequestWrapper {

		private final URI uri;

		InstanceRequest(HttpRequest request, URI uri) {
			super(request);
			this.uri = uri;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

	}

}
