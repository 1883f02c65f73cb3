package dev.mesh.sample.inventory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The id of this inventory instance: {@code inventory.instance-id} when set, otherwise
 * the application name and the port the web server actually bound (so
 * {@code server.port=0} still gives a useful id).
 */
@Component
final class InstanceId implements ApplicationListener<WebServerInitializedEvent> {

	private final boolean configured;

	private final String applicationName;

	private volatile String value;

	InstanceId(InventoryProperties properties, @Value("${spring.application.name:inventory}") String applicationName) {
		this.configured = StringUtils.hasText(properties.instanceId());
		this.applicationName = applicationName;
		this.value = this.configured ? properties.instanceId() : applicationName;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		boolean mainServer = event.getApplicationContext().getServerNamespace() == null;
		if (!this.configured && mainServer) {
			this.value = this.applicationName + "-" + event.getWebServer().getPort();
		}
	}

	/**
	 * @return the id of this instance
	 */
	String value() {
		return this.value;
	}

}
