/**
 * Load balancing: the pickers that choose one instance of a service per attempt
 * ({@link dev.mesh.loadbalancer.InstancePicker}), the policy names users choose from
 * ({@link dev.mesh.loadbalancer.LoadBalancerPolicy}), and an adapter that offers the same pickers
 * through Spring Cloud LoadBalancer's SPI.
 */
package dev.mesh.loadbalancer;
