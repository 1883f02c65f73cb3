package dev.mesh.testsupport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A real Spring Authorization Server on 127.0.0.1 and a random port, with
 * client-credentials clients configured through Spring Boot's own properties. Counts the
 * token requests it serves.
 */
public final class InProcessAuthorizationServer implements AutoCloseable {

	private static final AtomicInteger tokenRequests = new AtomicInteger();

	private final ConfigurableApplicationContext context;

	private InProcessAuthorizationServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Starts a server with client {@code order} (secret {@code order-secret}, scopes
	 * inventory.read, inventory.write, payments.write).
	 * @param tokenTtl lifetime of the access tokens it issues
	 * @return the started server
	 */
	public static InProcessAuthorizationServer start(Duration tokenTtl) {
		tokenRequests.set(0);
		String client = "spring.security.oauth2.authorizationserver.client.order.";
		List<String> args = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1", "mesh.enabled=false",
				"spring.cloud.consul.enabled=false", "spring.main.banner-mode=off", "spring.application.name=auth",
				client + "registration.client-id=order", client + "registration.client-secret={noop}order-secret",
				client + "registration.client-authentication-methods=client_secret_basic",
				client + "registration.authorization-grant-types=client_credentials",
				client + "registration.scopes=inventory.read,inventory.write,payments.write",
				client + "token.access-token-time-to-live=" + tokenTtl.toMillis() + "ms",
				client + "token.access-token-format=self-contained"));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(AuthorizationServerApplication.class)
			.web(WebApplicationType.SERVLET)
			.run(args.stream().map((arg) -> "--" + arg).toArray(String[]::new));
		return new InProcessAuthorizationServer(context);
	}

	/**
	 * @return the token endpoint
	 */
	public String tokenUri() {
		return "http://127.0.0.1:" + ((WebServerApplicationContext) this.context).getWebServer().getPort()
				+ "/oauth2/token";
	}

	/**
	 * @return token requests served so far, successful or not
	 */
	public int tokenRequests() {
		return tokenRequests.get();
	}

	/**
	 * @param tokenUri the token endpoint
	 * @return properties that make an application use this server's {@code order} client
	 * as registration {@code mesh}
	 */
	public static List<String> meshRegistration(String tokenUri) {
		return List.of("spring.security.oauth2.client.registration.mesh.client-id=order",
				"spring.security.oauth2.client.registration.mesh.client-secret=order-secret",
				"spring.security.oauth2.client.registration.mesh.authorization-grant-type=client_credentials",
				"spring.security.oauth2.client.registration.mesh.scope=inventory.read,inventory.write",
				"spring.security.oauth2.client.provider.mesh.token-uri=" + tokenUri);
	}

	@Override
	public void close() {
		this.context.close();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class AuthorizationServerApplication {

		@Bean
		FilterRegistrationBean<OncePerRequestFilter> tokenRequestCounter() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {

						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							if (request.getRequestURI().equals("/oauth2/token")) {
								tokenRequests.incrementAndGet();
							}
							chain.doFilter(request, response);
						}

					});
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

}
