package dev.mesh.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.mesh.discovery.InstanceState;
import dev.mesh.discovery.MeshInstance;
import dev.mesh.loadbalancer.InstanceFilter;
import dev.mesh.loadbalancer.InstancePicker;
import dev.mesh.loadbalancer.InstancePickers;
import dev.mesh.loadbalancer.LoadBalancerPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RandomLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Cost of one pick: each mesh policy's {@link InstancePicker#pick} and Spring Cloud
 * LoadBalancer's {@code RoundRobinLoadBalancer} and {@code RandomLoadBalancer}
 * {@code choose()} (blocked on, as {@code BlockingLoadBalancerClient} does), over the
 * same lists of 3, 100 and 1000 instances with weights 1 to 10. Run with {@code -prof gc}
 * for allocation per pick. The mesh pickers see some requests in flight and latency
 * estimates, as in a running client, so least-request and peak-ewma do their full
 * comparison. Each mesh pick is given its time, as the {@code @MeshClient} pipeline gives
 * it the time it read for the attempt.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickerBenchmark {

	/** The instances both sides choose from. */
	@State(Scope.Benchmark)
	public static class Instances {

		@Param({ "3", "100", "1000" })
		public int size;

		List<ServiceInstance> serviceInstances;

		List<MeshInstance> meshInstances;

		/**
		 * The time each pick is made at, as the {@code @MeshClient} pipeline passes it:
		 * half a millisecond after the requests in flight started, less than any latency
		 * estimate, as under steady load.
		 */
		long pickNanos;

		@Setup(Level.Trial)
		public void setUp() {
			this.serviceInstances = new ArrayList<>(this.size);
			this.meshInstances = new ArrayList<>(this.size);
			long now = System.nanoTime();
			for (int i = 0; i < this.size; i++) {
				int weight = 1 + (i % 10);
				DefaultServiceInstance instance = new DefaultServiceInstance("i" + i, "bench", "10.0.0." + (i % 250),
						8080 + i, false, java.util.Map.of("weight", Integer.toString(weight)));
				this.serviceInstances.add(instance);
				MeshInstance meshInstance = MeshInstance.of(instance, weight);
				for (int j = 0; j < i % 4; j++) {
					meshInstance.state().attemptStarted(now);
				}
				// sampled at different times, as in a running client, so peak-ewma pays
				// for the decay
				long sampled = now - 1_000_000L * (i % 53);
				meshInstance.state().attemptStarted(sampled);
				meshInstance.state()
					.attemptEnded(InstanceState.AttemptResult.SUCCEEDED, 1_000_000L + 10_000L * (i % 37), sampled);
				this.meshInstances.add(meshInstance);
			}
			this.pickNanos = now + 500_000L;
		}

	}

	/** One mesh picker per policy. */
	@State(Scope.Benchmark)
	public static class Mesh {

		@Param({ "WEIGHTED_ROUND_ROBIN", "WEIGHTED_RANDOM", "ROUND_ROBIN", "LEAST_REQUEST", "PEAK_EWMA" })
		public LoadBalancerPolicy policy;

		InstancePicker picker;

		@Setup(Level.Trial)
		public void setUp(Instances instances) {
			this.picker = InstancePickers.create(this.policy, instances.meshInstances);
		}

	}

	/** Spring Cloud LoadBalancer's two built-in load balancers. */
	@State(Scope.Benchmark)
	public static class SpringCloud {

		ReactorServiceInstanceLoadBalancer roundRobin;

		ReactorServiceInstanceLoadBalancer random;

		@Setup(Level.Trial)
		public void setUp(Instances instances) {
			List<ServiceInstance> list = instances.serviceInstances;
			ServiceInstanceListSupplier supplier = new ServiceInstanceListSupplier() {

				@Override
				public String getServiceId() {
					return "bench";
				}

				@Override
				public Flux<List<ServiceInstance>> get() {
					return Flux.just(list);
				}

			};
			StaticListableBeanFactory beanFactory = new StaticListableBeanFactory();
			beanFactory.addBean("supplier", supplier);
			this.roundRobin = new RoundRobinLoadBalancer(beanFactory.getBeanProvider(ServiceInstanceListSupplier.class),
					"bench");
			this.random = new RandomLoadBalancer(beanFactory.getBeanProvider(ServiceInstanceListSupplier.class),
					"bench");
		}

	}

	@Benchmark
	public MeshInstance meshPick(Mesh mesh, Instances instances) {
		return mesh.picker.pick(InstanceFilter.ALL, instances.pickNanos);
	}

	@Benchmark
	public Response<ServiceInstance> springCloudRoundRobin(SpringCloud springCloud) {
		return springCloud.roundRobin.choose().block();
	}

	@Benchmark
	public Response<ServiceInstance> springCloudRandom(SpringCloud springCloud) {
		return springCloud.random.choose().block();
	}

}
