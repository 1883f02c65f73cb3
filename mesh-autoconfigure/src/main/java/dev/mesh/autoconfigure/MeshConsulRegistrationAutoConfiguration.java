package dev.mesh.autoconfigure;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.mesh.discovery.InstanceWeight;
import dev.mesh.discovery.MeshClock;
import dev.mesh.discovery.MeshMetadata;
import dev.mesh.discovery.WeightPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Import;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoServiceRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for publishing this instance's weight, zone, version, start time and
 * warm-up as Consul service {@code Meta} when Spring Cloud Consul registers it, and a
 * weight changed at run time ({@link ConsulWeightPublisher}).
 */
@AutoConfiguration
@ConditionalOnClass(ConsulRegistrationCustomizer.class)
@ConditionalOnMeshEnabled
@Import(MeshPropertiesConfiguration.class)
public class MeshConsulRegistrationAutoConfiguration {

	/**
	 * Publishes the instance's metadata. {@code started-at} is the time of the first
	 * registration of this run, so re-registering (after a Consul restart, say) publishes
	 * the same value and callers do not ramp the instance up again. The time is read from
	 * the {@link MeshClock} bean, or the system clock when there is none.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "meshConsulRegistrationCustomizer")
	ConsulRegistrationCustomizer meshConsulRegistrationCustomizer(MeshProperties properties,
			ObjectProvider<MeshClock> clock, InstanceWeight weight) {
		MeshProperties.Instance instance = properties.getInstance();
		MeshClock now = clock.getIfAvailable(MeshClock::system);
		AtomicReference<Instant> startedAt = new AtomicReference<>();
		return (registration) -> {
			startedAt.compareAndSet(null, now.instant());
			Map<String, String> metadata = MeshMetadata.of(weight.current(), instance.getZone(), instance.getVersion(),
					startedAt.get(), instance.getWarmup());
			Map<String, String> meta = registration.getService().getMeta();
			Map<String, String> merged = (meta != null) ? new HashMap<>(meta) : new HashMap<>();
			merged.putAll(metadata);
			registration.getService().setMeta(merged);
		};
	}

	@Bean
	@ConditionalOnMissingBean(WeightPublisher.class)
	ConsulWeightPublisher meshConsulWeightPublisher(ObjectProvider<ConsulAutoRegistration> registration,
			ObjectProvider<ConsulServiceRegistry> registry,
			ObjectProvider<ConsulAutoServiceRegistration> autoRegistration,
			ObjectProvider<ConsulDiscoveryProperties> discovery) {
		return new ConsulWeightPublisher(registration, registry, autoRegistration, discovery);
	}

	/**
	 * With fail-fast off, warns once when this instance could not register with Consul at
	 * startup ({@link ConsulRegistrationCheck}).
	 */
	@Bean
	@ConditionalOnProperty(name = "spring.cloud.consul.discovery.fail-fast", havingValue = "false")
	static ConsulRegistrationCheck meshConsulRegistrationCheck(ObjectProvider<ConsulAutoRegistration> registration,
			ObjectProvider<ConsulServiceRegistry> registry, ObjectProvider<ConsulProperties> consul) {
		return new ConsulRegistrationCheck(() -> {
			ConsulAutoRegistration self = registration.getIfAvailable();
			ConsulServiceRegistry agent = registry.getIfAvailable();
			return (self != null && agent != null) ? agent.getStatus(self) : null;
		}, () -> {
			// as bound, connection details included
			ConsulProperties properties = consul.getIfAvailable();
			return (properties != null) ? properties.getHost() + ":" + properties.getPort() : "(unknown address)";
		});
	}

}
