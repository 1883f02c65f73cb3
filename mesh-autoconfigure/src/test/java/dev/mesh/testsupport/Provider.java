package dev.mesh.testsupport;

import org.springframework.cloud.client.ServiceInstance;

/**
 * One instance of a service as a consumer's registry lists it: a {@link TestServer}, a
 * {@link RawHttpServer}, or any address a test makes up.
 */
@FunctionalInterface
public interface Provider {

	/**
	 * @param serviceId the service it is an instance of
	 * @return its registry entry
	 */
	ServiceInstance instance(String serviceId);

}
