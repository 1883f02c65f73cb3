package dev.mesh.autoconfigure;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.mesh.client.ClientPolicies;
import dev.mesh.client.ClientPolicy;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.client.RefreshingClientPolicies;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Makes running mesh clients follow changed {@code mesh.clients.<service>.*} and
 * {@code mesh.client-defaults.*} values: on Spring Cloud's {@link EnvironmentChangeEvent}
 * (Consul config, {@code /actuator/refresh}, a bus event) it binds the mesh properties
 * afresh from the environment and gives the clients of the services concerned their new
 * policy. Calls that start from then on use the new {@code timeout},
 * {@code per-attempt-timeout}, {@code retry.*} and {@code outlier.*}; calls in flight
 * finish on the old policy. A changed setting that cannot change live logs one WARN
 * naming it; a bad value changes nothing and logs one ERROR naming the property, the
 * value and what is allowed.
 */
final class MeshClientPolicyRefresher implements ApplicationListener<EnvironmentChangeEvent> {

	private static final Log logger = LogFactory.getLog(MeshClientPolicyRefresher.class);

	private static final ConfigurationPropertyName CLIENTS = ClientDefaultsBindHandler.CLIENTS;

	private static final ConfigurationPropertyName CLIENT_DEFAULTS = ClientDefaultsBindHandler.CLIENT_DEFAULTS;

	private final Environment environment;

	private final ObjectProvider<ClientPolicies> policies;

	private final ObjectProvider<MeshClientFactory> factory;

	MeshClientPolicyRefresher(Environment environment, ObjectProvider<ClientPolicies> policies,
			ObjectProvider<MeshClientFactory> factory) {
		this.environment = environment;
		this.policies = policies;
		this.factory = factory;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		// an application's own ClientPolicies does not come from the properties
		if (this.policies.getIfUnique() instanceof RefreshingClientPolicies refreshing) {
			MeshClientFactory factory = this.factory.getIfUnique();
			if (factory != null) {
				refresh(event.getKeys(), refreshing, factory);
			}
		}
	}

	/**
	 * Applies the environment's client settings to the clients the changed keys concern;
	 * one refresh at a time, so two quick events apply in order.
	 * @param keys the changed keys
	 * @param policies where clients made later take their policy from
	 * @param factory the clients
	 */
	synchronized void refresh(Set<String> keys, RefreshingClientPolicies policies, MeshClientFactory factory) {
		boolean all = false;
		Set<String> services = new LinkedHashSet<>();
		for (String key : keys) {
			ConfigurationPropertyName name = ConfigurationPropertyName.adapt(key, '.');
			if (CLIENT_DEFAULTS.isAncestorOf(name)) {
				all = true;
			}
			else if (CLIENTS.isAncestorOf(name)) {
				services.add(name.getElement(2, ConfigurationPropertyName.Form.ORIGINAL));
			}
		}
		if (!all && services.isEmpty()) {
			return;
		}
		Map<String, ClientPolicy> next = new LinkedHashMap<>();
		MeshProperties fresh;
		try {
			fresh = MeshProperties.bind(Binder.get(this.environment));
			String refused = fresh.clientsProblem();
			if (refused != null) {
				throw new IllegalArgumentException(refused);
			}
			for (String service : factory.services()) {
				if (all || services.contains(service)) {
					next.put(service, fresh.clientPolicy(service));
				}
			}
		}
		catch (BindException ex) {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(ex);
			logger.error("Mesh client settings not changed, every client keeps its policy. "
					+ ((analysis != null) ? analysis.getDescription() + analysis.getAction() : ex.getMessage()));
			return;
		}
		catch (RuntimeException ex) {
			logger.error("Mesh client settings not changed, every client keeps its policy: " + ex.getMessage());
			return;
		}
		policies.source(fresh::clientPolicy);
		next.forEach((service, policy) -> {
			ClientPolicy before = factory.policy(service);
			List<String> restartNeeded = factory.update(service, policy);
			ClientPolicy after = factory.policy(service);
			if (!after.equals(before)) {
				logger.info("Mesh client of '" + service + "' now uses timeout " + after.timeout()
						+ ", per-attempt-timeout " + after.perAttemptTimeout() + ", retry " + after.retry()
						+ ", outlier " + after.outlier() + ", overload " + after.overload() + ", versions "
						+ after.versions() + " for calls that start from now on");
			}
			for (String property : restartNeeded) {
				logger.warn("mesh.clients." + service + "." + property + " (or mesh.client-defaults." + property
						+ ") changed, but takes effect only after a restart; the client of '" + service
						+ "' keeps its current value until then");
			}
		});
	}

}
