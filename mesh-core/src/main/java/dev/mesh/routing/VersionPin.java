package dev.mesh.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@value #HEADER} header: pins a request, for testing, to one version of the services
 * it reaches. The value is a comma-separated list of items, each either a bare version
 * ({@code 1.5}: every service called) or {@code service=version} ({@code inventory=1.5}:
 * that service only, ahead of a bare version). A pinned call goes to an instance of that
 * version when the service has one that can take it, else it is routed as if unpinned, so
 * a pin passed on to services that have no such version changes nothing there.
 *
 * <p>
 * A pin read from a trusted caller is held per thread for the request being handled (as
 * {@link dev.mesh.resilience.InboundDeadline} holds its deadline) and sent on, as it
 * came, with every mesh call made while handling it.
 */
public final class VersionPin {

	/** The header. */
	public static final String HEADER = "Mesh-Route-Version";

	/** Longest header value read. */
	public static final int MAX_LENGTH = 1024;

	/** Most items one header may hold. */
	public static final int MAX_ITEMS = 16;

	private static final ThreadLocal<VersionPin> CURRENT = new ThreadLocal<>();

	private final String value;

	private final String anyService;

	private final Map<String, String> byService;

	private VersionPin(String value, String anyService, Map<String, String> byService) {
		this.value = value;
		this.anyService = anyService;
		this.byService = byService;
	}

	/**
	 * Reads a header value.
	 * @param value the value, not {@code null}
	 * @return the pin
	 * @throws IllegalArgumentException saying what is wrong, fit to show the caller
	 */
	public static VersionPin parse(String value) {
		if (value.length() > MAX_LENGTH) {
			throw new IllegalArgumentException(
					HEADER + " is " + value.length() + " characters long (expected: at most " + MAX_LENGTH + ")");
		}
		String trimmed = value.trim();
		if (trimmed.isEmpty()) {
			throw new IllegalArgumentException(HEADER + " is empty (expected: a version, or service=version items)");
		}
		String[] items = trimmed.split(",", -1);
		if (items.length > MAX_ITEMS) {
			throw new IllegalArgumentException(
					HEADER + " has " + items.length + " items (expected: at most " + MAX_ITEMS + ")");
		}
		String anyService = null;
		Map<String, String> byService = new HashMap<>();
		for (String raw : items) {
			String item = raw.trim();
			int equals = item.indexOf('=');
			String service = (equals >= 0) ? item.substring(0, equals).trim() : null;
			String version = (equals >= 0) ? item.substring(equals + 1).trim() : item;
			if (!VersionLabels.valid(version)) {
				throw new IllegalArgumentException(HEADER + " item '" + VersionLabels.shown(item)
						+ "' does not name a version (expected: " + VersionLabels.ALLOWED + ")");
			}
			if (service == null) {
				if (anyService != null) {
					throw new IllegalArgumentException(HEADER + " has more than one bare version ('" + anyService
							+ "', '" + version + "'; expected: at most one, and service=version items)");
				}
				anyService = version;
			}
			else {
				if (!VersionLabels.valid(service)) {
					throw new IllegalArgumentException(HEADER + " item '" + VersionLabels.shown(item)
							+ "' does not name a service (expected: " + VersionLabels.ALLOWED + ")");
				}
				if (byService.put(service, version) != null) {
					throw new IllegalArgumentException(HEADER + " pins service '" + service + "' more than once");
				}
			}
		}
		return new VersionPin(trimmed, anyService, Map.copyOf(byService));
	}

	/**
	 * @param serviceId a called service
	 * @return the version this pin asks of it, or {@code null}
	 */
	public String versionFor(String serviceId) {
		String version = this.byService.get(serviceId);
		return (version != null) ? version : this.anyService;
	}

	/**
	 * @return the header value, as sent on to called services
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Holds the pin of the request this thread handles.
	 * @param pin the pin
	 */
	public static void set(VersionPin pin) {
		CURRENT.set(pin);
	}

	/** Clears the pin when the request is done. */
	public static void clear() {
		CURRENT.remove();
	}

	/**
	 * @return the pin of the request this thread handles, or {@code null}
	 */
	public static VersionPin current() {
		return CURRENT.get();
	}

	@Override
	public String toString() {
		return HEADER + ": " + this.value;
	}

}
