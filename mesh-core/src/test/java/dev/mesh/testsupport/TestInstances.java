package dev.mesh.testsupport;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * Registry entries of service {@code inventory} for the balancing tests: weight 1, and
 * the zone, start time and version each test needs.
 */
public final class TestInstances {

	private TestInstances() {
	}

	/**
	 * @param id the instance id (its host is {@code <id>.local})
	 * @param zone its zone, or {@code null}
	 * @param startedAt when it started ({@code started-at}), or {@code null}
	 * @param version its version, or {@code null}
	 * @return the registry entry
	 */
	public static ServiceInstance inventory(String id, String zone, Instant startedAt, String version) {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("weight", "1");
		if (zone != null) {
			metadata.put("zone", zone);
		}
		if (startedAt != null) {
			metadata.put("started-at", startedAt.toString());
		}
		if (version != null) {
			metadata.put("version", version);
		}
		return new DefaultServiceInstance(id, "inventory", id + ".local", 8080, false, metadata);
	}

}
