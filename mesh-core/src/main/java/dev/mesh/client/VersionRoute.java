package dev.mesh.client;

import dev.mesh.loadbalancer.VersionSplit;
import dev.mesh.routing.VersionPin;

import org.springframework.http.HttpRequest;

/**
 * Decides which version one call is routed to: the version its own
 * {@value VersionPin#HEADER} header pins (set by the application on this call), else the
 * one the request being handled pins ({@link VersionPin#current()}), else one drawn from
 * the client's {@link VersionSplit}, else none.
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
		VersionPin pin = (header != null) ? VersionPin.parse(header) : VersionPin.current();
		String pinned = (pin != null) ? pin.versionFor(serviceId) : null;
		return (pinned != null) ? pinned : split.draw();
	}

}
