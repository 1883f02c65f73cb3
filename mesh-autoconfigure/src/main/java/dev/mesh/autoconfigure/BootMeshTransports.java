package dev.mesh.autoconfigure;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.mesh.client.ClientPolicy;
import dev.mesh.client.HttpComponentsAttemptAbort;
import dev.mesh.client.MeshTransport;
import dev.mesh.client.MeshTransports;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpComponentsClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JdkClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.JettyClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.SimpleClientHttpRequestFactoryBuilder;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.util.ClassUtils;

/**
 * Builds each service's transport the way Spring Boot builds a {@code RestClient}'s: with
 * the application's {@link ClientHttpRequestFactoryBuilder}
 * ({@code spring.http.client.factory}, or a builder bean, with every
 * {@code ClientHttpRequestFactoryBuilderCustomizer}) and settings
 * ({@code spring.http.client.*}, read by {@link BootHttpClientSettings}), so a mesh
 * client runs on the HTTP client library the application chose. On top of those settings,
 * per service:
 * <ul>
 * <li>{@code mesh.clients.<service>.connect-timeout} when it is set (there or under
 * {@code client-defaults}); else {@code spring.http.client.connect-timeout} when that is;
 * else the mesh's default of 1s;</li>
 * <li>{@code mesh.clients.<service>.ssl-bundle} when it is set; else
 * {@code spring.http.client.ssl.bundle};</li>
 * <li>the transport follows no redirects itself: the mesh follows them within the
 * instance, as {@code spring.http.client.redirects} allows (see
 * {@link MeshTransport#followRedirects()});</li>
 * <li>on {@code http-components}, the handler that lets an attempt's deadline abort the
 * exchange ({@link HttpComponentsAttemptAbort}) is added to the client's execution
 * chain.</li>
 * </ul>
 */
final class BootMeshTransports implements MeshTransports {

	private static final boolean HTTP_COMPONENTS_PRESENT = ClassUtils
		.isPresent("org.apache.hc.client5.http.classic.ExecChainHandler", BootMeshTransports.class.getClassLoader());

	private static final boolean JETTY_PRESENT = ClassUtils.isPresent("org.eclipse.jetty.client.HttpClient",
			BootMeshTransports.class.getClassLoader());

	private final ClientHttpRequestFactoryBuilder<?> builder;

	private final BootHttpClientSettings settings;

	private final SslBundles sslBundles;

	private final MeshProperties properties;

	/**
	 * @param builder the application's request factory builder
	 * @param settings the application's request factory settings
	 * @param sslBundles the application's SSL bundles, or {@code null} when it has none
	 * @param properties the mesh's properties, to tell a connect timeout that is set from
	 * the default
	 */
	BootMeshTransports(ClientHttpRequestFactoryBuilder<?> builder, BootHttpClientSettings settings,
			SslBundles sslBundles, MeshProperties properties) {
		this.builder = withAttemptAbort(builder);
		this.settings = settings;
		this.sslBundles = sslBundles;
		this.properties = properties;
	}

	@Override
	public MeshTransport create(String serviceId, ClientPolicy policy) {
		Duration connectTimeout = connectTimeout(serviceId, policy);
		String bundleName = policy.transport().sslBundle();
		SslBundle bundle = (bundleName != null) ? sslBundle(serviceId, bundleName) : null;
		ClientHttpRequestFactory factory;
		try {
			factory = (JETTY_PRESENT && this.builder instanceof JettyClientHttpRequestFactoryBuilder jetty)
					? Jetty.build(jetty, (made) -> this.settings.build(made, connectTimeout, bundle))
					: this.settings.build(this.builder, connectTimeout, bundle);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("The " + name(this.builder) + " transport of mesh client '" + serviceId
					+ "' cannot be built with " + BootHttpClientSettings.PREFIX + ".* and mesh.clients." + serviceId
					+ ".*: " + ex.getMessage(), ex);
		}
		return new MeshTransport(name(this.builder), MeshTransport.direct(factory, policy),
				this.settings.followsRedirects(), true);
	}

	Duration connectTimeout(String serviceId, ClientPolicy policy) {
		boolean meshSet = this.properties.client(serviceId).getConnectTimeout() != null;
		Duration boot = this.settings.connectTimeout();
		return (meshSet || boot == null) ? policy.connectTimeout() : boot;
	}

	private SslBundle sslBundle(String serviceId, String name) {
		String property = propertyOf(serviceId);
		if (this.sslBundles == null) {
			throw new IllegalStateException(property + " is '" + name
					+ "', but the application has no SSL bundles: define it under spring.ssl.bundle.pem." + name
					+ " or spring.ssl.bundle.jks." + name);
		}
		try {
			return this.sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new IllegalStateException(
					property + " is '" + name + "', which is no SSL bundle: allowed are the bundles "
							+ "under spring.ssl.bundle.pem.* and spring.ssl.bundle.jks.*" + known(),
					ex);
		}
	}

	private String known() {
		java.util.List<String> names = this.sslBundles.getBundleNames();
		return names.isEmpty() ? " (none is defined)" : " (defined: " + String.join(", ", names) + ")";
	}

	private String propertyOf(String serviceId) {
		// a client's value equal to the defaults' one is taken to be inherited
		MeshClientProperties client = this.properties.getClients().get(serviceId);
		return (client != null
				&& !Objects.equals(client.getSslBundle(), this.properties.getClientDefaults().getSslBundle()))
						? "mesh.clients." + serviceId + ".ssl-bundle" : "mesh.client-defaults.ssl-bundle";
	}

	private static ClientHttpRequestFactoryBuilder<?> withAttemptAbort(ClientHttpRequestFactoryBuilder<?> builder) {
		if (HTTP_COMPONENTS_PRESENT
				&& builder instanceof HttpComponentsClientHttpRequestFactoryBuilder httpComponents) {
			return HttpComponents.withAttemptAbort(httpComponents);
		}
		// attempts go straight to the instance discovery named: a forward proxy (the
		// JVM's http.proxyHost) would
		// hide which instance answered, and such settings are meant for calls out of the
		// network
		if (builder instanceof JdkClientHttpRequestFactoryBuilder jdk) {
			return jdk.withHttpClientCustomizer((client) -> client.proxy(java.net.http.HttpClient.Builder.NO_PROXY));
		}
		if (builder instanceof SimpleClientHttpRequestFactoryBuilder simple) {
			return simple.withCustomizer((factory) -> factory.setProxy(java.net.Proxy.NO_PROXY));
		}
		return builder;
	}

	/**
	 * Spring's Jetty factory stops only a Jetty client it made itself, and Boot's builder
	 * hands it one, whose non-daemon threads would outlive the application context (and
	 * keep the JVM alive): the mesh stops it with the transport. Kept apart so that
	 * Jetty's classes are loaded only when it is on the class path.
	 */
	private static final class Jetty {

		static ClientHttpRequestFactory build(JettyClientHttpRequestFactoryBuilder builder,
				Function<ClientHttpRequestFactoryBuilder<?>, ClientHttpRequestFactory> build) {
			AtomicReference<org.eclipse.jetty.client.HttpClient> made = new AtomicReference<>();
			ClientHttpRequestFactory factory = build.apply(builder.withHttpClientCustomizer(made::set));
			org.eclipse.jetty.client.HttpClient client = made.get();
			return (client != null) ? new StoppingRequestFactory(factory, client::stop) : factory;
		}

	}

	/**
	 * What the mesh sets on an Apache HttpClient, after the application's customizers:
	 * the deadline's abort handler; no retries of its own (the mesh retries, on another
	 * instance, within its budget; HttpClient's default would re-send a GET on a 503 or a
	 * broken connection to the same instance, under the mesh's back); no cookie store (a
	 * client is shared by all the application's callers, so a cookie one instance set for
	 * one caller's call would go out with another caller's); and limits on a response's
	 * header lines (the defaults have none: an instance could make the caller read
	 * headers until its deadline), like the JDK client's.
	 */
	static final class HttpComponents {

		/**
		 * The longest status or header line read, in bytes (the JDK client allows 384 KB
		 * of headers in all).
		 */
		static final int MAX_LINE_LENGTH = 16 * 1024;

		/** The most header lines a response may have. */
		static final int MAX_HEADER_COUNT = 200;

		/** The most empty or garbage lines before a status line. */
		static final int MAX_EMPTY_LINES = 10;

		static ClientHttpRequestFactoryBuilder<?> withAttemptAbort(
				HttpComponentsClientHttpRequestFactoryBuilder builder) {
			org.apache.hc.core5.http.config.Http1Config http1 = org.apache.hc.core5.http.config.Http1Config.custom()
				.setMaxLineLength(MAX_LINE_LENGTH)
				.setMaxHeaderCount(MAX_HEADER_COUNT)
				.setMaxEmptyLineCount(MAX_EMPTY_LINES)
				.build();
			return builder
				.withConnectionManagerCustomizer((manager) -> manager.setConnectionFactory(
						org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory.builder()
							.http1Config(http1)
							.responseParserFactory(
									new org.apache.hc.client5.http.impl.io.DefaultHttpResponseParserFactory(http1))
							.build()))
				.withHttpClientCustomizer((client) -> client
					.addExecInterceptorFirst(HttpComponentsAttemptAbort.NAME, new HttpComponentsAttemptAbort())
					.disableAutomaticRetries()
					.disableCookieManagement()
					// straight to the instance, never through the JVM's proxy (see
					// withAttemptAbort)
					.setRoutePlanner(new org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner(null)));
		}

	}

	/**
	 * @return the {@code spring.http.client.factory} value of a builder, or its class for
	 * another
	 */
	static String name(ClientHttpRequestFactoryBuilder<?> builder) {
		if (builder instanceof HttpComponentsClientHttpRequestFactoryBuilder) {
			return "http-components";
		}
		if (builder instanceof JettyClientHttpRequestFactoryBuilder) {
			return "jetty";
		}
		if (builder instanceof ReactorClientHttpRequestFactoryBuilder) {
			return "reactor";
		}
		if (builder instanceof JdkClientHttpRequestFactoryBuilder) {
			return "jdk";
		}
		if (builder instanceof SimpleClientHttpRequestFactoryBuilder) {
			return "simple";
		}
		return builder.getClass().getName();
	}

}
