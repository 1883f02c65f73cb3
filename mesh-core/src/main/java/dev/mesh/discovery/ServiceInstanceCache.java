package dev.mesh.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The cached instance list of every service a mesh client calls. A background thread
 * refreshes the lists every {@code mesh.discovery.refresh-interval} and at once on a
 * registry change event (Spring Cloud Consul's catalog watch publishes one per change),
 * so a request never waits for the registry and a departed instance stops getting picks
 * within about a second. When the registry cannot be reached the last known list is kept.
 *
 * <p>
 * A registry that fails is not asked again at once: each service's first failure starts
 * an exponential backoff ({@link RegistryBackoff}, 100 ms doubling up to 10 s) that
 * background refreshes and callers both respect, and a registry change event (which means
 * the registry answers again) ends it. Only one thread queries the registry for a service
 * at a time. A caller whose service was never loaded waits for the first query, its own
 * or one already in progress, at most as long as it says (the query runs on a loader
 * thread, so a hung registry cannot hold the call longer), but once a query has failed
 * nobody waits: the callers fail fast with {@link #loadFailure(String) the registry's
 * error} until a query succeeds.
 */
public final class ServiceInstanceCache implements SmartLifecycle, ApplicationListener<HeartbeatEvent> {

	private static final Log logger = LogFactory.getLog(ServiceInstanceCache.class);

	/**
	 * Most instances of one service taken from the registry; the rest of a longer list is
	 * left out. A registry (or whoever can write to it) can list any number, and building
	 * the pickers costs {@code O(cycle length × instances)} (weighted round robin's cycle
	 * is at least one pick per instance), so 100,000 entries would keep the discovery
	 * thread, or the first caller, busy for minutes.
	 */
	public static final int MAX_INSTANCES_PER_SERVICE = 5_000;

	private final DiscoveryClient discoveryClient;

	private final Duration refreshInterval;

	private final MeshClock clock;

	private final MeshInstanceFactory instanceFactory;

	private final ConcurrentMap<String, ServiceEntry> services = new ConcurrentHashMap<>();

	/**
	 * Runs first queries that callers wait for with a time limit; a thread per service
	 * being loaded.
	 */
	private final ExecutorService loader = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "mesh-discovery-load");
		thread.setDaemon(true);
		return thread;
	});

	private volatile ScheduledExecutorService scheduler;

	/** Tasks scheduled while the cache was not running; they run as soon as it starts. */
	private final List<Runnable> pending = new ArrayList<>();

	/**
	 * Creates a cache over a discovery client.
	 * @param discoveryClient where instances come from (usually Spring Cloud's composite
	 * client)
	 * @param refreshInterval how often every watched service is refreshed in the
	 * background
	 */
	public ServiceInstanceCache(DiscoveryClient discoveryClient, Duration refreshInterval) {
		this(discoveryClient, refreshInterval, MeshClock.system());
	}

	/**
	 * Creates a cache over a discovery client, with the clock it reads.
	 * @param discoveryClient where instances come from (usually Spring Cloud's composite
	 * client)
	 * @param refreshInterval how often every watched service is refreshed in the
	 * background
	 * @param clock the clock: its wall time is what published start times in the future
	 * are clamped to, its monotonic time times the backoff after a registry failure
	 */
	public ServiceInstanceCache(DiscoveryClient discoveryClient, Duration refreshInterval, MeshClock clock) {
		this.discoveryClient = discoveryClient;
		this.refreshInterval = refreshInterval;
		this.instanceFactory = new MeshInstanceFactory(clock.wall());
		this.clock = clock;
	}

	/**
	 * Watches a service: the listener is called on the refreshing thread with the new
	 * list every time the service's instances change (not when a refresh finds them
	 * unchanged).
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
	 * Returns the cached instances of a service, loading them once from the registry if
	 * this service was never loaded (unless another thread is loading it, or the registry
	 * failed and is backing off).
	 * @param serviceId the service
	 * @return the unmodifiable instance list, possibly empty
	 */
	public List<MeshInstance> instances(String serviceId) {
		ensureLoaded(serviceId, Duration.ZERO);
		return this.services.get(serviceId).instances;
	}

	/**
	 * Loads a service from the registry now if it was never loaded, as
	 * {@link #ensureLoaded(String, Duration)} without waiting for another thread's query.
	 * @param serviceId the service
	 * @return whether the service has been loaded at least once
	 */
	public boolean ensureLoaded(String serviceId) {
		return ensureLoaded(serviceId, Duration.ZERO);
	}

	/**
	 * Loads a service from the registry now if it was never loaded, unless the registry
	 * failed and is backing off, or another thread is querying it after a failure: then
	 * it returns at once. While nothing has failed yet, it waits for another thread's
	 * first query at most {@code maxWait}.
	 * @param serviceId the service
	 * @param maxWait how long to wait for a first query of another thread
	 * @return whether the service has been loaded at least once
	 */
	public boolean ensureLoaded(String serviceId, Duration maxWait) {
		ServiceEntry entry = this.services.computeIfAbsent(serviceId, ServiceEntry::new);
		if (!entry.loaded) {
			long waitNanos = maxWait.isNegative() ? 0 : maxWait.toNanos();
			if (waitNanos == 0) {
				query(entry, false, true, 0);
			}
			else {
				awaitFirstLoad(entry, waitNanos);
			}
		}
		return entry.loaded;
	}

	/**
	 * Runs a service's first query on a loader thread and waits for it at most
	 * {@code waitNanos}: the registry client's own timeout (Consul's can be minutes) must
	 * not hold a call past its timeout. A query left running still fills the cache for
	 * the calls after it. One query per service at a time; while a query has failed only
	 * the caller that starts the next one waits for it.
	 */
	private void awaitFirstLoad(ServiceEntry entry, long waitNanos) {
		CompletableFuture<Void> load;
		boolean started = false;
		synchronized (entry.firstLoadLock) {
			load = entry.firstLoad;
			if (load == null || load.isDone()) {
				if (!entry.backoff.mayQuery(this.clock.nanoTime())) {
					return;
				}
				try {
					// waits for a query in progress (the background refresh's) as long as
					// the caller waits
					load = CompletableFuture.runAsync(() -> query(entry, false, true, waitNanos), this.loader);
				}
				catch (RejectedExecutionException ex) {
					// stopped: query on this thread, as before the loader existed
					load = null;
				}
				entry.firstLoad = load;
				started = true;
			}
		}
		if (load == null) {
			query(entry, false, true, waitNanos);
			return;
		}
		if (!started && entry.backoff.failing()) {
			return;
		}
		try {
			load.get(waitNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// the query records its own failure; one that outlives the wait carries on
			// for later calls
		}
	}

	/**
	 * Why a service that was never loaded has no instances: the registry's error (type
	 * and message, without credentials) and when it will be asked again.
	 * @param serviceId the service
	 * @return the description, or {@code null} when the service is loaded or no query has
	 * failed
	 */
	public String loadFailure(String serviceId) {
		ServiceEntry entry = this.services.get(serviceId);
		if (entry == null || entry.loaded) {
			return null;
		}
		return entry.backoff.describe(this.clock.nanoTime());
	}

	/**
	 * Refreshes every watched service now, on the calling thread, also one whose registry
	 * queries are backing off after a failure; skips a service another thread is
	 * querying.
	 */
	public void refreshAll() {
		refreshAll(true);
	}

	private void refreshAll(boolean force) {
		for (ServiceEntry entry : this.services.values()) {
			query(entry, force, false, 0);
		}
	}

	/**
	 * Asks the background thread to refresh every watched service as soon as it can, also
	 * one whose registry queries are backing off: a change event means the registry
	 * answers again.
	 */
	public void requestRefresh() {
		ScheduledExecutorService current = this.scheduler;
		if (current != null) {
			try {
				current.execute(() -> refreshAllQuietly(true));
			}
			catch (RejectedExecutionException ex) {
				// stopping: nothing left to refresh for
			}
		}
	}

	/**
	 * Runs a task once on the discovery thread after a delay, for watchers that must
	 * recompute what they derived from an instance list as time passes (slow start), on
	 * the same thread that delivers new lists. A task scheduled before the cache starts
	 * runs when it starts; one scheduled while it stops is dropped.
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

	/**
	 * A registry change event (Spring Cloud Consul's catalog watch sends one per change).
	 */
	@Override
	public void onApplicationEvent(HeartbeatEvent event) {
		requestRefresh();
	}

	/**
	 * Queries the registry for one service, unless it is backing off after a failure or
	 * another thread is querying it.
	 * @param force query also while backing off
	 * @param firstLoad skip the query if the service is loaded by the time this thread
	 * may query it
	 * @param waitNanos how long to wait for another thread's query while no query has
	 * failed
	 */
	private void query(ServiceEntry entry, boolean force, boolean firstLoad, long waitNanos) {
		if (!force && !entry.backoff.mayQuery(this.clock.nanoTime())) {
			return;
		}
		if (!lock(entry, waitNanos)) {
			return;
		}
		try {
			if ((firstLoad && entry.loaded) || (!force && !entry.backoff.mayQuery(this.clock.nanoTime()))) {
				return;
			}
			List<ServiceInstance> found;
			try {
				found = this.discoveryClient.getInstances(entry.serviceId);
			}
			catch (Throwable ex) {
				if (RegistryBackoff.interrupted(ex)) {
					// the caller gave up (its deadline, its interrupt): no news about the
					// registry
					return;
				}
				if (!entry.backoff.failing()) {
					logger.warn("Could not refresh instances of service '" + entry.serviceId
							+ "'; keeping the last known " + entry.instances.size()
							+ " instance(s) and asking the registry again with backoff: "
							+ RegistryBackoff.describe(ex));
				}
				entry.backoff.failed(ex, this.clock.nanoTime());
				if (ex instanceof VirtualMachineError error && !(ex instanceof StackOverflowError)) {
					throw error;
				}
				return;
			}
			if (entry.backoff.failing()) {
				logger.info("Instances of service '" + entry.serviceId + "' are read from the registry again");
			}
			entry.backoff.succeeded();
			update(entry, (found != null) ? found : List.of());
		}
		finally {
			entry.queryLock.unlock();
		}
	}

	/**
	 * Takes the right to query a service. Nobody waits once a query has failed (the
	 * registry is down: waiting would make every caller as slow as the failing query).
	 */
	private static boolean lock(ServiceEntry entry, long waitNanos) {
		if (waitNanos <= 0 || entry.backoff.failing()) {
			return entry.queryLock.tryLock();
		}
		try {
			return entry.queryLock.tryLock(waitNanos, TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void update(ServiceEntry entry, List<ServiceInstance> found) {
		synchronized (entry) {
			List<MeshInstance> updated = merge(entry, found);
			entry.loaded = true;
			if (updated != null) {
				entry.instances = updated;
				for (Consumer<List<MeshInstance>> listener : entry.listeners) {
					try {
						listener.accept(updated);
					}
					catch (RuntimeException ex) {
						// one watcher's failure must not keep the list from the others,
						// or fail the refresh
						logger.warn(
								"A watcher of service '" + entry.serviceId + "' failed to take its new instance list",
								ex);
					}
				}
			}
		}
	}

	/**
	 * @return the new list, or {@code null} when nothing changed
	 */
	private List<MeshInstance> merge(ServiceEntry entry, List<ServiceInstance> found) {
		Map<String, MeshInstance> previous = entry.byId;
		Map<String, ServiceInstance> previouslyRejected = entry.rejected;
		Map<String, MeshInstance> byId = new HashMap<>();
		Map<String, ServiceInstance> rejected = new HashMap<>();
		List<MeshInstance> list = new ArrayList<>();
		boolean changed = !entry.loaded;
		warnIfTooMany(entry, found.size());
		for (ServiceInstance serviceInstance : found) {
			if (list.size() == MAX_INSTANCES_PER_SERVICE) {
				break;
			}
			if (serviceInstance == null) {
				continue;
			}
			// the first of instances with the same id wins
			String id = MeshInstance.idOf(serviceInstance);
			if (byId.containsKey(id) || rejected.containsKey(id)) {
				continue;
			}
			MeshInstance known = previous.get(id);
			MeshInstance instance;
			if (known != null && known.sameRegistration(serviceInstance)) {
				instance = known;
			}
			else {
				instance = create(serviceInstance, previouslyRejected.get(id));
				if (instance == null) {
					rejected.put(id, serviceInstance);
					continue;
				}
				changed = true;
			}
			byId.put(id, instance);
			list.add(instance);
		}
		entry.rejected = rejected;
		if (!changed && byId.size() == previous.size()) {
			return null;
		}
		entry.byId = byId;
		return Collections.unmodifiableList(list);
	}

	/**
	 * Warns once when a service's list grows past {@link #MAX_INSTANCES_PER_SERVICE}, and
	 * again after it shrank.
	 */
	private static void warnIfTooMany(ServiceEntry entry, int listed) {
		boolean tooMany = listed > MAX_INSTANCES_PER_SERVICE;
		if (tooMany && !entry.tooMany) {
			logger.warn("The registry lists " + listed + " instances of service '" + entry.serviceId
					+ "'; using the first " + MAX_INSTANCES_PER_SERVICE + " usable ones in the registry's order");
		}
		entry.tooMany = tooMany;
	}

	/**
	 * Creates an instance's view, or rejects the instance: one bad registration must not
	 * keep the others from being used, nor fail the refresh. A rejection is logged once
	 * per registration.
	 * @param lastRejected this id's registration rejected by the previous refresh, or
	 * {@code null}
	 * @return the view, or {@code null} when the instance is rejected
	 */
	private MeshInstance create(ServiceInstance serviceInstance, ServiceInstance lastRejected) {
		try {
			return this.instanceFactory.create(serviceInstance);
		}
		catch (RuntimeException ex) {
			if (lastRejected == null || !MeshInstanceFactory.sameRegistration(lastRejected, serviceInstance)) {
				logger.warn(ex.getMessage());
			}
			return null;
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "mesh-discovery");
			thread.setDaemon(true);
			return thread;
		});
		long period = this.refreshInterval.toMillis();
		executor.scheduleWithFixedDelay(() -> refreshAllQuietly(false), 0, period, TimeUnit.MILLISECONDS);
		synchronized (this.pending) {
			this.scheduler = executor;
			this.pending.forEach(executor::execute);
			this.pending.clear();
		}
	}

	/**
	 * Refreshes on the discovery thread; catches everything, or the periodic refresh
	 * would stop for good.
	 */
	private void refreshAllQuietly(boolean force) {
		try {
			refreshAll(force);
		}
		catch (Throwable ex) {
			logger.warn("Instance refresh failed", ex);
		}
	}

	@Override
	public void stop() {
		this.loader.shutdownNow();
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

		/** Held by the one thread querying the registry for this service. */
		final ReentrantLock queryLock = new ReentrantLock();

		final RegistryBackoff backoff = new RegistryBackoff();

		final Object firstLoadLock = new Object();

		/**
		 * The first query callers wait for, or {@code null}; guarded by firstLoadLock.
		 */
		CompletableFuture<Void> firstLoad;

		/** Guarded by this. */
		Map<String, MeshInstance> byId = Map.of();

		/**
		 * Registrations the last refresh left out, by id, so each is logged once; guarded
		 * by this.
		 */
		Map<String, ServiceInstance> rejected = Map.of();

		/**
		 * Whether the last list was longer than {@link #MAX_INSTANCES_PER_SERVICE};
		 * guarded by this.
		 */
		boolean tooMany;

		ServiceEntry(String serviceId) {
			this.serviceId = serviceId;
		}

	}

}
