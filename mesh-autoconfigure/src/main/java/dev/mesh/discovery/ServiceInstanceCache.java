package dev.mesh.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The cached instance list of every service a mesh client calls. A background thread refreshes the
 * lists every {@code mesh.discovery.refresh-interval} and at once on a registry change event (Spring
 * Cloud Consul's catalog watch publishes one per change), so a request never waits for the registry
 * and a departed instance stops getting picks within about a second. When the registry cannot be
 * reached the last known list is kept.
 */
public final class ServiceInstanceCache implements SmartLifecycle, ApplicationListener<HeartbeatEvent> {

	private static final Log logger = LogFactory.getLog(ServiceInstanceCache.class);

	private final DiscoveryClient discoveryClient;

	private final Duration refreshInterval;

	private final MeshInstanceFactory instanceFactory = new MeshInstanceFactory();

	private final ConcurrentMap<String, ServiceEntry> services = new ConcurrentHashMap<>();

	private volatile ScheduledExecutorService scheduler;

	/** Tasks scheduled while the cache was not running; they run as soon as it starts. */
	private final List<Runnable> pending = new ArrayList<>();

	/**
	 * Creates a cache over a discovery client.
	 * @param discoveryClient where instances come from (usually Spring Cloud's composite client)
	 * @param refreshInterval how often every watched service is refreshed in the background
	 */
	public ServiceInstanceCache(DiscoveryClient discoveryClient, Duration refreshInterval) {
		this.discoveryClient = discoveryClient;
		this.refreshInterval = refreshInterval;
	}

	/**
	 * Watches a service: the listener is called on the refreshing thread with the new list every time
	 * the service's instances change (not when a refresh finds them unchanged).
	 * @param serviceId the service
	 * @param listener receives the new, unmodifiable instance list
	 */
	public void watch(String serviceId, Consumer<List<MeshInstance>> listener) {
		ServiceEntry entry = this.services.computeIfAbsent(serviceId, ServiceEntry::new);
		synchronized (entry) {
			entry.listeners.add(listener);
			if (entry.loaded) {
				listener.accept(entry.instances);
			}
		}
	}

	/**
	 * Returns the cached instances of a service, loading them once from the registry if this service
	 * was never loaded.
	 * @param serviceId the service
	 * @return the unmodifiable instance list, possibly empty
	 */
	public List<MeshInstance> instances(String serviceId) {
		ServiceEntry entry = this.services.computeIfAbsent(serviceId, ServiceEntry::new);
		if (!entry.loaded) {
			refresh(entry);
		}
		return entry.instances;
	}

	/**
	 * Loads a service from the registry now if it was never loaded.
	 * @param serviceId the service
	 * @return whether the service has been loaded at least once
	 */
	public boolean ensureLoaded(String serviceId) {
		ServiceEntry entry = this.services.computeIfAbsent(serviceId, ServiceEntry::new);
		if (!entry.loaded) {
			refresh(entry);
		}
		return entry.loaded;
	}

	/** Refreshes every watched service now, on the calling thread. */
	public void refreshAll() {
		for (ServiceEntry entry : this.services.values()) {
			refresh(entry);
		}
	}

	/** Asks the background thread to refresh every watched service as soon as it can. */
	public void requestRefresh() {
		ScheduledExecutorService current = this.scheduler;
		if (current != null) {
			try {
				current.execute(this::refreshAllQuietly);
			}
			catch (RejectedExecutionException ex) {
				// stopping: nothing left to refresh for
			}
		}
	}

	/**
	 * Runs a task once on the discovery thread after a delay, for watchers that must recompute what
	 * they derived from an instance list as time passes (slow start), on the same thread that
	 * delivers new lists. A task scheduled before the cache starts runs when it starts; one scheduled
	 * while it stops is dropped.
	 * @param task the task; a runtime exception it throws is logged
	 * @param delay how long to wait first
	 */
	public void schedule(Runnable task, Duration delay) {
		Runnable quiet = () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				logger.warn("Scheduled discovery task failed", ex);
			}
		};
		ScheduledExecutorService current;
		synchronized (this.pending) {
			current = this.scheduler;
			if (current == null) {
				this.pending.add(quiet);
				return;
			}
		}
		try {
			current.schedule(quiet, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopping: nothing left to recompute for
		}
	}

	/** A registry change event (Spring Cloud Consul's catalog watch sends one per change). */
	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		requestRefresh();
	}

	private void refresh(ServiceEntry entry) {
		synchronized (entry) {
			List<ServiceInstance> found;
			try {
				found = this.discoveryClient.getInstances(entry.serviceId);
			}
			catch (RuntimeException ex) {
				if (!entry.failing) {
					logger.warn("Could not refresh instances of service '" + entry.serviceId
							+ "'; keeping the last known " + entry.instances.size() + " instance(s)", ex);
				}
				entry.failing = true;
				return;
			}
			entry.failing = false;
			List<MeshInstance> updated = merge(entry, (found != null) ? found : List.of());
			entry.loaded = true;
			if (updated != null) {
				entry.instances = updated;
				for (Consumer<List<MeshInstance>> listener : entry.listeners) {
					listener.accept(updated);
				}
			}
		}
	}

	/** @return the new list, or {@code null} when nothing changed */
	private List<MeshInstance> merge(ServiceEntry entry, List<ServiceInstance> found) {
		Map<String, MeshInstance> previous = entry.byId;
		Map<String, MeshInstance> byId = new HashMap<>(found.size() * 2);
		List<MeshInstance> list = new ArrayList<>(found.size());
		boolean changed = found.size() != previous.size() || !entry.loaded;
		for (ServiceInstance serviceInstance : found) {
			String id = MeshInstance.idOf(serviceInstance);
			if (byId.containsKey(id)) {
				continue;
			}
			MeshInstance known = previous.get(id);
			MeshInstance instance;
			if (known != null && known.sameRegistration(serviceInstance)) {
				instance = known;
			}
			else {
				instance = this.instanceFactory.create(serviceInstance);
				changed = true;
			}
			byId.put(id, instance);
			list.add(instance);
		}
		if (!changed) {
			return null;
		}
		entry.byId = byId;
		return Collections.unmodifiableList(list);
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "mesh-discovery");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.refreshInterval.toMillis();
		executor.scheduleWithFixedDelay(this::refreshAllQuietly, 0, period, TimeUnit.MILLISECONDS);
		synchronized (this.pending) {
			this.scheduler = executor;
			this.pending.forEach(executor::execute);
			this.pending.clear();
		}
	}

	private void refreshAllQuietly() {
		try {
			refreshAll();
		}
		catch (RuntimeException ex) {
			logger.warn("Instance refresh failed", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService current = this.scheduler;
		this.scheduler = null;
		if (current != null) {
			current.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	private static final class ServiceEntry {

		final String serviceId;

		final List<Consumer<List<MeshInstance>>> listeners = new CopyOnWriteArrayList<>();

		volatile List<MeshInstance> instances = List.of();

		volatile boolean loaded;

		Map<String, MeshInstance> byId = Map.of();

		boolean failing;

		ServiceEntry(String serviceId) {
			this.serviceId = serviceId;
		}

	}

}
