package dev.mesh.discovery;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * How the mesh writes a URI into a message, log line or the {@code mesh} endpoint: scheme, host, port
 * and path, never the user info ({@code user:password@}) or the query and fragment, which may carry
 * credentials ({@code ?api_key=...}). The path stays, because it says which call failed.
 */
public final class RedactedUris {

	private RedactedUris() {
	}

	/**
	 * @param uri a URI, absolute or relative
	 * @return {@code scheme://host:port/path} (or the path alone for a relative URI)
	 */
	public static String of(URI uri) {
		String origin = origin(uri);
		return (uri.getRawPath() != null) ? origin + uri.getRawPath() : origin;
	}

	/**
	 * @param uri a URI, absolute or relative
	 * @return {@code scheme://host:port}, empty for a relative URI
	 */
	public static String origin(URI uri) {
		StringBuilder text = new StringBuilder(64);
		if (uri.getScheme() != null) {
			text.append(uri.getScheme()).append(':');
		}
		if (uri.getHost() != null) {
			text.append("//").append(uri.getHost());
			if (uri.getPort() != -1) {
				text.append(':').append(uri.getPort());
			}
		}
		else if (uri.getRawAuthority() != null) {
			// a registry-based authority (no parsable host): keep what follows the user info
			String authority = uri.getRawAuthority();
			text.append("//").append(authority.substring(authority.lastIndexOf('@') + 1));
		}
		return text.toString();
	}

	/**
	 * @param uri a URI as text, possibly one that does not parse
	 * @return the same as {@link #of(URI)}; for text that does not parse, the text without anything between
	 * {@code //} and {@code @} and without anything from the first {@code ?} or {@code #}
	 */
	public static String of(String uri) {
		try {
			return of(new URI(uri));
		}
		catch (URISyntaxException ex) {
			String text = uri;
			int cut = indexOfQueryOrFragment(text);
			if (cut >= 0) {
				text = text.substring(0, cut);
			}
			int authority = text.indexOf("//");
			if (authority >= 0) {
				int end = text.indexOf('/', authority + 2);
				int at = text.lastIndexOf('@', (end >= 0) ? end : text.length());
				if (at > authority) {
					text = text.substring(0, authority + 2) + text.substring(at + 1);
				}
			}
			return text;
		}
	}

	private static int indexOfQueryOrFragment(String text) {
		int query = text.indexOf('?');
		int fragment = text.indexOf('#');
		if (query < 0) {
			return fragment;
		}
		return (fragment < 0) ? query : Math.min(query, fragment);
	}

}
