package dev.mesh.client;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.observability.ClientSnapshot;
import dev.mesh.observability.MeshClientsControl;
import dev.mesh.security.ServiceTokenSource;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * Makes {@code RestClient} builders into mesh clients of a service. All clients of one
 * service share one route, so they share its picker and the state it keeps about the
 * instances.
 *
 * <p>
 * It owns what the clients hold outside the heap: each service's transport (the HTTP
 * client library's connections and threads, see {@link MeshTransports}) and the one
 * {@link AttemptWatchdog} thread that keeps all their attempts' timeouts, started by the
 * first attempt. {@link #close()}, called by Spring when the application context closes,
 * ends them, so nothing of the mesh outlives its context (a test's, or the one each
 * devtools restart replaces).
 */
public class MeshClientFactory implements MeshClientsControl, AutoCloseable {

	private final ServiceInstanceCache instanceCache;

	private final ClientPolicies policies;

	private final BulkheadRegistry bulkheads;

	private final CircuitBreakerRegistry circuitBreakers;

	private final Function<String, ServiceTokenSource> tokenSources;

	private final AttemptTracer attemptTracer;

	private final MeshClock clock;

	private final ConcurrentMap<String, ServiceRoute> routes = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, MeshClientInterceptor> interceptors = new ConcurrentHashMap<>();

	private final List<Consumer<ServiceRoute>> routeListeners = new CopyOnWriteArrayList<>();

	private final AttemptWatchdog watchdog = new AttemptWatchdog();

	private final MeshTransports transports;

	/**
	 * Request factories Spring Boot put on its builders: its default, not a choice of the
	 * application's.
	 */
	private final Set<ClientHttpRequestFactory> bootDefaults = Collections
		.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	/** Whether {@link #close()} has run; guarded by {@link #routes}. */
	private boolean closed;

	/**
	 * @param instanceCache where instances of each service come from
	 * @param policies the settings of each service's client
	 * @param bulkheads resilience4j's bulkhead registry, so bulkheads can be tuned with
	 * resilience4j's properties and seen in its actuator endpoints
	 * @param circuitBreakers resilience4j's circuit breaker registry, likewise
	 * @param tokenSources the token source of each service, returning {@code null} for a
	 * service whose calls carry no token
	 * @param attemptTracer what traces each attempt (its timers come from
	 * {@link MeshClientMeterBinder})
	 * @param clock what the routes read time from: deadlines, retry budgets, ejections,
	 * latencies and slow start
	 */
	public MeshClientFactory(ServiceInstanceCache instanceCache, ClientPolicies policies, BulkheadRegistry bulkheads,
			CircuitBreakerRegistry circuitBreakers, Function<String, ServiceTokenSource> tokenSources,
			AttemptTracer attemptTracer, MeshClock clock) {
		this(instanceCache, policies, bulkheads, circuitBreakers, tokenSources, attemptTracer, clock,
				MeshTransports.jdk());
	}

	/**
	 * @param instanceCache where instances of each service come from
	 * @param policies the settings of each service's client
	 * @param bulkheads resilience4j's bulkhead registry
	 * @param circuitBreakers resilience4j's circuit breaker registry
	 * @param tokenSources the token source of each service, or {@code null} for a service
	 * without tokens
	 * @param attemptTracer what traces each attempt
	 * @param clock what the routes read time from: deadlines, retry budgets, ejections,
	 * latencies and slow start
	 * @param transports what makes each service's transport
	 */
	public MeshClientFactory(ServiceInstanceCache instanceCache, ClientPolicies policies, BulkheadRegistry bulkheads,
			CircuitBreakerRegistry circuitBreakers, Function<String, ServiceTokenSource> tokenSources,
			AttemptTracer attemptTracer, MeshClock clock, MeshTransports transports) {
		this.transports = transports;
		this.instanceCache = instanceCache;
		this.policies = policies;
		this.bulkheads = bulkheads;
		this.circuitBreakers = circuitBreakers;
		this.tokenSources = tokenSources;
		this.attemptTracer = attemptTracer;
		this.clock = clock;
	}

	/**
	 * @param serviceId a service
	 * @return the name of its client's resilience4j bulkhead and circuit breaker
	 */
	public static String resilience4jName(String serviceId) {
		return "mesh-" + serviceId;
	}

	/**
	 * Adds the mesh pipeline for a service to a builder.
	 * @param builder the builder to configure (Boot's builder keeps its observation
	 * instrumentation)
	 * @param serviceId the service every request goes to
	 * @return the same builder
	 */
	public RestClient.Builder configure(RestClient.Builder builder, String serviceId) {
		ServiceRoute route = route(serviceId);
		MeshClientInterceptor interceptor = this.interceptors.computeIfAbsent(serviceId,
				(id) -> new MeshClientInterceptor(route));
		builder.requestFactory(transportFor(builder, route));
		return builder.requestInterceptors((list) -> {
			if (!list.contains(interceptor)) {
				list.add(interceptor);
			}
		});
	}

	/**
	 * Records a request factory that Spring Boot put on a {@code RestClient.Builder} it
	 * made: a builder that still carries it gets the service's own transport, built from
	 * the same Boot settings, while a factory the application set on its builder is used
	 * as it is.
	 * @param factory the factory
	 */
	public void bootDefault(ClientHttpRequestFactory factory) {
		if (factory != null) {
			this.bootDefaults.add(factory);
		}
	}

	/**
	 * Records the request factory Spring Boot has just put on a builder it made (see
	 * {@link #bootDefault(ClientHttpRequestFactory)}).
	 * @param builder the builder, as Boot's {@code RestClientBuilderConfigurer} left it
	 */
	public void bootDefaultOf(RestClient.Builder builder) {
		bootDefault(BuilderRequestFactory.of(builder));
	}

	/**
	 * The transport of a builder's clients: the service's own, unless the application set
	 * a request factory of its own on the builder; then that, under the mesh's deadline
	 * and redirect rules.
	 */
	private ClientHttpRequestFactory transportFor(RestClient.Builder builder, ServiceRoute route) {
		ClientHttpRequestFactory chosen = BuilderRequestFactory.of(builder);
		if (chosen == null || chosen instanceof MeshClientHttpRequestFactory || this.bootDefaults.contains(chosen)) {
			return route.requestFactory();
		}
		ClientPolicy policy = route.policy();
		String serviceId = route.serviceId();
		if (policy.transport().sslBundle() != null) {
			throw new IllegalStateException("mesh.clients." + serviceId
					+ ".ssl-bundle (or mesh.client-defaults.ssl-bundle) is '" + policy.transport().sslBundle()
					+ "', but a mesh client of service '" + serviceId + "' has a request factory of its own ("
					+ chosen.getClass().getName()
					+ "), which the mesh cannot give a bundle: configure TLS on that factory and unset the property, or drop the "
					+ "factory so the mesh builds the transport with spring.http.client.* (spring.http.clients.* on Spring "
					+ "Boot 4)");
		}
		MeshTransport transport = new MeshTransport(chosen.getClass().getName(), chosen, false, false);
		return new MeshClientHttpRequestFactory(serviceId, transport, policy.perAttemptTimeout(),
				policy.maxResponseSize().toBytes(), policy.transport().bufferResponse(), this.watchdog);
	}

	ServiceRoute route(String serviceId) {
		ServiceRoute existing = this.routes.get(serviceId);
		if (existing != null) {
			return existing;
		}
		synchronized (this.routes) {
			ServiceRoute route = this.routes.get(serviceId);
			if (route == null) {
				ClientPolicy policy = this.policies.forService(serviceId);
				MeshClientHttpRequestFactory transport = new MeshClientHttpRequestFactory(serviceId,
						this.transports.create(serviceId, policy), policy.perAttemptTimeout(),
						policy.maxResponseSize().toBytes(), policy.transport().bufferResponse(), this.watchdog);
				boolean closed = this.closed;
				if (closed) {
					// a client made after close must not open what nothing would close
					// again, nor ask the registries, which may have closed with the
					// context (Spring Cloud 2025.1 puts resilience4j's in refresh scope)
					transport.close();
				}
				route = new ServiceRoute(serviceId, policy, this.instanceCache,
						closed ? null : bulkhead(serviceId, policy), closed ? null : circuitBreaker(serviceId, policy),
						this.tokenSources.apply(serviceId), this.attemptTracer, transport, this.clock);
				this.routes.put(serviceId, route);
				for (Consumer<ServiceRoute> listener : this.routeListeners) {
					listener.accept(route);
				}
			}
			return route;
		}
	}

	private CircuitBreaker circuitBreaker(String serviceId, ClientPolicy policy) {
		String name = resilience4jName(serviceId);
		if (this.circuitBreakers.find(name).isPresent() || policy.circuitBreaker()) {
			return this.circuitBreakers.circuitBreaker(name);
		}
		return null;
	}

	/** Calls the listener for every route now and for every route created later. */
	void onRoute(Consumer<ServiceRoute> listener) {
		synchronized (this.routes) {
			this.routeListeners.add(listener);
			this.routes.values().forEach(listener);
		}
	}

	private Bulkhead bulkhead(String serviceId, ClientPolicy policy) {
		String name = resilience4jName(serviceId);
		if (this.bulkheads.find(name).isPresent()) {
			return this.bulkheads.bulkhead(name);
		}
		if (policy.maxConcurrentRequests() == null) {
			return null;
		}
		return this.bulkheads.bulkhead(name,
				BulkheadConfig.custom()
					.maxConcurrentCalls(policy.maxConcurrentRequests())
					.maxWaitDuration(Duration.ZERO)
					.build());
	}

	@Override
	public List<ClientSnapshot> clients() {
		return new TreeMap<>(this.routes).values().stream().map(ClientSnapshots::of).toList();
	}

	@Override
	public ClientSnapshot client(String service) {
		ServiceRoute route = this.routes.get(service);
		return (route != null) ? ClientSnapshots.of(route) : null;
	}

	@Override
	public boolean eject(String service, String instance) {
		ServiceRoute route = this.routes.get(service);
		return route != null && RouteControl.eject(route, instance);
	}

	@Override
	public boolean restore(String service, String instance) {
		ServiceRoute route = this.routes.get(service);
		return route != null && RouteControl.restore(route, instance);
	}

	@Override
	public int reset(String service) {
		ServiceRoute route = this.routes.get(service);
		return (route != null) ? RouteControl.reset(route) : -1;
	}

	/**
	 * @return the services this factory has clients of, in service id order
	 */
	public Set<String> services() {
		return Collections.unmodifiableSet(new TreeSet<>(this.routes.keySet()));
	}

	/**
	 * Applies a changed policy to a service's client: calls that start from now on use
	 * its {@code timeout}, {@code per-attempt-timeout}, {@code retry.*} and
	 * {@code outlier.*}; calls in flight finish on the old policy. A service without a
	 * client yet takes its policy from {@link ClientPolicies} when its first client is
	 * made.
	 * @param service the service
	 * @param next its changed policy
	 * @return the properties (relative to {@code mesh.clients.<service>.}) that changed
	 * but take effect only after a restart; empty when the service has no client yet
	 */
	public List<String> update(String service, ClientPolicy next) {
		ServiceRoute route = this.routes.get(service);
		return (route != null) ? route.update(next) : List.of();
	}

	/**
	 * Closes every service's transport and lets the attempt watchdog's thread end; a call
	 * made through one of this factory's clients afterwards fails with an
	 * {@link IllegalStateException}.
	 */
	@Override
	public void close() {
		synchronized (this.routes) {
			this.closed = true;
			this.routes.values().forEach((route) -> route.requestFactory().close());
		}
		this.watchdog.close();
	}

	/**
	 * @param serviceId a service
	 * @return the policy its client uses
	 */
	public ClientPolicy policy(String serviceId) {
		ServiceRoute route = this.routes.get(serviceId);
		return (route != null) ? route.policy() : this.policies.forService(serviceId);
	}

}
