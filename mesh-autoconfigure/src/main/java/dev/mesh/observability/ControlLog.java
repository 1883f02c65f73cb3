package dev.mesh.observability;

import dev.mesh.security.MeshCaller;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * The audit line of every write on the {@code mesh} endpoint: one INFO line
 * {@code mesh control by <caller>: <what>}, the caller being the client id of the
 * request's validated token ({@code azp}, {@code client_id} or {@code sub}), else the
 * name of another authentication, else {@code anonymous}. Never the token. Values that
 * came with the request are made safe to log: control characters (CR, LF and the like)
 * become {@code ?} and long values are cut, so a request cannot forge log lines.
 */
final class ControlLog {

	private static final Log logger = LogFactory.getLog(MeshEndpoint.class);

	/** Longest value written as it came; longer ones are cut. */
	static final int MAX_VALUE_LENGTH = 120;

	private static final boolean JWT_PRESENT = ClassUtils.isPresent("org.springframework.security.oauth2.jwt.Jwt",
			ControlLog.class.getClassLoader());

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder", ControlLog.class.getClassLoader());

	private ControlLog() {
	}

	static void log(String what) {
		logger.info("mesh control by " + safe(caller()) + ": " + what);
	}

	/**
	 * @return the caller of the request being handled, or {@code anonymous}
	 */
	static String caller() {
		if (JWT_PRESENT) {
			MeshCaller caller = MeshCaller.current();
			if (caller != null) {
				return caller.clientId();
			}
		}
		if (SECURITY_PRESENT) {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			if (authentication != null && authentication.isAuthenticated()
					&& !(authentication instanceof AnonymousAuthenticationToken) && authentication.getName() != null) {
				return authentication.getName();
			}
		}
		return "anonymous";
	}

	/**
	 * @param value a value that came with a request
	 * @return it, quoted, with every control character as {@code ?} and cut to
	 * {@value #MAX_VALUE_LENGTH} characters
	 */
	static String quoted(Object value) {
		return "'" + safe(String.valueOf(value)) + "'";
	}

	static String safe(String value) {
		int length = Math.min(value.length(), MAX_VALUE_LENGTH);
		StringBuilder safe = new StringBuilder(length + 24);
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			safe.append((Character.isISOControl(c) || c == '\u2028' || c == '\u2029') ? '?' : c);
		}
		if (value.length() > MAX_VALUE_LENGTH) {
			safe.append("...(").append(value.length()).append(" chars)");
		}
		return safe.toString();
	}

}
