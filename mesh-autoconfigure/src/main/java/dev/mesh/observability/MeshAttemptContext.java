package dev.mesh.observability;

import io.micrometer.observation.transport.RequestReplySenderContext;

import org.springframework.http.HttpHeaders;

/**
 * What one attempt of a mesh call did on one instance (actual outcome): observed as
 * {@code mesh.client.requests}. As a sender context it lets tracing inject the attempt span's
 * {@code traceparent} into the attempt's headers, so the server's span is a child of the attempt.
 */
public class MeshAttemptContext extends RequestReplySenderContext<HttpHeaders, Integer> {

	private final String serviceId;

	private final String instanceId;

	private final String method;

	private final int attempt;

	private String status = "NONE";

	private String outcome = "UNKNOWN";

	/**
	 * @param headers the attempt's headers, where trace context is written
	 * @param serviceId the called service
	 * @param instanceId the chosen instance
	 * @param method the HTTP method
	 * @param attempt the attempt number, from 1
	 */
	public MeshAttemptContext(HttpHeaders headers, String serviceId, String instanceId, String method, int attempt) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.set(key, value);
			}
		});
		setCarrier(headers);
		this.serviceId = serviceId;
		this.instanceId = instanceId;
		this.method = method;
		this.attempt = attempt;
	}

	public String getServiceId() {
		return this.serviceId;
	}

	public String getInstanceId() {
		return this.instanceId;
	}

	public String getMethod() {
		return this.method;
	}

	public int getAttempt() {
		return this.attempt;
	}

	public String getStatus() {
		return this.status;
	}

	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Records how the attempt ended.
	 * @param status the HTTP status, or a failure name such as {@code IO_ERROR}
	 * @param outcome the outcome, see {@link MeshOutcome}
	 */
	public void ended(String status, String outcome) {
		this.status = status;
		this.outcome = outcome;
	}

}
