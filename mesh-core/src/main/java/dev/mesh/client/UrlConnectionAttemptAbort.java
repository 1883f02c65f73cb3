package dev.mesh.client;

import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.http.client.ClientHttpRequest;
import org.springframework.util.ReflectionUtils;

/**
 * Keeps an attempt's deadline on the {@code simple} transport
 * ({@code HttpURLConnection}), whose socket reads an interrupt does not end: the
 * connection's read timeout is cut to the time the attempt has left (when that is shorter
 * than the application's {@code spring.http.client.read-timeout}), and until the response
 * comes the attempt's abort disconnects it, which closes the socket under a blocked
 * connect or wait for the status line. Mid-body a disconnect would wait for the read it
 * should end, so there the cut read timeout and the watchdog's interrupt, noticed between
 * reads, end the attempt, and the caller then disconnects (see
 * {@link AttemptWatchdog.Watch#abortWithDisconnect(Runnable)}).
 *
 * <p>
 * Spring's {@code SimpleClientHttpRequest} does not expose its connection, and Spring
 * Boot builds the factory (with the application's settings and customizers), so a
 * subclass cannot reach it either: its {@code connection} field is read by reflection,
 * once per attempt. Should a later Spring version rename it, the deadline falls back to
 * the read timeout alone, and that is logged once.
 */
final class UrlConnectionAttemptAbort {

	private static final Log logger = LogFactory.getLog(UrlConnectionAttemptAbort.class);

	private static final String REQUEST_CLASS = "org.springframework.http.client.SimpleClientHttpRequest";

	private static final Field CONNECTION = connectionField();

	private UrlConnectionAttemptAbort() {
	}

	/**
	 * @param request a transport's request, not yet executed
	 * @param watch the attempt's watch
	 * @param cutReadTimeout whether to cut the read timeout to the attempt's time: not
	 * for a body streamed to the caller ({@code buffer-response=false}), whose reads go
	 * on after the attempt (the timeout of a connection cannot be changed once it is
	 * connected); the disconnect still keeps the deadline
	 */
	static void register(ClientHttpRequest request, AttemptWatchdog.Watch watch, boolean cutReadTimeout) {
		if (CONNECTION == null || !REQUEST_CLASS.equals(request.getClass().getName())) {
			return;
		}
		HttpURLConnection connection = (HttpURLConnection) ReflectionUtils.getField(CONNECTION, request);
		if (connection == null) {
			return;
		}
		long leftMillis = Math.max(1, (watch.remainingNanos() + 999_999) / 1_000_000);
		int configured = connection.getReadTimeout();
		if (cutReadTimeout && (configured == 0 || configured > leftMillis)) {
			connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
		}
		// once: a second disconnect would wait for the stream the JDK's keep-alive
		// cleaner took from the first
		AtomicBoolean disconnected = new AtomicBoolean();
		watch.abortWithDisconnect(() -> {
			if (disconnected.compareAndSet(false, true)) {
				connection.disconnect();
			}
		});
	}

	private static Field connectionField() {
		try {
			Class<?> type = Class.forName(REQUEST_CLASS, false, UrlConnectionAttemptAbort.class.getClassLoader());
			Field field = ReflectionUtils.findField(type, "connection", HttpURLConnection.class);
			if (field != null) {
				ReflectionUtils.makeAccessible(field);
				return field;
			}
		}
		catch (ClassNotFoundException | RuntimeException ex) {
			// not this Spring version's layout
		}
		logger.info("Mesh clients on the simple transport keep their attempts' deadlines by read timeouts only: "
				+ "this Spring version's SimpleClientHttpRequest has no 'connection' field");
		return null;
	}

}
