package dev.mesh.client;

import java.net.URI;

import dev.mesh.discovery.RedactedUris;

import org.springframework.util.unit.DataSize;
import org.springframework.web.client.RestClientException;

/**
 * Thrown by a mesh client when the body of a response is larger than
 * {@code mesh.clients.<service>.max-response-size}, whether its {@code Content-Length}
 * said so or it grew past the limit while being read. The exchange is abandoned (its
 * connection closed) without reading on, and the call is not retried: another instance
 * would send the same.
 */
public class ResponseTooLargeException extends RestClientException {

	private final String serviceId;

	private final long maxBytes;

	/**
	 * @param serviceId the called service
	 * @param uri the attempt's URI, on the instance that answered
	 * @param maxBytes the limit, in bytes
	 * @param detail how the size was found out, such as "Content-Length 600000000"
	 */
	public ResponseTooLargeException(String serviceId, URI uri, long maxBytes, String detail) {
		super("Response of service '" + serviceId + "' from " + RedactedUris.of(uri) + " is larger than mesh.clients."
				+ serviceId + ".max-response-size (" + format(maxBytes) + "): " + detail
				+ "; raise the limit (or mesh.client-defaults.max-response-size) if such responses are expected");
		this.serviceId = serviceId;
		this.maxBytes = maxBytes;
	}

	/**
	 * @return the called service
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * @return the limit the response went over
	 */
	public DataSize getMaxResponseSize() {
		return DataSize.ofBytes(this.maxBytes);
	}

	/**
	 * {@code 10485760} → {@code 10MB}, {@code 1536} → {@code 1536B}: the largest unit
	 * that is exact.
	 */
	static String format(long bytes) {
		String[] units = { "B", "KB", "MB", "GB" };
		int unit = 0;
		long value = bytes;
		while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
			value /= 1024;
			unit++;
		}
		return value + units[unit];
	}

}
