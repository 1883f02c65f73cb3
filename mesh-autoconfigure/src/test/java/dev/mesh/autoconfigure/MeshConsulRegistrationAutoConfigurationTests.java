package dev.mesh.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import com.ecwid.consul.v1.agent.model.NewService;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryProperties;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulRegistrationCustomizer;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.cloud.commons.util.InetUtilsProperties;

import static org.assertj.core.api.Assertions.assertThat;

class MeshConsulRegistrationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MeshConsulRegistrationAutoConfiguration.class));

	@Test
	void shouldPublishWeightZoneAndVersionAsConsulMetaKeepingExistingMeta() {
		this.runner.withPropertyValues("mesh.instance.weight=3", "mesh.instance.zone=eu-1a", "mesh.instance.version=1.4.2")
			.run((context) -> {
				NewService service = new NewService();
				service.setMeta(new HashMap<>(Map.of("team", "stock")));
				ConsulRegistration registration = new ConsulRegistration(service, discoveryProperties());
				context.getBean(ConsulRegistrationCustomizer.class).customize(registration);
				assertThat(service.getMeta()).containsExactlyInAnyOrderEntriesOf(
						Map.of("team", "stock", "weight", "3", "zone", "eu-1a", "version", "1.4.2"));
			});
	}

	@Test
	void shouldPublishTheDefaultWeightAndNoZoneWhenNoneIsConfigured() {
		this.runner.run((context) -> {
			NewService service = new NewService();
			context.getBean(ConsulRegistrationCustomizer.class)
				.customize(new ConsulRegistration(service, discoveryProperties()));
			assertThat(service.getMeta()).containsExactlyEntriesOf(Map.of("weight", "1"));
		});
	}

	@Test
	void shouldBackOffWhenMeshIsDisabledOrConsulIsAbsent() {
		this.runner.withPropertyValues("mesh.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ConsulRegistrationCustomizer.class));
		this.runner.withClassLoader(new FilteredClassLoader(ConsulRegistrationCustomizer.class))
			.run((context) -> assertThat(context).doesNotHaveBean("meshConsulRegistrationCustomizer"));
	}

	private static ConsulDiscoveryProperties discoveryProperties() {
		return new ConsulDiscoveryProperties(new InetUtils(new InetUtilsProperties()));
	}

}
