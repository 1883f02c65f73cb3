package dev.mesh.client;

import java.util.Objects;

/**
 * {@link ClientPolicies} whose source can be replaced at run time, when the properties
 * they come from change: a client made afterwards gets the new policy, and
 * {@link MeshClientFactory#update} applies it to the clients already made.
 */
public final class RefreshingClientPolicies implements ClientPolicies {

	private volatile ClientPolicies source;

	/**
	 * @param source where policies come from until {@link #source(ClientPolicies)}
	 * replaces it
	 */
	public RefreshingClientPolicies(ClientPolicies source) {
		this.source = Objects.requireNonNull(source, "source");
	}

	@Override
	public ClientPolicy forService(String serviceId) {
		return this.source.forService(serviceId);
	}

	/**
	 * @param source where policies come from from now on
	 */
	public void source(ClientPolicies source) {
		this.source = Objects.requireNonNull(source, "source");
	}

}
