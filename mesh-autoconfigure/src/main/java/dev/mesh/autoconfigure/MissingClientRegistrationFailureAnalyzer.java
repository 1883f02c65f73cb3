package dev.mesh.autoconfigure;

import dev.mesh.security.MissingClientRegistrationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a mesh client that must attach OAuth2 tokens but has no usable client
 * registration, showing the properties to add.
 */
class MissingClientRegistrationFailureAnalyzer extends AbstractFailureAnalyzer<MissingClientRegistrationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingClientRegistrationException cause) {
		String id = cause.getRegistrationId();
		String action = String.format("Configure a client_credentials registration named '%s', for example:%n%n"
				+ "    spring.security.oauth2.client.registration.%1$s.client-id=<this service's client id>%n"
				+ "    spring.security.oauth2.client.registration.%1$s.client-secret=<its secret>%n"
				+ "    spring.security.oauth2.client.registration.%1$s.authorization-grant-type=client_credentials%n"
				+ "    spring.security.oauth2.client.registration.%1$s.scope=%2$s.read,%2$s.write%n"
				+ "    spring.security.oauth2.client.provider.%1$s.token-uri=http://localhost:9000/oauth2/token%n%n"
				+ "or name another registration with mesh.clients.%2$s.oauth2.registration-id, "
				+ "or send calls without tokens with mesh.clients.%2$s.oauth2.enabled=false.", id,
				cause.getServiceId());
		return new FailureAnalysis(cause.getMessage() + ".", action, cause);
	}

}
