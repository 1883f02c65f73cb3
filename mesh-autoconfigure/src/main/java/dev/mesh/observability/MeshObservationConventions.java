package dev.mesh.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

	/**
	 * Convention of {@value #ATTEMPTS}. Its tags are asked for twice per attempt (when it starts and when
	 * it stops) and take only a few distinct values per instance, so each combination is built (and
	 * sorted) once and kept, up to {@value #MAX_CACHED} combinations, after which the cache starts over.
	 */
	public static final class Attempts implements ObservationConvention<MeshAttemptContext> {

		/** Bound of the tag cache; a service mesh with instance churn must not grow it forever. */
		static final int MAX_CACHED = 4096;

		private final Map<Tags, KeyValues> cache = new ConcurrentHashMap<>();

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
			Tags tags = new Tags(context.getServiceId(), context.getInstanceId(), context.getMethod(),
					context.getStatus(), context.getOutcome(), context.getAttempt());
			KeyValues keyValues = this.cache.get(tags);
			if (keyValues == null) {
				if (this.cache.size() >= MAX_CACHED) {
					this.cache.clear();
				}
				keyValues = build(context);
				this.cache.put(tags, keyValues);
			}
			return keyValues;
		}

		/** @return how many tag combinations are kept now */
		int cachedCombinations() {
			return this.cache.size();
		}

		private static KeyValues build(MeshAttemptContext context) {
			return KeyValues.of("service", context.getServiceId(), "instance", context.getInstanceId(), "method",
					context.getMethod(), "status", context.getStatus(), "outcome", context.getOutcome(), "attempt",
					Integer.toString(context.getAttempt()));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof MeshAttemptContext;
		}

		private record Tags(String service, String instance, String method, String status, String outcome,
				int attempt) {
		}

	}

}
