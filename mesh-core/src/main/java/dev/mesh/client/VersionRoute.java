package dev.mesh.client;

import dev.mesh.loadbalancer.VersionSplit;
import dev.mesh.routing.VersionPin;

import org.springframework.http.HttpRequest;

/**
 * Decides which version one call is routed to: the version its own
 * {@value VersionPin#HEADER} header pins for the called service (set by the application
 * on this call), else the one the request being handled pins for it
 * ({@link VersionPin#current()}), else one drawn from the client's {@link VersionSplit},
 * else none. A call's own header is also what its attempts send on, in place of the
 * inbound pin.
 */
final class VersionRoute {

	private VersionRoute() {
	}

	/**
	 * @param request the call
	 * @param serviceId the called service
	 * @param split the client's split
	 * @return the version, or {@code null} for any instance
	 * @throws IllegalArgumentException when the call's own pin header is malformed,
	 * naming the header
	 */
	static String of(HttpRequest request, String serviceId, VersionSplit split) {
		String header = request.getHeaders().getFirst(VersionPin.HEADER);
		String pinned = (header != null) ? VersionPin.parse(header).versionFor(serviceId) : null;
		if (pinned == null) {
			VersionPin inbound = VersionPin.current();
			pinned = (inbound != null) ? inbound.versionFor(serviceId) : null;
		}
		return (pinned != null) ? pinned : split.draw();
	}

}
