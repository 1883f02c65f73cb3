package dev.mesh.routing;

/**
 * Which versions can be routed to: the ones a split ({@link VersionSplit}) or a pin
 * ({@code Mesh-Route-Version}) may name. Version metadata is free text; routing accepts
 * the characters version schemes use, so a pin header can separate its items with
 * {@code ,} and {@code =}.
 */
public final class VersionLabels {

	/**
	 * Longest version routed to, as long as the longest version an instance publishes.
	 */
	public static final int MAX_LENGTH = 128;

	/** What a routable version is, for error messages. */
	public static final String ALLOWED = "1 to " + MAX_LENGTH + " letters, digits, '.', '_', '-' or '+'";

	private VersionLabels() {
	}

	/**
	 * @param version a version, may be {@code null}
	 * @return whether it can be routed to
	 */
	public static boolean valid(String version) {
		if (version == null || version.isEmpty() || version.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < version.length(); i++) {
			char c = version.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == '-' || c == '+';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

	/**
	 * @param value a value that may be hostile
	 * @return the value fit for a log line or error message: control characters replaced
	 * by {@code ?}, at most 64 characters
	 */
	public static String shown(String value) {
		if (value == null) {
			return "null";
		}
		StringBuilder shown = new StringBuilder(Math.min(value.length(), 67));
		for (int i = 0; i < value.length() && i < 64; i++) {
			char c = value.charAt(i);
			shown.append((Character.isISOControl(c) || c == '"' || c == '\\') ? '?' : c);
		}
		if (value.length() > 64) {
			shown.append("...");
		}
		return shown.toString();
	}

}
