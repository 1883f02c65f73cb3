package dev.mesh.discovery;

import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Turns a registry's {@link ServiceInstance} into a {@link MeshInstance}, reading its
 * weight, start time and warm-up from the metadata. Metadata comes from the network and
 * from software we do not control, so nothing in it ever fails a caller: a missing weight
 * counts as {@value MeshMetadata#DEFAULT_WEIGHT} and a garbage one also counts as
 * {@value MeshMetadata#DEFAULT_WEIGHT} with one warning; a missing
 * {@value MeshMetadata#STARTED_AT} means the instance is not ramped up by slow start, and
 * a garbage {@value MeshMetadata#STARTED_AT} or {@value MeshMetadata#WARMUP} means the
 * same, with one warning. A {@value MeshMetadata#STARTED_AT} in the future is clamped to
 * the factory's now, so slow start ramps such an instance for one window from when this
 * caller first sees it, not until that future time.
 */
public final class MeshInstanceFactory {

	private static final Log logger = LogFactory.getLog(MeshInstanceFactory.class);

	/** Longer values are not durations or instants anyone publishes on purpose. */
	private static final int MAX_LENGTH = 64;

	/**
	 * Longest zone or version read; longer ones are not names anyone publishes on
	 * purpose.
	 */
	static final int MAX_LABEL_LENGTH = 128;

	/**
	 * Longest host name (RFC 1035: 253 characters, plus room for an IPv6 literal with a
	 * zone).
	 */
	private static final int MAX_HOST_LENGTH = 255;

	/**
	 * A host name, IPv4 address or IPv6 literal: letters, digits, {@code . - _}, and
	 * {@code : [ ] %} for IPv6; never {@code @ / ? #}, whitespace or control characters.
	 * Underscores are allowed because container and Consul node names use them.
	 */
	private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-:\\[\\]%]+");

	private final Clock clock;

	/**
	 * Creates a factory. It holds no state, so one per owner (cache, load balancer) is
	 * enough.
	 */
	public MeshInstanceFactory() {
		this(MeshClock.system().wall());
	}

	/**
	 * Creates a factory that reads now from a clock.
	 * @param clock the wall clock
	 */
	public MeshInstanceFactory(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Creates the view of one registry instance. Call it once per new or changed
	 * registration (never per request): unreadable metadata is logged as a warning on
	 * every call.
	 * @param serviceInstance the registry's instance
	 * @return the instance view, with weight {@value MeshMetadata#DEFAULT_WEIGHT} when
	 * the metadata has none or an unreadable one, and no zone or version when those are
	 * unreadable
	 * @throws IllegalArgumentException when the instance's address cannot be called (see
	 * {@link #addressProblem}); the message says why, fit for a log line
	 */
	public MeshInstance create(ServiceInstance serviceInstance) {
		String problem = addressProblem(serviceInstance);
		if (problem != null) {
			throw new IllegalArgumentException("Instance '" + clean(MeshInstance.idOf(serviceInstance))
					+ "' of service '" + clean(serviceInstance.getServiceId()) + "' is left out: it " + problem);
		}
		String id = MeshInstance.idOf(serviceInstance);
		Map<String, String> metadata = serviceInstance.getMetadata();
		return new MeshInstance(serviceInstance, id, weightOf(serviceInstance, metadata, id),
				labelOf(serviceInstance, metadata, id, MeshMetadata.ZONE), versionOf(serviceInstance, metadata, id),
				startedAtOf(serviceInstance, metadata, id), warmupOf(serviceInstance, metadata, id));
	}

	/**
	 * Why an instance's address cannot be called, if it cannot: a registration is free
	 * text, and a host with {@code user:password@}, a path or a query, or a port out of
	 * range, would send requests (and tokens) somewhere the registry entry does not
	 * plainly say. A negative port means the scheme's default port, as Spring Cloud's
	 * {@code DefaultServiceInstance} reads it; port 0 is refused (an instance that
	 * registered before its random port was known).
	 * @param serviceInstance the registry's instance
	 * @return what is wrong, as the end of a sentence starting "it", or {@code null} when
	 * it is usable
	 */
	static String addressProblem(ServiceInstance serviceInstance) {
		String host = serviceInstance.getHost();
		if (host == null || host.isEmpty()) {
			return "has no host";
		}
		if (host.length() > MAX_HOST_LENGTH || !HOST.matcher(host).matches()) {
			int at = host.lastIndexOf('@');
			String shown = (at >= 0) ? "...@" + host.substring(at + 1) : host;
			return "has host '" + clean(shown) + "', which is not a host name or IP address";
		}
		int port = serviceInstance.getPort();
		if (port == 0 || port > 65_535) {
			return "has port " + port + ", which is not from 1 to 65535";
		}
		URI uri;
		try {
			uri = serviceInstance.getUri();
		}
		catch (RuntimeException ex) {
			return "has an address that is not a URI";
		}
		if (uri == null) {
			return null;
		}
		if (uri.getRawUserInfo() != null
				|| (uri.getRawAuthority() != null && uri.getRawAuthority().indexOf('@') >= 0)) {
			return "has credentials in its address";
		}
		if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
			return "has a query or fragment in its address";
		}
		String scheme = uri.getScheme();
		if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
			return "has scheme '" + clean(String.valueOf(scheme)) + "', which is not http or https";
		}
		return null;
	}

	/**
	 * Whether two registrations are the same for callers: same address and metadata.
	 * Never throws, also for an address that is not a URI.
	 */
	static boolean sameRegistration(ServiceInstance one, ServiceInstance other) {
		try {
			return Objects.equals(one.getUri(), other.getUri())
					&& Objects.equals(one.getMetadata(), other.getMetadata());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * The version of an instance: its {@value MeshMetadata#VERSION} metadata, else the
	 * {@value MeshMetadata#API_VERSION} that Spring Cloud LoadBalancer's API-version
	 * filtering reads, so fleets that publish only that one are routed by version too.
	 */
	private String versionOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
		String version = labelOf(serviceInstance, metadata, id, MeshMetadata.VERSION);
		return (version != null) ? version : labelOf(serviceInstance, metadata, id, MeshMetadata.API_VERSION);
	}

	/**
	 * @param value a zone or version, or {@code null}
	 * @return the value, or {@code null} when absent, blank, longer than
	 * {@value #MAX_LABEL_LENGTH} characters or containing control characters
	 */
	static String parseLabel(String value) {
		if (value == null || value.isBlank() || value.length() > MAX_LABEL_LENGTH) {
			return null;
		}
		for (int i = 0; i < value.length(); i++) {
			if (Character.isISOControl(value.charAt(i))) {
				return null;
			}
		}
		return value;
	}

	static Integer parseWeight(String value) {
		if (value == null) {
			return null;
		}
		String trimmed = value.trim();
		if (trimmed.isEmpty() || trimmed.length() > 5) {
			return null;
		}
		for (int i = 0; i < trimmed.length(); i++) {
			if (!Character.isDigit(trimmed.charAt(i)) || trimmed.charAt(i) > '9') {
				return null;
			}
		}
		int weight = Integer.parseInt(trimmed);
		return (weight <= MeshMetadata.MAX_WEIGHT) ? weight : null;
	}

	/**
	 * @param value an ISO-8601 instant such as {@code 2025-06-01T10:15:30Z}, or epoch
	 * milliseconds such as {@code 1748772930000}, or {@code null}
	 * @return the instant, or {@code null} when absent or unreadable (also a negative or
	 * overflowing number)
	 */
	static Instant parseStartedAt(String value) {
		if (value == null || value.length() > MAX_LENGTH) {
			return null;
		}
		String trimmed = value.trim();
		try {
			if (!trimmed.isEmpty() && trimmed.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				return Instant.ofEpochMilli(Long.parseLong(trimmed));
			}
			return Instant.parse(trimmed);
		}
		catch (DateTimeException | NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * @param value a duration in Spring Boot's forms ({@code 30s}, {@code 500ms}) or
	 * ISO-8601 ({@code PT30S}), or {@code null}
	 * @return the duration, capped at {@link MeshMetadata#MAX_WARMUP}; or {@code null}
	 * when absent, unreadable or negative
	 */
	static Duration parseWarmup(String value) {
		if (value == null || value.length() > MAX_LENGTH) {
			return null;
		}
		Duration warmup;
		try {
			warmup = org.springframework.format.datetime.standard.DurationFormatterUtils.detectAndParse(value.trim());
		}
		catch (RuntimeException ex) {
			return null;
		}
		if (warmup.isNegative()) {
			return null;
		}
		return (warmup.compareTo(MeshMetadata.MAX_WARMUP) > 0) ? MeshMetadata.MAX_WARMUP : warmup;
	}

	private int weightOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
		String raw = (metadata != null) ? metadata.get(MeshMetadata.WEIGHT) : null;
		if (raw == null) {
			return MeshMetadata.DEFAULT_WEIGHT;
		}
		Integer weight = parseWeight(raw);
		if (weight == null) {
			logger.warn("Instance '" + clean(id) + "' of service '" + clean(serviceInstance.getServiceId())
					+ "' publishes metadata weight='" + abbreviate(raw) + "', which is not an integer from "
					+ MeshMetadata.MIN_WEIGHT + " to " + MeshMetadata.MAX_WEIGHT + "; counting it as weight "
					+ MeshMetadata.DEFAULT_WEIGHT);
			return MeshMetadata.DEFAULT_WEIGHT;
		}
		return weight;
	}

	/**
	 * The start time slow start measures from: none when it is missing or unreadable, and
	 * none when a warm-up is published but unreadable (the instance asked for a ramp we
	 * cannot honour).
	 * @param metadata the instance's metadata, or {@code null}
	 * @param now the time the instance is seen: a later start time is clamped to it
	 * @return the start time, or {@code null} for no ramp
	 */
	static Instant rampStartOf(Map<String, String> metadata, Instant now) {
		if (metadata == null) {
			return null;
		}
		String warmup = metadata.get(MeshMetadata.WARMUP);
		if (warmup != null && parseWarmup(warmup) == null) {
			return null;
		}
		Instant startedAt = parseStartedAt(metadata.get(MeshMetadata.STARTED_AT));
		// A start in the future (clock skew, or a hostile registration) counts as now,
		// when this caller
		// first sees it: slow start measures age from the start time, and a far-future
		// one would keep
		// the instance at its lowest weight for ever.
		return (startedAt != null && startedAt.isAfter(now)) ? now : startedAt;
	}

	private Instant startedAtOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
		String raw = (metadata != null) ? metadata.get(MeshMetadata.STARTED_AT) : null;
		if (raw != null && parseStartedAt(raw) == null) {
			warnUnreadable(serviceInstance, id, MeshMetadata.STARTED_AT, raw,
					"an ISO-8601 instant or epoch milliseconds");
		}
		return rampStartOf(metadata, this.clock.instant());
	}

	private Duration warmupOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id) {
		String raw = (metadata != null) ? metadata.get(MeshMetadata.WARMUP) : null;
		if (raw == null) {
			return null;
		}
		Duration warmup = parseWarmup(raw);
		if (warmup == null) {
			warnUnreadable(serviceInstance, id, MeshMetadata.WARMUP, raw, "a duration of 0 or more such as 30s");
		}
		return warmup;
	}

	private String labelOf(ServiceInstance serviceInstance, Map<String, String> metadata, String id, String key) {
		String raw = (metadata != null) ? metadata.get(key) : null;
		String label = parseLabel(raw);
		if (raw != null && label == null && !raw.isBlank()) {
			logger.warn("Instance '" + clean(id) + "' of service '" + clean(serviceInstance.getServiceId())
					+ "' publishes metadata " + key + "='" + abbreviate(raw) + "', which is longer than "
					+ MAX_LABEL_LENGTH + " characters or has control characters; counting it as none");
		}
		return label;
	}

	private static void warnUnreadable(ServiceInstance serviceInstance, String id, String key, String raw,
			String expected) {
		logger.warn("Instance '" + clean(id) + "' of service '" + clean(serviceInstance.getServiceId())
				+ "' publishes metadata " + key + "='" + abbreviate(raw) + "', which is not " + expected
				+ "; not ramping it up (slow start)");
	}

	/**
	 * @return at most {@value #MAX_LENGTH} characters of a registry value, fit for a log
	 * line
	 */
	static String abbreviate(String raw) {
		return clean((raw.length() > MAX_LENGTH) ? raw.substring(0, MAX_LENGTH) + "..." : raw);
	}

	/**
	 * @return a registry value with its control characters replaced, so that it cannot
	 * start a forged log line; at most 256 characters
	 */
	static String clean(String raw) {
		if (raw == null) {
			return "null";
		}
		String cut = (raw.length() > 256) ? raw.substring(0, 256) + "..." : raw;
		StringBuilder cleaned = null;
		for (int i = 0; i < cut.length(); i++) {
			if (Character.isISOControl(cut.charAt(i))) {
				if (cleaned == null) {
					cleaned = new StringBuilder(cut);
				}
				cleaned.setCharAt(i, '?');
			}
		}
		return (cleaned != null) ? cleaned.toString() : cut;
	}

}
