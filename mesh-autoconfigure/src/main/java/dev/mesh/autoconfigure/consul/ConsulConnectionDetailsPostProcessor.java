package dev.mesh.autoconfigure.consul;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cloud.consul.ConsulProperties;

/**
 * Sets the host and port of every {@link ConsulProperties} bean from
 * {@link ConsulConnectionDetails}, after the properties were bound, so the connection
 * details win over {@code spring.cloud.consul.host}/{@code port} (an application's
 * {@code application.yml} commonly sets them). Does nothing without connection details.
 */
final class ConsulConnectionDetailsPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<ConsulConnectionDetails> connectionDetails;

	ConsulConnectionDetailsPostProcessor(ObjectProvider<ConsulConnectionDetails> connectionDetails) {
		this.connectionDetails = connectionDetails;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof ConsulProperties properties) {
			ConsulConnectionDetails details = this.connectionDetails.getIfUnique();
			if (details != null) {
				properties.setHost(details.getHost());
				properties.setPort(details.getPort());
			}
		}
		return bean;
	}

}
