package dev.mesh.autoconfigure;

import org.springframework.boot.convert.DurationStyle;
import dev.mesh.security.TokenPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.Map;
import java.io.InputStream;
import java.time.Duration;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mesh.client.ClientPolicies;
import dev.mesh.client.ClientPolicy;
import dev.mesh.resilience.OverloadPolicy;
import dev.mesh.client.TransportPolicy;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import dev.mesh.resilience.RetryOn;
import dev.mesh.loadbalancer.SlowStartPolicy;
import dev.mesh.loadbalancer.ZoneAffinityPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client settings: inheritance from {@code mesh.client-defaults}, and startup failures
 * for bad values.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(UtilAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
					CompositeDiscoveryClientAutoConfiguration.class, MeshClientAutoConfiguration.class));

	@Test
	void shouldTakeEachValueFromTheClientThenTheDefaultsThenTheBuiltInDefaults() {
		this.runner
			.withPropertyValues("mesh.client-defaults.timeout=20s", "mesh.client-defaults.retry.max-attempts=30",
					"mesh.client-defaults.retry.budget.ratio=0.3", "mesh.clients.inventory.timeout=200s",
					"mesh.clients.inventory.retry.backoff.initial=2500ms",
					"mesh.clients.inventory.outlier.max-ejection-percent=10",
					"mesh.clients.inventory.max-concurrent-requests=1000",
					"mesh.clients.inventory.retry.on=connect-failure,500")
			.run((context) -> {
				ClientPolicies policies = context.getBean(ClientPolicies.class);
				ClientPolicy inventory = policies.forService("inventory");
				assertThat(inventory.timeout()).isEqualTo(Duration.ofSeconds(200));
				assertThat(inventory.retry().maxAttempts()).isEqualTo(30);
				assertThat(inventory.retry().budget().ratio()).isEqualTo(0.3);
				assertThat(inventory.retry().budget().minPerSecond()).isEqualTo(10);
				assertThat(inventory.retry().backoff().initial()).isEqualTo(Duration.ofMillis(2500));
				assertThat(inventory.retry().backoff().multiplier()).isEqualTo(2.0);
				assertThat(inventory.outlier().maxEjectionPercent()).isEqualTo(10);
				assertThat(inventory.outlier().consecutiveFailures()).isEqualTo(5);
				assertThat(inventory.maxConcurrentRequests()).isEqualTo(1000);
				assertThat(inventory.retry().on()).hasToString("[connect-failure, 500]");
				ClientPolicy billing = policies.forService("billing");
				assertThat(billing.timeout()).isEqualTo(Duration.ofSeconds(20));
				assertThat(billing.perAttemptTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(billing.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
				assertThat(billing.maxConcurrentRequests()).isNull();
				assertThat(billing.retry().on()).hasToString("[connect-failure, reset, timeout, 502, 503, 504]");
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '"', value = {
			"mesh.clients.inventory.timeout=-1s | mesh.clients.inventory.timeout | positive duration",
			"mesh.clients.inventory.per-attempt-timeout=0s | mesh.clients.inventory.per-attempt-timeout | positive duration",
			"mesh.client-defaults.connect-timeout=0ms | mesh.client-defaults.connect-timeout | positive duration",
			"mesh.clients.inventory.timeout=1000000d | mesh.clients.inventory.timeout | at most 365d",
			"mesh.clients.inventory.per-attempt-timeout=366d | mesh.clients.inventory.per-attempt-timeout | at most 365d",
			"mesh.clients.inventory.retry.max-attempts=0 | mesh.clients.inventory.retry.max-attempts | from 1 to 100",
			"mesh.clients.inventory.retry.max-attempts=2147483647 | mesh.clients.inventory.retry.max-attempts | from 1 to 100",
			"mesh.clients.inventory.retry.budget.ratio=1.5 | mesh.clients.inventory.retry.budget.ratio | from 0 to 1",
			"mesh.clients.inventory.retry.budget.ratio=-0.1 | mesh.clients.inventory.retry.budget.ratio | from 0 to 1",
			"mesh.clients.inventory.retry.on=connect-failure,teapot | mesh.clients.inventory.retry.on | connect-failure, reset, timeout, or a status code from 500 to 599",
			"mesh.clients.inventory.retry.on=404 | mesh.clients.inventory.retry.on | '404' is not one of",
			"mesh.clients.inventory.retry.backoff.jitter=1 | mesh.clients.inventory.retry.backoff.jitter | below 1",
			"mesh.clients.inventory.retry.backoff.multiplier=0.5 | mesh.clients.inventory.retry.backoff.multiplier | from 1 to 100",
			"mesh.clients.inventory.outlier.consecutive-failures=0 | mesh.clients.inventory.outlier.consecutive-failures | at least 1",
			"mesh.clients.inventory.outlier.max-ejection-percent=101 | mesh.clients.inventory.outlier.max-ejection-percent | from 0 to 100",
			"mesh.clients.inventory.outlier.ejection-time=-30s | mesh.clients.inventory.outlier.ejection-time | positive duration",
			"mesh.clients.inventory.max-concurrent-requests=0 | mesh.clients.inventory.max-concurrent-requests | at least 1",
			"mesh.clients.inventory.zone-affinity.min-available-percent=101 | mesh.clients.inventory.zone-affinity.min-available-percent | from 0 to 100",
			"mesh.client-defaults.zone-affinity.min-available-percent=-1 | mesh.client-defaults.zone-affinity.min-available-percent | from 0 to 100",
			"mesh.clients.inventory.slow-start.window=0s | mesh.clients.inventory.slow-start.window | positive duration of at most 1h",
			"mesh.client-defaults.slow-start.window=2h | mesh.client-defaults.slow-start.window | positive duration of at most 1h",
			"mesh.clients.inventory.slow-start.min-weight-percent=150 | mesh.clients.inventory.slow-start.min-weight-percent | from 0 to 100",
			"mesh.clients.inventory.slow-start.aggression=0 | mesh.clients.inventory.slow-start.aggression | above 0 and at most 100",
			"mesh.clients.inventory.slow-start.aggression=-2.5 | mesh.clients.inventory.slow-start.aggression | above 0 and at most 100",
			"mesh.clients.inventory.max-response-size=0 | mesh.clients.inventory.max-response-size | positive size of at most 1GB",
			"mesh.client-defaults.max-response-size=-1KB | mesh.client-defaults.max-response-size | positive size of at most 1GB",
			"mesh.clients.inventory.max-response-size=2GB | mesh.clients.inventory.max-response-size | positive size of at most 1GB",
			"mesh.instance.warmup=2h | mesh.instance.warmup | from 0s (no ramp) to 1h",
			"mesh.instance.warmup=-1s | mesh.instance.warmup | from 0s (no ramp) to 1h",
			"mesh.clients.inventory.overload.avoid-time=-1s | mesh.clients.inventory.overload.avoid-time | positive duration",
			"mesh.client-defaults.overload.max-avoid-time=0s | mesh.client-defaults.overload.max-avoid-time | positive duration",
			"mesh.instance.weight=10001 | mesh.instance.weight | from 0 to 10000" })
	void shouldFailStartupNamingTheBadPropertyAndWhatIsAllowed(String property, String name, String allowed) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			String value = property.substring(property.indexOf('=') + 1);
			assertThat(analysis.getDescription()).contains("Property: " + name).contains(allowed);
			assertThat(analysis.getDescription()).contains(value.contains(",") ? value.split(",")[1] : value);
		});
	}

	@Test
	void shouldNameAListWithABadElementBoundElementByElement() {
		this.runner
			.withPropertyValues("mesh.clients.inventory.retry.on[0]=teapot", "mesh.clients.inventory.retry.on[1]=503")
			.run((context) -> {
				FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: mesh.clients.inventory.retry.on\n")
					.contains("'teapot' is not one of")
					.doesNotContain("retry.on[1]")
					.doesNotContain("\"503\"");
			});
	}

	@Test
	void shouldBindAVersionSplitKeepingTheVersionsAsWritten() {
		this.runner
			.withPropertyValues("mesh.clients.inventory.versions.1.4=95", "mesh.clients.inventory.versions.1.5-rc1=5",
					"mesh.clients.inventory.versions.[2.0+Build_7]=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ClientPolicy inventory = context.getBean(MeshProperties.class).clientPolicy("inventory");
				assertThat(inventory.versions().shares())
					.containsExactlyInAnyOrderEntriesOf(Map.of("1.4", 95, "1.5-rc1", 5, "2.0+Build_7", 1));
				assertThat(context.getBean(MeshProperties.class).clientPolicy("billing").versions().active()).isFalse();
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "mesh.clients.inventory.versions.1.5=-5 | share of version '1.5': -5",
					"mesh.clients.inventory.versions.1.5=2000000 | share of version '1.5': 2000000",
					"mesh.clients.inventory.versions.1.5=0 | add up to 0",
					"mesh.clients.inventory.versions.[1 5]=1 | version '1 5'" })
	void shouldFailStartupNamingABadVersionSplit(String property, String reason) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: mesh.clients.inventory.versions")
				.contains("shares from 0 to 1000000")
				.contains(reason);
		});
	}

	@Test
	void shouldRefuseVersionsUnderTheClientDefaults() {
		this.runner.withPropertyValues("mesh.client-defaults.versions.1.4=1").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: mesh.client-defaults.versions")
				.contains("under mesh.clients.<service>.versions");
		});
	}

	@Test
	void shouldResolveZoneAffinityAndSlowStartValueByValue() {
		this.runner
			.withPropertyValues("mesh.instance.zone=eu-1a", "mesh.client-defaults.zone-affinity.enabled=true",
					"mesh.client-defaults.slow-start.window=20s", "mesh.client-defaults.slow-start.aggression=2.0",
					"mesh.clients.inventory.zone-affinity.min-available-percent=50",
					"mesh.clients.inventory.slow-start.enabled=true", "mesh.clients.inventory.slow-start.window=200s",
					"mesh.clients.inventory.slow-start.min-weight-percent=5")
			.run((context) -> {
				ClientPolicies policies = context.getBean(ClientPolicies.class);
				ClientPolicy inventory = policies.forService("inventory");
				assertThat(inventory.zoneAffinity()).isEqualTo(new ZoneAffinityPolicy(true, 50, "eu-1a"));
				assertThat(inventory.slowStart()).isEqualTo(new SlowStartPolicy(true, Duration.ofSeconds(200), 5, 2.0));
				ClientPolicy billing = policies.forService("billing");
				assertThat(billing.zoneAffinity()).isEqualTo(new ZoneAffinityPolicy(true, 70, "eu-1a"));
				assertThat(billing.slowStart()).isEqualTo(new SlowStartPolicy(false, Duration.ofSeconds(20), 10, 2.0));
			});
	}

	@Test
	void shouldLeaveZoneAffinityAndSlowStartOffByDefault() {
		this.runner.run((context) -> {
			ClientPolicy policy = context.getBean(ClientPolicies.class).forService("inventory");
			assertThat(policy.zoneAffinity()).isEqualTo(ZoneAffinityPolicy.DEFAULTS);
			assertThat(policy.zoneAffinity().active()).isFalse();
			assertThat(policy.slowStart()).isEqualTo(SlowStartPolicy.DEFAULTS);
		});
	}

	@Test
	void shouldWarnOnceAtStartupWhenZoneAffinityIsOnWithoutAZone(CapturedOutput output) {
		this.runner
			.withPropertyValues("mesh.client-defaults.zone-affinity.enabled=true",
					"mesh.clients.inventory.zone-affinity.enabled=true")
			.run((context) -> {
				assertThat(context.getBean(ClientPolicies.class).forService("inventory").zoneAffinity().active())
					.isFalse();
				// the client inherits the defaults' value: only the defaults are named
				assertThat(output).containsOnlyOnce(
						"Zone affinity is on (mesh.client-defaults.zone-affinity.enabled) but mesh.instance.zone is not set");
			});
		this.runner.withPropertyValues("mesh.instance.zone=eu-1a", "mesh.client-defaults.zone-affinity.enabled=true")
			.run((context) -> assertThat(output).containsOnlyOnce("Zone affinity is on"));
		this.runner.withPropertyValues("mesh.clients.inventory.zone-affinity.enabled=true")
			.run((context) -> assertThat(output).containsOnlyOnce(
					"Zone affinity is on (mesh.clients.inventory.zone-affinity.enabled) but mesh.instance.zone is not set"));
	}

	@Test
	void shouldTakeMaxResponseSizeFromTheClientThenTheDefaultsThenTenMegabytes() {
		this.runner
			.withPropertyValues("mesh.client-defaults.max-response-size=20KB",
					"mesh.clients.inventory.max-response-size=200MB")
			.run((context) -> {
				ClientPolicies policies = context.getBean(ClientPolicies.class);
				assertThat(policies.forService("inventory").maxResponseSize()).isEqualTo(DataSize.ofMegabytes(200));
				assertThat(policies.forService("billing").maxResponseSize()).isEqualTo(DataSize.ofKilobytes(20));
			});
		this.runner.run(
				(context) -> assertThat(context.getBean(ClientPolicies.class).forService("inventory").maxResponseSize())
					.isEqualTo(DataSize.ofMegabytes(10)));
	}

	@Test
	void shouldBindTheOverloadRules() {
		this.runner.withPropertyValues("mesh.client-defaults.overload.enabled=true",
				"mesh.clients.inventory.overload.avoid-time=500ms", "mesh.clients.inventory.overload.max-avoid-time=2m")
			.run((context) -> {
				MeshProperties properties = context.getBean(MeshProperties.class);
				assertThat(properties.clientPolicy("inventory").overload())
					.isEqualTo(new OverloadPolicy(true, Duration.ofMillis(500), Duration.ofMinutes(2)));
				assertThat(properties.clientPolicy("billing").overload())
					.isEqualTo(new OverloadPolicy(true, Duration.ofSeconds(1), Duration.ofSeconds(30)));
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "mesh.clients.inventory.overload.avoid-time=1m | mesh.clients.inventory.overload.avoid-time",
					"mesh.client-defaults.overload.avoid-time=45s | mesh.client-defaults.overload.avoid-time" })
	void shouldFailStartupWhenTheAvoidTimeExceedsTheMaxAvoidTime(String property, String name) {
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("Property: " + name)
				.contains(property.substring(property.indexOf('=') + 1))
				.contains("max-avoid-time (30s)");
		});
	}

	@Test
	void shouldNameTheLimitAndWhereAnInheritedAvoidTimeComesFrom() {
		this.runner
			.withPropertyValues("mesh.client-defaults.overload.avoid-time=45s",
					"mesh.client-defaults.overload.max-avoid-time=60s",
					"mesh.clients.inventory.overload.max-avoid-time=40s")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Property: mesh.clients.inventory.overload.avoid-time")
					.contains("is at most mesh.clients.inventory.overload.max-avoid-time (40s)")
					.contains("comes from mesh.client-defaults.overload.avoid-time");
				assertThat(analysis.getAction()).contains("to a value that is at most");
			});
	}

	@Test
	void shouldDeclareTheCoresBuiltInDefaultsAsThePropertyDefaults() {
		assertThat(new MeshClientProperties().toPolicy(null)).isEqualTo(ClientPolicy.DEFAULTS);
	}

	@Test
	void shouldInheritEveryDefaultAClientDoesNotSetItself() {
		this.runner
			.withPropertyValues("mesh.client-defaults.retry.on=connect-failure",
					"mesh.client-defaults.oauth2.scopes=a,b", "mesh.client-defaults.connect-timeout=2s",
					"mesh.client-defaults.ssl-bundle=mtls", "mesh.client-defaults.buffer-response=false",
					"mesh.client-defaults.circuit-breaker=true", "mesh.clients.inventory.oauth2.scopes=c",
					"mesh.clients.inventory.retry.backoff.max=2s")
			.run((context) -> {
				MeshProperties properties = context.getBean(MeshProperties.class);
				ClientPolicy inventory = properties.clientPolicy("inventory");
				assertThat(inventory.retry().on()).hasToString("[connect-failure]");
				assertThat(inventory.retry().backoff().max()).isEqualTo(Duration.ofSeconds(2));
				assertThat(inventory.oauth2().scopes()).containsExactly("c");
				assertThat(inventory.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(inventory.transport()).isEqualTo(new TransportPolicy("mtls", false));
				assertThat(inventory.circuitBreaker()).isTrue();
				ClientPolicy billing = properties.clientPolicy("billing");
				assertThat(billing.oauth2().scopes()).containsExactly("a", "b");
				assertThat(billing.retry().backoff().max()).isEqualTo(Duration.ofSeconds(1));
				// binding a client never changes the defaults it inherits
				assertThat(properties.getClientDefaults().getOauth2().getScopes()).containsExactly("a", "b");
			});
	}

	@Test
	void shouldShowEveryClientDefaultInTheIdeMetadataButThoseThatDependOnOtherSettings() throws Exception {
		try (InputStream metadata = MeshProperties.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode properties = new ObjectMapper().readTree(metadata).get("properties");
			List<String> withoutDefault = StreamSupport.stream(properties.spliterator(), false)
				.filter((property) -> property.get("name").asText().startsWith("mesh.client-defaults."))
				.filter((property) -> !property.has("defaultValue"))
				.map((property) -> property.get("name").asText())
				.sorted()
				.toList();
			// unset means: Boot's connect timeout, no limit, the JVM's trust, tokens when
			// registrations exist, the registration's scopes, no split by version
			assertThat(withoutDefault).containsExactly("mesh.client-defaults.connect-timeout",
					"mesh.client-defaults.max-concurrent-requests", "mesh.client-defaults.oauth2.enabled",
					"mesh.client-defaults.oauth2.scopes", "mesh.client-defaults.ssl-bundle",
					"mesh.client-defaults.versions");
		}
	}

	@Test
	void shouldHintEveryLoadBalancerAndEveryRetryOnKeywordInTheIdeMetadata() throws Exception {
		try (InputStream metadata = MeshProperties.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode hints = new ObjectMapper().readTree(metadata).get("hints");
			Map<String, List<String>> values = StreamSupport.stream(hints.spliterator(), false)
				.collect(Collectors.toMap((hint) -> hint.get("name").asText(),
						(hint) -> StreamSupport.stream(hint.get("values").spliterator(), false)
							.map((value) -> value.get("value").asText())
							.toList()));
			assertThat(values.get("mesh.client-defaults.load-balancer"))
				.containsExactlyInAnyOrderElementsOf(Arrays.stream(LoadBalancerPolicy.values())
					.map((policy) -> policy.name().toLowerCase(Locale.ROOT).replace('_', '-'))
					.toList());
			assertThat(values.get("mesh.client-defaults.retry.on")).contains("connect-failure", "reset", "timeout")
				.allSatisfy((value) -> RetryOn.parse(List.of(value)));
		}
	}

	@Test
	void shouldShowTheMaxResponseSizeDefaultInTheIdeMetadata() throws Exception {
		try (InputStream metadata = MeshProperties.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode properties = new ObjectMapper().readTree(metadata).get("properties");
			JsonNode maxResponseSize = StreamSupport.stream(properties.spliterator(), false)
				.filter((property) -> property.get("name").asText().equals("mesh.client-defaults.max-response-size"))
				.findFirst()
				.orElseThrow();
			assertThat(maxResponseSize.get("defaultValue").asText()).isEqualTo("10MB");
			assertThat(maxResponseSize.get("description").asText()).contains("not retried");
		}
	}

	@Test
	void shouldShowTheTokenRequestDefaultsTheClientsUseInTheIdeMetadata() throws Exception {
		try (InputStream metadata = MeshProperties.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode properties = new ObjectMapper().readTree(metadata).get("properties");
			Map<String, Duration> defaults = Map.of("connect-timeout", TokenPolicy.DEFAULTS.connectTimeout(),
					"read-timeout", TokenPolicy.DEFAULTS.readTimeout(), "invalid-token-refetch-interval",
					TokenPolicy.DEFAULTS.invalidTokenRefetchInterval());
			defaults.forEach((suffix, value) -> {
				JsonNode property = StreamSupport.stream(properties.spliterator(), false)
					.filter((candidate) -> candidate.get("name")
						.asText()
						.equals("mesh.client-defaults.oauth2." + suffix))
					.findFirst()
					.orElseThrow();
				assertThat(DurationStyle.detectAndParse(property.get("defaultValue").asText())).as(suffix)
					.isEqualTo(value);
			});
		}
	}

	@Test
	void shouldNameTheBadDataSizeSyntax() {
		this.runner.withPropertyValues("mesh.clients.inventory.max-response-size=ten megs").run((context) -> {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.clients.inventory.max-response-size")
				.contains("\"ten megs\"");
			assertThat(analysis.getAction()).contains("a data size such as 512KB or 10MB");
		});
	}

	@Test
	void shouldSayAPropertyGivenNoValueHasNoValueRatherThanThatItDoesNotExist() {
		this.runner.withPropertyValues("mesh.client-defaults.timeout=").run((context) -> {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: mesh.client-defaults.timeout")
				.contains("Reason: no value given")
				.doesNotContain("no such mesh property");
			assertThat(analysis.getAction()).contains("Give mesh.client-defaults.timeout a value");
		});
		this.runner.withPropertyValues("mesh.client-defaults.timeuot=2s").run((context) -> {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.contains("no such mesh property; did you mean " + "mesh.client-defaults.timeout?");
		});
	}

	@Test
	void shouldSayAClientTakesPropertiesNotAValue() {
		this.runner.withPropertyValues("mesh.clients.inventory=fast").run((context) -> {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: mesh.clients.inventory")
				.contains("a group of mesh properties, not a single value")
				.doesNotContain("\"null\"");
			assertThat(analysis.getAction()).contains("mesh.clients.inventory.timeout");
		});
	}

	@Test
	void shouldNameTheBadDurationSyntax() {
		this.runner.withPropertyValues("mesh.clients.inventory.timeout=ten seconds").run((context) -> {
			FailureAnalysis analysis = new MeshPropertiesFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("mesh.clients.inventory.timeout")
				.contains("\"ten seconds\"");
			assertThat(analysis.getAction()).contains("a duration such as 500ms, 2s or 1m");
		});
	}

}
