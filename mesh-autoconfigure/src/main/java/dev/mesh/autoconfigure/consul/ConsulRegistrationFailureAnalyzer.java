package dev.mesh.autoconfigure.consul;

import java.io.IOException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.Environment;

/**
 * Explains a startup that failed because Spring Cloud Consul could not register the
 * instance with an agent it cannot reach (connection refused, unknown host, timeout): it
 * names the address tried, the properties that set it, and
 * {@code spring.cloud.consul.discovery.fail-fast}, which lets the service start
 * unregistered instead. Recognized by an I/O failure thrown through Spring Cloud Consul's
 * {@code ConsulServiceRegistry.register}, so it needs no Consul class and applies to both
 * Spring Cloud Consul lines (whose HTTP clients differ).
 */
class ConsulRegistrationFailureAnalyzer extends AbstractFailureAnalyzer<IOException> {

	private static final String REGISTRY = "org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry";

	private final Environment environment;

	ConsulRegistrationFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, IOException cause) {
		if (!thrownByRegistration(rootFailure)) {
			return null;
		}
		String host = this.environment.getProperty("spring.cloud.consul.host", "localhost");
		String port = this.environment.getProperty("spring.cloud.consul.port", "8500");
		String description = "This service could not register with Consul: no agent answered at " + host + ":" + port
				+ " (" + cause.getClass().getSimpleName()
				+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : "") + ").";
		String action = "Start the Consul agent, or point spring.cloud.consul.host and spring.cloud.consul.port (or a "
				+ "ConsulConnectionDetails bean) at a running one. To let the service start while Consul is down, set "
				+ "spring.cloud.consul.discovery.fail-fast=false: it then starts unregistered (callers do not find "
				+ "it until it is restarted with Consul up). Without Consul at all, set spring.cloud.consul.enabled=false "
				+ "and list instances with spring.cloud.discovery.client.simple.instances.";
		return new FailureAnalysis(description, action, cause);
	}

	private static boolean thrownByRegistration(Throwable failure) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			for (StackTraceElement frame : current.getStackTrace()) {
				if (REGISTRY.equals(frame.getClassName()) && "register".equals(frame.getMethodName())) {
					return true;
				}
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return false;
	}

}
