/**
 * Load balancing: the pickers that choose one instance of a service per attempt
 * ({@link dev.mesh.loadbalancer.InstancePicker}, built per instance list by
 * {@link dev.mesh.loadbalancer.InstancePickers}), the policy names users choose from
 * ({@link dev.mesh.loadbalancer.LoadBalancerPolicy}), and an adapter that offers the same
 * pickers through Spring Cloud LoadBalancer's SPI
 * ({@link dev.mesh.loadbalancer.MeshReactorLoadBalancer}, declared per client by
 * {@link dev.mesh.loadbalancer.MeshLoadBalancerClientConfiguration} together with the
 * {@code LoadBalancerLifecycle} that feeds call outcomes back to the pickers).
 */
package dev.mesh.loadbalancer;
