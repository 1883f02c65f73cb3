package dev.mesh.observability;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and low-cardinality tags of the mesh observations: {@value #CALLS} (one per call: what the
 * user saw) with {@code service}, {@code method}, {@code status}, {@code outcome}; and {@value #ATTEMPTS}
 * (one per attempt: what each instance did) with the same plus {@code instance} and {@code attempt}.
 * No tag ever holds a URI. Spans are named {@code mesh <service>} and {@code mesh <service> attempt <n>}.
 */
public final class MeshObservationConventions {

	/** Observation (timer) name of calls. */
	public static final String CALLS = "mesh.client.calls";

	/** Observation (timer) name of attempts. */
	public static final String ATTEMPTS = "mesh.client.requests";

	private MeshObservationConventions() {
	}

	/** Convention of {@value #CALLS}. */
	public static final class Calls implements ObservationConvention<MeshCallContext> {

		@Override
		public String getName() {
			return CALLS;
		}

		@Override
		public String getContextualName(MeshCallContext context) {
			return "mesh " + context.getServiceId();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(MeshCallContext context) {
			return KeyValues.of("service", context.getServiceId(), "method", context.getMethod(), "status",
					context.getStatus(), "outcome", context.getOutcome());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof MeshCallContext;
		}

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
