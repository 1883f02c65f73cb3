package dev.mesh.discovery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * How the mesh writes a URI into a message, log line or the {@code mesh} endpoint:
 * scheme, host, port and path, never the user info ({@code user:password@}) or the query
 * and fragment, which may carry credentials ({@code ?api_key=...}). The path stays,
 * because it says which call failed.
 */
public final class RedactedUris {

	/**
	 * {@code scheme://user:password@} in a URL: the credentials must not reach a message.
	 * Up to the last {@code @} before the path, as HTTP clients read it, so a password
	 * with a literal {@code @} goes whole.
	 */
	private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/?#\\s\"']*@");

	/** A query string in a URL (Consul takes {@code ?token=}): dropped from messages. */
	private static final Pattern QUERY = Pattern.compile("(://[^\\s\"'<>?]*)\\?[^\\s\"'<>]*");

	private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

	/**
	 * Longest message text cleaned; more is cut first, so the cleaning stays cheap for
	 * any input.
	 */
	static final int MAX_TEXT = 2_000;

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
			// a registry-based authority (no parsable host): keep what follows the user
			// info
			String authority = uri.getRawAuthority();
			text.append("//").append(authority.substring(authority.lastIndexOf('@') + 1));
		}
		return text.toString();
	}

	/**
	 * @param uri a URI as text, possibly one that does not parse
	 * @return the same as {@link #of(URI)}; for text that does not parse, the text
	 * without anything between {@code //} and {@code @} and without anything from the
	 * first {@code ?} or {@code #}
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

	/**
	 * Cleans a message that may quote URLs, as libraries' exception messages do (registry
	 * clients, Spring's token response client): the user info and the query string of
	 * every URL taken out, control characters (a forged log line) replaced by {@code ?},
	 * and the text cut to {@value #MAX_TEXT} characters. A URL the cut goes through is
	 * dropped whole, so no part of its credentials survives the cut.
	 * @param text a message, or {@code null}
	 * @return the cleaned message, or {@code null}
	 */
	public static String inText(String text) {
		if (text == null) {
			return null;
		}
		if (text.length() > MAX_TEXT) {
			text = text.substring(0, MAX_TEXT);
			int url = text.lastIndexOf("://");
			if (url >= 0 && text.substring(url)
				.chars()
				.noneMatch((c) -> Character.isWhitespace(c) || c == '"' || c == '\'')) {
				text = text.substring(0, url);
			}
		}
		text = USER_INFO.matcher(text).replaceAll("");
		text = QUERY.matcher(text).replaceAll("$1?...");
		return CONTROL.matcher(text).replaceAll("?");
	}

}
