package dev.mesh.observability;

import org.springframework.http.HttpHeaders;
import org.springframework.lang.Nullable;

/**
 * Traces the attempts of mesh calls: one span per attempt, a child of the current span
 * (the RestClient's {@code http.client.requests} span of the call), whose trace context
 * goes out in the attempt's own headers so that the server's span is a child of the
 * attempt that reached it.
 *
 * <p>
 * The starter's is a {@link MicrometerAttemptTracer} when Micrometer Tracing is set up;
 * declare a bean of this type to replace it, or set
 * {@code mesh.tracing.attempt-spans=false} to trace no attempts ({@link #NONE}).
 */
@FunctionalInterface
public interface AttemptTracer {

	/** Traces nothing. */
	AttemptTracer NONE = (headers, serviceId, instanceId, method, attempt) -> AttemptSpan.NONE;

	/**
	 * Starts the span of an attempt that is about to be sent.
	 * @param headers the attempt's request headers, where its trace context is written
	 * @param serviceId the called service
	 * @param instanceId the instance the attempt goes to
	 * @param method the HTTP method
	 * @param attempt the attempt's number within its call, from 1
	 * @return the span, to end when the attempt has ended
	 */
	AttemptSpan start(HttpHeaders headers, String serviceId, String instanceId, String method, int attempt);

	/** The span of one attempt, ended once. */
	@FunctionalInterface
	interface AttemptSpan {

		/** A span that records nothing. */
		AttemptSpan NONE = (status, outcome, error) -> {
		};

		/**
		 * Ends the span with how the attempt ended.
		 * @param status the HTTP status, {@code IO_ERROR} or {@code NONE} (see
		 * {@link MeshOutcome#statusTag})
		 * @param outcome the outcome, see {@link MeshOutcome}
		 * @param error what made the attempt fail without a response, if anything
		 */
		void end(String status, String outcome, @Nullable Throwable error);

	}

}
