package dev.mesh.autoconfigure;

import dev.mesh.client.InvalidMeshClientException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@code @MeshClient} bean that cannot be made into a mesh client, naming the
 * bean and the value it gave.
 */
class InvalidMeshClientFailureAnalyzer extends AbstractFailureAnalyzer<InvalidMeshClientException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidMeshClientException cause) {
		String description = String.format("Bean '%s' is annotated @MeshClient(\"%s\"), which is not usable:%n%n    %s",
				cause.getBeanName(), cause.getValue(), cause.getMessage());
		String action = String.format("Give @MeshClient on bean '%s' the id of the service it calls, as registered"
				+ " in discovery, for example @MeshClient(\"inventory\").", cause.getBeanName());
		return new FailureAnalysis(description, action, cause);
	}

}
