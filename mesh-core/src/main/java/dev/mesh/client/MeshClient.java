package dev.mesh.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Marks a {@code RestClient} (or {@code RestClient.Builder}) bean as a client of one mesh
 * service: every request through it is sent to a healthy instance of that service, chosen
 * by the service's load balancer. Relative URIs and {@code http://<service>/...} go to
 * the service; any other host is refused. Also a qualifier: inject with
 * {@code @MeshClient("inventory") RestClient inventory}.
 *
 * <pre class="code">
 * &#64;Bean
 * &#64;MeshClient("inventory")
 * RestClient inventory(RestClient.Builder builder) {
 *     return builder.build();
 * }
 * </pre>
 */
@Target({ ElementType.METHOD, ElementType.FIELD, ElementType.PARAMETER, ElementType.TYPE, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface MeshClient {

	/**
	 * @return the service id the client calls, as registered in discovery
	 */
	String value();

}
