package dev.mesh.observability;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the {@code mesh} health component reports: this instance's registration and, per
 * client, instances total, available and ejected, and the circuit breaker's state when it
 * has one. A called service with no available instance shows in the details but does not
 * make this instance DOWN (Consul would otherwise deregister healthy callers because a
 * callee is down), unless {@code mesh.health.downstream-affects-status} is set. Kept
 * apart from Boot's health API, which each Boot line has in its own package (see
 * {@code MeshHealthIndicator}).
 *
 * @param down whether this instance is DOWN
 * @param registration this instance's registration details
 * @param clients the details of each client, by service
 */
public record MeshHealthReport(boolean down, Map<String, Object> registration, Map<String, Object> clients) {

	/**
	 * The report as of now.
	 * @param clients the mesh clients
	 * @param registration this instance's registration details
	 * @param downstreamAffectsStatus whether a called service without available instances
	 * makes this DOWN
	 * @return the report
	 */
	public static MeshHealthReport of(MeshClientsView clients, Supplier<Map<String, Object>> registration,
			boolean downstreamAffectsStatus) {
		Map<String, Object> clientDetails = new LinkedHashMap<>();
		boolean downstreamUnavailable = false;
		for (ClientSnapshot client : clients.clients()) {
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("total", client.instances().size());
			detail.put("available", client.available());
			detail.put("ejected", client.ejected());
			detail.put("panic", client.panic());
			if (client.circuitState() != null) {
				detail.put("circuit", client.circuitState());
			}
			String status = (client.instances().isEmpty() || client.available() == 0 && !client.panic()) ? "UNAVAILABLE"
					: "UP";
			detail.put("status", status);
			downstreamUnavailable |= status.equals("UNAVAILABLE");
			clientDetails.put(client.service(), detail);
		}
		return new MeshHealthReport(downstreamUnavailable && downstreamAffectsStatus, registration.get(),
				Collections.unmodifiableMap(clientDetails));
	}

}
