package dev.mesh.client;

import org.springframework.http.HttpHeaders;

/**
 * Refuses a request whose header names are not HTTP tokens or whose values hold line
 * breaks or other control characters, before anything is sent. Some HTTP client libraries
 * write headers as they are given (Apache HttpClient does), so a value the application
 * copied from its own caller could otherwise end a header early and add headers, or a
 * whole request, of the caller's choosing (request splitting). The error names the header
 * and the service, never the value (which may be a secret, or carry line breaks into a
 * log), nor a name that is not a plain token.
 */
final class HeaderValidation {

	private HeaderValidation() {
	}

	/**
	 * @param headers a request's headers
	 * @param serviceId the called service
	 * @throws IllegalArgumentException for the first header that cannot be sent
	 */
	static void check(HttpHeaders headers, String serviceId) {
		headers.forEach((name, values) -> {
			if (!isToken(name)) {
				throw invalid(name, serviceId);
			}
			for (String value : values) {
				if (value != null && !isFieldValue(value)) {
					throw invalid(name, serviceId);
				}
			}
		});
	}

	/** RFC 9110 token: visible ASCII but for the separators. */
	private static boolean isToken(String name) {
		if (name.isEmpty()) {
			return false;
		}
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (c <= ' ' || c >= 0x7f || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
				return false;
			}
		}
		return true;
	}

	/**
	 * RFC 9110 field value: visible characters, spaces and tabs; no CR, LF, NUL or other
	 * controls.
	 */
	private static boolean isFieldValue(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < ' ' && c != '\t') || c == 0x7f || c > 0xff) {
				return false;
			}
		}
		return true;
	}

	private static IllegalArgumentException invalid(String name, String serviceId) {
		boolean printable = !name.isEmpty() && name.length() <= 100
				&& name.chars().allMatch((c) -> c > ' ' && c < 0x7f);
		return new IllegalArgumentException("Header "
				+ (printable ? "'" + name + "'" : "with a name that is no HTTP token") + " of a request to service '"
				+ serviceId
				+ "' cannot be sent: HTTP header names are tokens and values are visible ASCII, spaces and tabs, with no line breaks");
	}

}
