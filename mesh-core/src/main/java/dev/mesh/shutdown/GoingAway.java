package dev.mesh.shutdown;

import org.springframework.http.HttpHeaders;

/**
 * The {@value #HEADER} response header: an instance that is draining before it stops puts
 * it on every answer, with the whole seconds its drain has left (at least 0), so callers
 * stop picking it at once, whatever their registry says. Callers read only its presence:
 * any value ({@code 2}, {@code true}, a malformed one) means "going away", and they
 * decide for themselves how long to keep away, so a hostile or broken value cannot keep
 * an instance out for longer or break a call.
 */
public final class GoingAway {

	/** Name of the header. */
	public static final String HEADER = "Mesh-Going-Away";

	private GoingAway() {
	}

	/**
	 * @param headers an answer's headers, or {@code null}
	 * @return whether they say the instance is going away: the header is present, with
	 * any value
	 */
	public static boolean announced(HttpHeaders headers) {
		return headers != null && headers.getFirst(HEADER) != null;
	}

}
