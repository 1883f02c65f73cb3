package dev.mesh.observability;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and low-cardinality tags of the mesh's meters and observations: the timer {@value #CALLS} (one
 * per call: what the user saw) with {@code service}, {@code method}, {@code status}, {@code outcome}; and
 * the observation {@value #ATTEMPTS} (one per attempt: what each instance did) with the same plus
 * {@code instance} and {@code attempt}. No tag ever holds a URI. Attempt spans are named
 * {@code mesh <service> attempt <n>}.
 */
public final class MeshObservationConventions {

	/** Timer name of calls. */
	public static final String CALLS = "mesh.client.calls";

	/** Observation (timer) name of attempts. */
	public static final String ATTEMPTS = "mesh.client.requests";

	private MeshObservationConventions() {
	}

	/** Convention of {@value #ATTEMPTS}. */
	public static final class Attempts implements ObservationConvention<MeshAttemptContext> {

		@Override
		public String getName() {
			return ATTEMPTS;
		}

		@Override
		public String getContextualName(MeshAttemptContext context) {
			return "mesh " + context.getServiceId() + " attempt " + context.getAttempt();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(MeshAttemptContext context) {
			return KeyValues.of("service", context.getServiceId(), "instance", context.getInstanceId(), "method",
					context.getMethod(), "status", context.getStatus(), "outcome", context.getOutcome(), "attempt",
					Integer.toString(context.getAttempt()));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof MeshAttemptContext;
		}

	}

}
