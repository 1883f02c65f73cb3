package dev.mesh.client;

import java.net.URI;

/**
 * Checks that a request URI addresses the client's service and moves it onto a chosen instance.
 * Accepted forms: relative ({@code /api/stock/1}, {@code api/stock/1}) and
 * {@code http(s)://<service>/...} without a port. Anything else is a {@link ForeignHostException}.
 */
final class ServiceUris {

	private ServiceUris() {
	}

	/**
	 * @return the raw path, query and fragment of {@code uri}, starting with {@code /}
	 * @throws ForeignHostException if the URI names another host
	 */
	static String pathAndQuery(String serviceId, URI uri) {
		if (uri.isAbsolute() || uri.getRawAuthority() != null) {
			String scheme = uri.getScheme();
			boolean http = scheme == null || "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
			if (!http || uri.getPort() != -1 || uri.getRawUserInfo() != null
					|| !serviceId.equalsIgnoreCase(uri.getHost())) {
				throw new ForeignHostException(serviceId, uri);
			}
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
		return result.toString();
	}

	static URI onInstance(String baseUri, String pathAndQuery) {
		return URI.create(baseUri + pathAndQuery);
	}

}
