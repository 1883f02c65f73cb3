package dev.mesh.observability;

import java.io.IOException;
import java.net.ConnectException;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attempt spans on a real OpenTelemetry SDK through Micrometer Tracing's bridge: each is
 * a client span, a child of the current span, named and tagged for its attempt, and its
 * own context is what goes out in the attempt's headers.
 */
class MicrometerAttemptTracerTests {

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final SdkTracerProvider provider = SdkTracerProvider.builder()
		.addSpanProcessor(SimpleSpanProcessor.create(this.exporter))
		.build();

	private final io.opentelemetry.api.trace.Tracer otel = this.provider.get("test");

	private final Tracer tracer = new OtelTracer(this.otel, new OtelCurrentTraceContext(), (event) -> {
	});

	private final AttemptTracer attempts = new MicrometerAttemptTracer(this.tracer,
			new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), this.otel));

	@AfterEach
	void close() {
		this.provider.close();
	}

	@Test
	void anAttemptOfATraceThatIsNotSampledSendsTheCallsContextWithItsDecisionAndRecordsNothing() {
		try (SdkTracerProvider unsampling = SdkTracerProvider.builder()
			.setSampler(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff())
			.addSpanProcessor(SimpleSpanProcessor.create(this.exporter))
			.build()) {
			io.opentelemetry.api.trace.Tracer otel = unsampling.get("test");
			Tracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), (event) -> {
			});
			AttemptTracer attempts = new MicrometerAttemptTracer(tracer,
					new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));
			Span call = tracer.nextSpan().name("http get").start();
			assertThat(call.context().sampled()).isFalse();
			HttpHeaders headers = new HttpHeaders();
			try (Tracer.SpanInScope scope = tracer.withSpan(call)) {
				attempts.start(headers, "inventory", "inventory-1", "GET", 1).end("200", MeshOutcome.SUCCESS, null);
			}
			call.end();
			assertThat(headers.get("traceparent")).as("the call's own context, not sampled")
				.containsExactly("00-" + call.context().traceId() + "-" + call.context().spanId() + "-00");
			assertThat(this.exporter.getFinishedSpanItems()).isEmpty();
		}
	}

	@Test
	void shouldTraceAnAttemptAsAClientSpanUnderTheCurrentSpanAndSendItsOwnContext() {
		Span call = this.tracer.nextSpan().name("http get").start();
		HttpHeaders headers = new HttpHeaders();
		headers.set("traceparent", "00-" + call.context().traceId() + "-" + call.context().spanId() + "-01");
		try (Tracer.SpanInScope scope = this.tracer.withSpan(call)) {
			this.attempts.start(headers, "inventory", "inventory-1", "GET", 2)
				.end("503", MeshOutcome.SERVER_ERROR, null);
		}
		call.end();

		SpanData attempt = finished("mesh inventory attempt 2");
		assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
		assertThat(attempt.getTraceId()).isEqualTo(call.context().traceId());
		assertThat(attempt.getParentSpanId()).isEqualTo(call.context().spanId());
		assertThat(headers.get("traceparent")).as("replaced by the attempt's context, once")
			.containsExactly("00-" + attempt.getTraceId() + "-" + attempt.getSpanId() + "-01");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("service"))).isEqualTo("inventory");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("instance"))).isEqualTo("inventory-1");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("method"))).isEqualTo("GET");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("attempt"))).isEqualTo("2");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("status"))).isEqualTo("503");
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("SERVER_ERROR");
		assertThat(attempt.getStatus().getStatusCode()).as("a 5xx is in the tags, not an error of the span")
			.isNotEqualTo(StatusCode.ERROR);
	}

	@Test
	void shouldMarkTheSpanOfAnAttemptThatFailedWithoutAResponse() {
		IOException refused = new ConnectException("Connection refused");
		this.attempts.start(new HttpHeaders(), "inventory", "inventory-1", "POST", 1)
			.end("IO_ERROR", MeshOutcome.CONNECT_FAILURE, refused);

		SpanData attempt = finished("mesh inventory attempt 1");
		assertThat(attempt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(attempt.getEvents()).anySatisfy((event) -> assertThat(event.getName()).isEqualTo("exception"));
		assertThat(attempt.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("CONNECT_FAILURE");
		assertThat(attempt.getParentSpanId()).as("no current span: a new trace").isEqualTo("0000000000000000");
	}

	@Test
	void shouldKeepTheTraceOfEachAttemptApart() {
		Span call = this.tracer.nextSpan().name("http get").start();
		HttpHeaders first = new HttpHeaders();
		HttpHeaders second = new HttpHeaders();
		try (Tracer.SpanInScope scope = this.tracer.withSpan(call)) {
			AttemptTracer.AttemptSpan one = this.attempts.start(first, "inventory", "a", "GET", 1);
			AttemptTracer.AttemptSpan two = this.attempts.start(second, "inventory", "b", "GET", 2);
			assertThat(this.tracer.currentSpan().context().spanId()).as("attempts are never made current")
				.isEqualTo(call.context().spanId());
			two.end("200", MeshOutcome.SUCCESS, null);
			one.end("IO_ERROR", MeshOutcome.TIMEOUT, new IOException("timed out"));
		}
		call.end();
		assertThat(first.getFirst("traceparent")).contains(finished("mesh inventory attempt 1").getSpanId());
		assertThat(second.getFirst("traceparent")).contains(finished("mesh inventory attempt 2").getSpanId());
	}

	private SpanData finished(String name) {
		return this.exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No span " + name + " in " + this.exporter.getFinishedSpanItems()));
	}

}
