package dev.mesh.autoconfigure.consul;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the Consul agent's HTTP API is. When a bean of this type exists, Spring Cloud
 * Consul talks to this host and port, whatever {@code spring.cloud.consul.host} and
 * {@code port} say (as with Spring Boot's own connection details). A
 * {@code @ServiceConnection ConsulContainer} in a test provides one.
 */
public interface ConsulConnectionDetails extends ConnectionDetails {

	/**
	 * @return host name or address of the Consul agent
	 */
	String getHost();

	/**
	 * @return port of the agent's HTTP API
	 */
	int getPort();

}
