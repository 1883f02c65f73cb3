package dev.mesh.observability;

/**
 * Names of the mesh's request timers: {@value #CALLS} (one sample per call: what the user
 * saw) tagged {@code service}, {@code method}, {@code status}, {@code outcome}; and
 * {@value #ATTEMPTS} (one sample per attempt: what each instance did) with the same plus
 * {@code instance} and {@code attempt}. No tag ever holds a URI.
 */
public final class MeshMeterNames {

	/** Timer of calls. */
	public static final String CALLS = "mesh.client.calls";

	/** Timer of attempts. */
	public static final String ATTEMPTS = "mesh.client.requests";

	private MeshMeterNames() {
	}

}
