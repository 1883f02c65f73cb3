package dev.mesh.autoconfigure.consul;

import org.testcontainers.consul.ConsulContainer;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * {@link ConsulConnectionDetails} from a {@code @ServiceConnection ConsulContainer}: the
 * container's host and the port mapped to the agent's HTTP port 8500. Registered in
 * {@code META-INF/spring.factories}; it takes effect only where
 * {@code spring-boot-testcontainers}, {@code org.testcontainers:consul} and Spring Cloud
 * Consul are on the classpath (tests, typically).
 */
class ConsulContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<ConsulContainer, ConsulConnectionDetails> {

	private static final int HTTP_PORT = 8500;

	ConsulContainerConnectionDetailsFactory() {
		super(ANY_CONNECTION_NAME, "org.springframework.cloud.consul.ConsulProperties");
	}

	@Override
	protected ConsulConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<ConsulContainer> source) {
		return new ConsulContainerConnectionDetails(source);
	}

	private static final class ConsulContainerConnectionDetails extends ContainerConnectionDetails<ConsulContainer>
			implements ConsulConnectionDetails {

		private ConsulContainerConnectionDetails(ContainerConnectionSource<ConsulContainer> source) {
			super(source);
		}

		@Override
		public String getHost() {
			return getContainer().getHost();
		}

		@Override
		public int getPort() {
			return getContainer().getMappedPort(HTTP_PORT);
		}

	}

}
