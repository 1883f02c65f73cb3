package dev.mesh.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;

import javax.net.ssl.SSLHandshakeException;

import dev.mesh.discovery.RedactedUris;

import org.springframework.http.client.ClientHttpResponse;

/**
 * Turns the failures of the different HTTP client libraries into the few kinds the
 * pipeline tells apart (see {@code FailureKind}): no connection made
 * ({@link ConnectException}, which a TLS handshake failure also is: nothing was sent), no
 * response in time ({@link HttpTimeoutException}), and the rest, which keep their own
 * type. Each library says these differently: a connect timeout is Apache HttpClient's
 * {@code ConnectTimeoutException} (an {@link InterruptedIOException}, like a caller's
 * interrupt), the JDK's {@link HttpConnectTimeoutException}, or
 * {@code HttpURLConnection}'s {@link SocketTimeoutException} "Connect timed out", whose
 * read timeout is the same class.
 */
final class TransportFailures {

	private static final String APACHE_CONNECT_TIMEOUT = "org.apache.hc.client5.http.ConnectTimeoutException";

	private TransportFailures() {
	}

	/**
	 * @param failure how a transport failed an attempt that the watchdog did not time out
	 * @param uri the attempt's URI
	 * @param serviceId the called service, for the message of a failed TLS handshake
	 * @return the failure as one of the pipeline's kinds, its cause the original
	 */
	static IOException normalize(IOException failure, URI uri, String serviceId) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLHandshakeException) {
				ConnectException tls = new ConnectException("TLS handshake with " + RedactedUris.origin(uri)
						+ " failed (" + cause.getMessage()
						+ "): the instance's certificate must be trusted by the SSL bundle named by mesh.clients."
						+ serviceId
						+ ".ssl-bundle (or mesh.client-defaults.ssl-bundle), and its key accepted by the instance");
				tls.initCause(failure);
				return tls;
			}
			if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
				return failure;
			}
			if (APACHE_CONNECT_TIMEOUT.equals(cause.getClass().getName()) || (cause instanceof SocketTimeoutException
					&& String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("connect"))) {
				HttpConnectTimeoutException timedOut = new HttpConnectTimeoutException(
						"No connection to " + RedactedUris.origin(uri) + " within the connect timeout");
				timedOut.initCause(failure);
				return timedOut;
			}
			if (cause instanceof SocketTimeoutException) {
				HttpTimeoutException timedOut = new HttpTimeoutException("No response from " + RedactedUris.of(uri)
						+ " within the read timeout (spring.http.client.read-timeout; spring.http.clients.read-timeout on "
						+ "Spring Boot 4)");
				timedOut.initCause(failure);
				return timedOut;
			}
		}
		return failure;
	}

	/**
	 * Closes the response of an exchange that {@linkplain AttemptWatchdog.Watch#abort()
	 * was aborted}, unless the abort closed it already: closing it again would read the
	 * rest of its body.
	 * @param response the response, or {@code null}
	 * @param watch the attempt's watch
	 */
	static void closeAborted(ClientHttpResponse response, AttemptWatchdog.Watch watch) {
		if (!watch.abortClosesResponse()) {
			closeQuietly(response);
		}
	}

	/** Closes a transport's response, whatever closing it throws. */
	static void closeQuietly(ClientHttpResponse response) {
		if (response != null) {
			try {
				response.close();
			}
			catch (RuntimeException ex) {
				// closing an exchange that already failed
			}
		}
	}

}
