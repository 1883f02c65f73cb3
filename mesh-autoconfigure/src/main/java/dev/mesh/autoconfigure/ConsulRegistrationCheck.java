package dev.mesh.autoconfigure;

import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says clearly, once, that this instance is not in Consul when Spring Cloud Consul could
 * not register it at startup and {@code spring.cloud.consul.discovery.fail-fast=false}
 * let the service start anyway. Spring Cloud Consul then logs its own error and does not
 * register again by itself (only with TTL heartbeats and
 * {@code heartbeat.reregister-service-on-failure}), so the instance serves nobody who
 * discovers it through Consul; an operator needs to know that, in words.
 *
 * <p>
 * Spring Cloud announces the registration ({@link InstanceRegisteredEvent}) whether or
 * not it worked, so the check asks the agent for the instance's status once, on its own
 * daemon thread: an agent that hangs must not hold up the startup that announced it. It
 * tells only whether an agent answered (Spring Cloud Consul's status read does not look
 * for the instance), which covers an agent that is down or at the wrong address. Written
 * by hand because neither Spring Cloud nor Consul's client reports a registration that
 * failed after the fact.
 */
final class ConsulRegistrationCheck implements ApplicationListener<InstanceRegisteredEvent<?>> {

	private static final Log logger = LogFactory.getLog(ConsulRegistrationCheck.class);

	private final Supplier<Object> status;

	private final Supplier<String> agent;

	private volatile boolean checked;

	/**
	 * @param status reads this instance's status from the agent, throwing when the agent
	 * cannot be reached
	 * @param agent the agent's address, for the message
	 */
	ConsulRegistrationCheck(Supplier<Object> status, Supplier<String> agent) {
		this.status = status;
		this.agent = agent;
	}

	@Override
	public void onApplicationEvent(InstanceRegisteredEvent<?> event) {
		if (this.checked) {
			return;
		}
		this.checked = true;
		Thread thread = new Thread(this::check, "mesh-consul-registration-check");
		thread.setDaemon(true);
		thread.start();
	}

	void check() {
		try {
			this.status.get();
		}
		catch (RuntimeException ex) {
			logger.warn("This instance is NOT registered in Consul: no agent answered at " + this.agent.get() + " ("
					+ ex.getClass().getSimpleName() + "). It started anyway because "
					+ "spring.cloud.consul.discovery.fail-fast=false, but callers that discover it through Consul "
					+ "will not find it until it registers again (a restart with Consul up). Check "
					+ "spring.cloud.consul.host and spring.cloud.consul.port.");
		}
	}

}
