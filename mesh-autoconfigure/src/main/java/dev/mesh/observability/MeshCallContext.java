package dev.mesh.observability;

import io.micrometer.observation.Observation;

/**
 * What one mesh call was, as the user saw it (effective outcome): observed as {@code mesh.client.calls}.
 */
public class MeshCallContext extends Observation.Context {

	private final String serviceId;

	private final String method;

	private String status = "NONE";

	private String outcome = "UNKNOWN";

	private int attempts;

	/**
	 * @param serviceId the called service
	 * @param method the HTTP method
	 */
	public MeshCallContext(String serviceId, String method) {
		this.serviceId = serviceId;
		this.method = method;
	}

	public String getServiceId() {
		return this.serviceId;
	}

	public String getMethod() {
		return this.method;
	}

	public String getStatus() {
		return this.status;
	}

	public String getOutcome() {
		return this.outcome;
	}

	public int getAttempts() {
		return this.attempts;
	}

	/** Counts one more attempt of this call. */
	public void attempted() {
		this.attempts++;
	}

	/**
	 * Records how the call ended.
	 * @param status the final HTTP status, or a failure name such as {@code IO_ERROR}
	 * @param outcome the outcome, see {@link MeshOutcome}
	 */
	public void ended(String status, String outcome) {
		this.status = status;
		this.outcome = outcome;
	}

}
