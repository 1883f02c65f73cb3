package dev.mesh.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.mesh.testsupport.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.DefaultServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading {@code started-at} and {@code warmup} from registry metadata: leniently, and
 * with one warning per registration for garbage.
 */
@ExtendWith(OutputCaptureExtension.class)
class MeshInstanceFactoryTests {

	private final MeshInstanceFactory factory = new MeshInstanceFactory();

	@Test
	void shouldReadTheStartTimeAndWarmupAnInstancePublishes() {
		MeshInstance instance = this.factory
			.create(instance("started-at", "2025-06-01T10:15:30.123Z", "warmup", "45s"));
		assertThat(instance.startedAt()).isEqualTo(Instant.parse("2025-06-01T10:15:30.123Z"));
		assertThat(instance.warmup()).isEqualTo(Duration.ofSeconds(45));
		assertThat(this.factory.create(instance("started-at", "2025-06-01T10:15:30Z", "warmup", "PT2M")).warmup())
			.isEqualTo(Duration.ofMinutes(2));
	}

	@Test
	void shouldRoundTripWhatMeshMetadataPublishes() {
		Instant startedAt = Instant.parse("2025-06-01T10:15:30.123456Z");
		Map<String, String> published = MeshMetadata.of(3, "eu-1a", "1.0", startedAt, Duration.ofMillis(1500));
		MeshInstance instance = this.factory
			.create(new DefaultServiceInstance("a", "inventory", "127.0.0.1", 8080, false, published));
		assertThat(instance.startedAt()).isEqualTo(startedAt);
		assertThat(instance.warmup()).isEqualTo(Duration.ofMillis(1500));
		assertThat(instance.weight()).isEqualTo(3);
		assertThat(instance.zone()).isEqualTo("eu-1a");
	}

	@Test
	void shouldNotRampAnInstanceThatPublishesNoStartTime(CapturedOutput output) {
		MeshInstance instance = this.factory.create(instance("warmup", "30s"));
		assertThat(instance.startedAt()).isNull();
		assertThat(instance.warmup()).isEqualTo(Duration.ofSeconds(30));
		assertThat(output).doesNotContain("WARN");
	}

	@Test
	void shouldWarnOnceAndNotRampAnInstanceWithAGarbageStartTime(CapturedOutput output) {
		MeshInstance instance = this.factory.create(instance("started-at", "yesterday"));
		assertThat(instance.startedAt()).isNull();
		assertThat(output)
			.containsOnlyOnce("publishes metadata started-at='yesterday', which is not an ISO-8601 instant");
	}

	@Test
	void shouldWarnOnceAndNotRampAnInstanceWithAGarbageWarmup(CapturedOutput output) {
		MeshInstance instance = this.factory
			.create(instance("started-at", "2025-06-01T10:15:30Z", "warmup", "a while"));
		assertThat(instance.startedAt()).as("no ramp").isNull();
		assertThat(instance.warmup()).isNull();
		assertThat(output).containsOnlyOnce("publishes metadata warmup='a while', which is not a duration");
		this.factory.create(instance("started-at", "2025-06-01T10:15:30Z", "warmup", "-5s"));
		assertThat(output).contains("warmup='-5s'");
	}

	@Test
	void shouldClampAStartTimeInTheFutureToWhenTheInstanceIsFirstSeen(CapturedOutput output) {
		Instant now = Instant.parse("2026-03-01T12:00:00Z");
		MeshInstanceFactory clocked = new MeshInstanceFactory(new SettableClock(now).wall());
		for (String future : new String[] { "9999-12-31T23:59:59Z", "+999999999-12-31T23:59:59.999999999Z",
				"+1000000000-01-01T00:00:00Z", "2026-03-01T12:00:01Z", Long.toString(Long.MAX_VALUE) }) {
			assertThat(clocked.create(instance("started-at", future)).startedAt()).as(future).isEqualTo(now);
		}
		assertThat(clocked.create(instance("started-at", "2026-03-01T11:59:00Z")).startedAt())
			.isEqualTo(Instant.parse("2026-03-01T11:59:00Z"));
		assertThat(output).doesNotContain("WARN");
	}

	@Test
	void shouldReadAStartTimeInEpochMillisAndTreatNegativeOrOverflowingOnesAsUnknown(CapturedOutput output) {
		MeshInstanceFactory clocked = new MeshInstanceFactory(
				new SettableClock(Instant.parse("2026-03-01T12:00:00Z")).wall());
		assertThat(clocked.create(instance("started-at", "1748772930123")).startedAt())
			.isEqualTo(Instant.ofEpochMilli(1748772930123L));
		for (String garbage : new String[] { "-1", "-9223372036854775808", "99999999999999999999",
				"+1000000001-01-01T00:00:00Z", "1e30", "NaN", "0x10", "", " ", "\u0000", "2026-13-01T00:00:00Z" }) {
			assertThat(clocked.create(instance("started-at", garbage)).startedAt()).as(garbage).isNull();
		}
		assertThat(output).contains("started-at='-1'");
	}

	@Test
	void shouldReadDurationsAndInstantsLeniently() {
		assertThat(MeshInstanceFactory.parseWarmup(" 30s ")).isEqualTo(Duration.ofSeconds(30));
		assertThat(MeshInstanceFactory.parseWarmup("PT30S")).isEqualTo(Duration.ofSeconds(30));
		assertThat(MeshInstanceFactory.parseWarmup("0s")).isZero();
		assertThat(MeshInstanceFactory.parseWarmup("30")).as("Spring Boot's default unit, ms")
			.isEqualTo(Duration.ofMillis(30));
		assertThat(MeshInstanceFactory.parseWarmup("7d")).as("capped").isEqualTo(MeshMetadata.MAX_WARMUP);
		assertThat(MeshInstanceFactory.parseWarmup("-1s")).isNull();
		assertThat(MeshInstanceFactory.parseWarmup("PT99999999999999999999H")).isNull();
		assertThat(MeshInstanceFactory.parseWarmup("1".repeat(100) + "s")).isNull();
		assertThat(MeshInstanceFactory.parseStartedAt("2025-06-01T10:15:30Z"))
			.isEqualTo(Instant.parse("2025-06-01T10:15:30Z"));
		assertThat(MeshInstanceFactory.parseStartedAt("2025-06-01")).isNull();
		assertThat(MeshInstanceFactory.parseStartedAt("")).isNull();
		assertThat(MeshInstanceFactory.parseStartedAt(null)).isNull();
	}

	@Test
	void shouldReadTheSameWayWithoutWarningsForInstancesMadeByHand(CapturedOutput output) {
		MeshInstance garbage = MeshInstance.of(instance("started-at", "2025-06-01T10:15:30Z", "warmup", "soon"), 1);
		assertThat(garbage.startedAt()).isNull();
		MeshInstance good = MeshInstance.of(instance("started-at", "2025-06-01T10:15:30Z", "warmup", "10s"), 1);
		assertThat(good.startedAt()).isEqualTo(Instant.parse("2025-06-01T10:15:30Z"));
		assertThat(good.warmup()).isEqualTo(Duration.ofSeconds(10));
		assertThat(output).doesNotContain("WARN");
	}

	@Test
	void shouldCallAnInstanceOverHttpsWhenItIsRegisteredAsSecureOrWithMetadataSchemeHttps() {
		assertThat(this.factory.create(new DefaultServiceInstance("a", "inventory", "127.0.0.1", 8443, true, Map.of()))
			.baseUri()).isEqualTo("https://127.0.0.1:8443");
		for (String https : new String[] { "https", "HTTPS", "Https", " https " }) {
			MeshInstance instance = this.factory.create(instance("scheme", https));
			assertThat(instance.baseUri()).as(https).isEqualTo("https://127.0.0.1:8080");
			assertThat(instance.root()).as(https).isEqualTo(java.net.URI.create("https://127.0.0.1:8080"));
			assertThat(MeshInstance.of(instance("scheme", https), 1).baseUri()).as(https)
				.isEqualTo("https://127.0.0.1:8080");
		}
		assertThat(this.factory.create(instance("scheme", "http")).baseUri()).isEqualTo("http://127.0.0.1:8080");
		assertThat(this.factory.create(instance()).baseUri()).isEqualTo("http://127.0.0.1:8080");
	}

	@Test
	void shouldNeverDowngradeASecureInstanceNorTakeAnotherSchemeFromMetadata() {
		Map<String, String> plain = Map.of("scheme", "http");
		assertThat(this.factory.create(new DefaultServiceInstance("a", "inventory", "127.0.0.1", 8443, true, plain))
			.baseUri()).isEqualTo("https://127.0.0.1:8443");
		for (String other : new String[] { "ftp", "file", "javascript", "https://evil.example", "", "h\u0000ttps" }) {
			assertThat(this.factory.create(instance("scheme", other)).baseUri()).as(other)
				.isEqualTo("http://127.0.0.1:8080");
		}
	}

	private static DefaultServiceInstance instance(String... metadata) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < metadata.length; i += 2) {
			map.put(metadata[i], metadata[i + 1]);
		}
		return new DefaultServiceInstance("a", "inventory", "127.0.0.1", 8080, false, map);
	}

}
