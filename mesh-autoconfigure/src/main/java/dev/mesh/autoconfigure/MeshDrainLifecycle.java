package dev.mesh.autoconfigure;

import dev.mesh.shutdown.DrainCoordinator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link DrainCoordinator drain} when the application context stops, before the
 * web server's graceful shutdown: its phase is one above Spring Boot's
 * {@code WebServerGracefulShutdownLifecycle}
 * ({@code SmartLifecycle.DEFAULT_PHASE - 1024}) and stopping goes from the highest phase
 * down, so the server still takes requests while callers learn that this instance is
 * going away, and then finishes those in flight.
 *
 * <p>
 * Leaving the registry uses Spring Cloud's own registration: the auto-registration's
 * {@code stop()} when there is one (Spring Cloud Consul's), which deregisters once and
 * keeps its own shutdown from deregistering again, else
 * {@link ServiceRegistry#deregister(Registration)} when there are a registry and a
 * registration, else nothing (static discovery).
 */
class MeshDrainLifecycle implements SmartLifecycle {

	/** One above {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024 + 1;

	private final DrainCoordinator drain;

	@SuppressWarnings("rawtypes")
	private final ObjectProvider<AbstractAutoServiceRegistration> autoRegistration;

	@SuppressWarnings("rawtypes")
	private final ObjectProvider<ServiceRegistry> registry;

	private final ObjectProvider<Registration> registration;

	private volatile boolean running;

	@SuppressWarnings("rawtypes")
	MeshDrainLifecycle(DrainCoordinator drain, ObjectProvider<AbstractAutoServiceRegistration> autoRegistration,
			ObjectProvider<ServiceRegistry> registry, ObjectProvider<Registration> registration) {
		this.drain = drain;
		this.autoRegistration = autoRegistration;
		this.registry = registry;
		this.registration = registration;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		try {
			this.drain.drain(leaveRegistry());
		}
		finally {
			this.running = false;
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * @return what deregisters this instance, or {@code null} when it is in no registry
	 */
	@SuppressWarnings({ "rawtypes", "unchecked" })
	private Runnable leaveRegistry() {
		AbstractAutoServiceRegistration auto = this.autoRegistration.getIfUnique();
		if (auto != null) {
			// not running: it never registered this instance (or has left already)
			return auto.isRunning() ? auto::stop : null;
		}
		ServiceRegistry registry = this.registry.getIfUnique();
		Registration registration = this.registration.getIfUnique();
		if (registry != null && registration != null) {
			return () -> registry.deregister(registration);
		}
		return null;
	}

}
