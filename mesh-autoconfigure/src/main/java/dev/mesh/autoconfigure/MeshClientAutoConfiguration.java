package dev.mesh.autoconfigure;

import dev.mesh.client.ClientPolicies;
import dev.mesh.client.MeshClientBeanPostProcessor;
import dev.mesh.client.MeshClientFactory;
import dev.mesh.client.MeshClientMeterBinder;
import dev.mesh.client.MeshTransports;
import dev.mesh.client.RefreshingClientPolicies;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.ServiceInstanceCache;
import dev.mesh.observability.AttemptTracer;
import dev.mesh.security.ServiceTokenSources;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Import;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.web.client.RestClient;

/**
 * Auto-configuration for mesh clients: the clock, the cached instance lists, the client
 * factory and the post-processor that makes {@code @MeshClient} beans into mesh clients.
 */
@AutoConfiguration(
		afterName = { "io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration",
				"io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"org.springframework.boot.autoconfigure.security.oauth2.client.OAuth2ClientAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
				"org.springframework.boot.autoconfigure.web.client.RestClientAutoConfiguration",
				"org.springframework.boot.autoconfigure.http.client.HttpClientAutoConfiguration",
				// the same on Boot 4
				"io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration",
				"io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration",
				"org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration",
				"org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration",
				"org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration" },
		after = { SimpleDiscoveryClientAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				SslAutoConfiguration.class })
@ConditionalOnClass({ RestClient.class, DiscoveryClient.class })
@ConditionalOnMeshEnabled
@Import({ MeshPropertiesConfiguration.class, BootRestClientConfiguration.class })
public class MeshClientAutoConfiguration {

	/**
	 * The clock every mesh component reads time from (token lifetimes, deadlines, retry
	 * budgets, ejections, discovery backoff, slow start); an application or test replaces
	 * it by defining its own {@link MeshClock} bean.
	 */
	@Bean
	@ConditionalOnMissingBean
	MeshClock meshClock() {
		return MeshClock.system();
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceInstanceCache meshServiceInstanceCache(DiscoveryClient discoveryClient, MeshProperties properties,
			MeshClock clock) {
		return new ServiceInstanceCache(discoveryClient, properties.getDiscovery().getRefreshInterval(), clock);
	}

	/**
	 * The policy of each client, from the {@code mesh.*} properties; refreshed from the
	 * environment when Spring Cloud says it changed
	 * ({@link MeshClientRefreshConfiguration}).
	 */
	@Bean
	@ConditionalOnMissingBean(ClientPolicies.class)
	RefreshingClientPolicies meshClientPolicies(MeshProperties properties) {
		ZoneAffinityCheck.warnIfNoZone(properties);
		return new RefreshingClientPolicies(properties::clientPolicy);
	}

	@Bean
	@ConditionalOnMissingBean
	MeshClientFactory meshClientFactory(ServiceInstanceCache instanceCache, ClientPolicies policies,
			ObjectProvider<BulkheadRegistry> bulkheadRegistry,
			ObjectProvider<CircuitBreakerRegistry> circuitBreakerRegistry, ServiceTokenSources tokenSources,
			ObjectProvider<AttemptTracer> attemptTracer, MeshTransports transports, MeshClock clock) {
		return new MeshClientFactory(instanceCache, policies,
				bulkheadRegistry.getIfAvailable(BulkheadRegistry::ofDefaults),
				circuitBreakerRegistry.getIfAvailable(CircuitBreakerRegistry::ofDefaults),
				(serviceId) -> tokenSources.forService(serviceId, policies.forService(serviceId).oauth2()),
				attemptTracer.getIfAvailable(() -> AttemptTracer.NONE), clock, transports);
	}

	@Bean
	@ConditionalOnMissingBean
	MeshTransports meshTransports(ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builder, BeanFactory beanFactory,
			ObjectProvider<SslBundles> sslBundles, MeshProperties properties) {
		return new BootMeshTransports(builder.getIfAvailable(ClientHttpRequestFactoryBuilder::detect),
				BootHttpClientSettings.of(beanFactory), sslBundles.getIfAvailable(), properties);
	}

	@Bean
	@ConditionalOnMissingBean
	ServiceTokenSources meshServiceTokenSources(ObjectProvider<ClientRegistrationRepository> registrations,
			ObjectProvider<OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest>> tokenResponseClient,
			MeshClock clock) {
		return new ServiceTokenSources(registrations.getIfAvailable(), tokenResponseClient.getIfUnique(), clock.wall());
	}

	@Bean
	@ConditionalOnMissingBean
	static MeshClientBeanPostProcessor meshClientBeanPostProcessor(ObjectProvider<MeshClientFactory> factory) {
		return new MeshClientBeanPostProcessor(factory);
	}

	/**
	 * Running clients follow changed client properties (Spring Cloud's
	 * {@code EnvironmentChangeEvent}), unless the application defines its own
	 * {@link ClientPolicies}.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(EnvironmentChangeEvent.class)
	static class MeshClientRefreshConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MeshClientPolicyRefresher meshClientPolicyRefresher(Environment environment,
				ObjectProvider<ClientPolicies> policies, ObjectProvider<MeshClientFactory> factory) {
			return new MeshClientPolicyRefresher(environment, policies, factory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MeshClientMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MeshClientMeterBinder meshClientMeterBinder(MeshClientFactory factory, MeshProperties properties) {
			return new MeshClientMeterBinder(factory, properties.getMetrics().getDepartedInstanceRetention());
		}

	}

}
