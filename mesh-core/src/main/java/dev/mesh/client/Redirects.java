package dev.mesh.client;

import java.net.URI;

import org.springframework.http.HttpMethod;

/**
 * What the mesh's own redirect following needs to know (see
 * {@link MeshClientHttpRequestFactory}): which answers are redirects, where they point,
 * whether that is the same instance, and which method follows.
 */
final class Redirects {

	private Redirects() {
	}

	static boolean isRedirect(int status) {
		return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
	}

	/**
	 * @return the location resolved against the request's URI, or {@code null} when it is
	 * no URI
	 */
	static URI resolve(URI base, String location) {
		try {
			return base.resolve(new URI(location.trim()));
		}
		catch (Exception ex) {
			return null;
		}
	}

	/** Same scheme, host and port (default ports made explicit), and no user info. */
	static boolean sameOrigin(URI from, URI to) {
		return to.isAbsolute() && to.getRawUserInfo() == null && from.getScheme().equalsIgnoreCase(to.getScheme())
				&& from.getHost() != null && from.getHost().equalsIgnoreCase(to.getHost()) && port(from) == port(to);
	}

	/**
	 * 303, and 301/302 to a POST (as browsers and Spring's clients do), continue as a GET
	 * without a body.
	 */
	static boolean becomesGet(int status, HttpMethod method) {
		return (status == 303 && method != HttpMethod.HEAD)
				|| ((status == 301 || status == 302) && method == HttpMethod.POST);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

}
