package dev.mesh.client;

import java.net.URI;

import dev.mesh.discovery.MeshInstance;

/**
 * Checks that a request URI addresses the client's service and moves it onto a chosen
 * instance. Accepted forms: relative ({@code /api/stock/1}, {@code api/stock/1}) and
 * {@code http(s)://<service>/...} without a port. Anything else is a
 * {@link ForeignHostException}.
 */
final class ServiceUris {

	private ServiceUris() {
	}

	/**
	 * @return the path, query and fragment of {@code uri} as a relative URI whose raw
	 * path starts with {@code /}: {@code uri} itself when it already is one, so the
	 * common case parses nothing
	 * @throws ForeignHostException if the URI names another host
	 */
	static URI relative(String serviceId, URI uri) {
		if (uri.isAbsolute() || uri.getRawAuthority() != null) {
			String scheme = uri.getScheme();
			boolean http = scheme == null || "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
			if (!http || uri.getPort() != -1 || uri.getRawUserInfo() != null
					|| !serviceId.equalsIgnoreCase(uri.getHost())) {
				throw new ForeignHostException(serviceId, uri);
			}
		}
		else if (uri.getRawPath().startsWith("/")) {
			return uri;
		}
		String path = uri.getRawPath();
		StringBuilder result = new StringBuilder(64);
		if (path == null || path.isEmpty() || path.charAt(0) != '/') {
			result.append('/');
		}
		if (path != null) {
			result.append(path);
		}
		if (uri.getRawQuery() != null) {
			result.append('?').append(uri.getRawQuery());
		}
		if (uri.getRawFragment() != null) {
			result.append('#').append(uri.getRawFragment());
		}
		return URI.create(result.toString());
	}

	/**
	 * Addresses a request to an instance. When the instance's base URI is only scheme,
	 * host and port, the path is resolved against its parsed {@link MeshInstance#root()},
	 * which copies the parsed parts (RFC 3986 5.2 with an absolute path) instead of
	 * parsing the whole address again on every attempt.
	 * @param instance the chosen instance
	 * @param relative the request's path, query and fragment, from
	 * {@link #relative(String, URI)}
	 */
	static URI onInstance(MeshInstance instance, URI relative) {
		URI root = instance.root();
		return (root != null) ? root.resolve(relative) : URI.create(instance.baseUri() + relative.toString());
	}

}
