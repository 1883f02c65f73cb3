package dev.mesh.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code mesh} ({@code /actuator/mesh}): this instance's registration,
 * and per client the policy in effect, the retry budget, token status (never a token or
 * secret) and every instance with its weight, zone, version, ejection, latency estimate,
 * in-flight, request and error counts. Exposed only as the user exposes actuator
 * endpoints.
 */
@Endpoint(id = "mesh")
public class MeshEndpoint {

	private final MeshClientsView clients;

	private final Supplier<Map<String, Object>> self;

	/**
	 * @param clients the mesh clients
	 * @param self this instance's registration details
	 */
	public MeshEndpoint(MeshClientsView clients, Supplier<Map<String, Object>> self) {
		this.clients = clients;
		this.self = self;
	}

	/**
	 * @return the mesh as this instance sees it
	 */
	@ReadOperation
	public MeshDescriptor mesh() {
		Map<String, ClientSnapshot> byService = new LinkedHashMap<>();
		for (ClientSnapshot client : this.clients.clients()) {
			byService.put(client.service(), client);
		}
		return new MeshDescriptor(this.self.get(), byService);
	}

	/**
	 * The endpoint's JSON.
	 *
	 * @param self this instance's registration
	 * @param clients each client by service id
	 */
	public record MeshDescriptor(Map<String, Object> self, Map<String, ClientSnapshot> clients) {
	}

}
