package dev.mesh.client;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.web.client.RestClient;

/**
 * Turns {@code RestClient} and {@code RestClient.Builder} beans annotated with
 * {@link MeshClient @MeshClient} into mesh clients. A cheap type check comes first, so
 * other beans cost nothing; collaborators are looked up lazily so this post-processor can
 * be created early.
 */
public class MeshClientBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware {

	private final ObjectProvider<MeshClientFactory> factory;

	private ConfigurableListableBeanFactory beanFactory;

	/**
	 * @param factory the factory, resolved on first use
	 */
	public MeshClientBeanPostProcessor(ObjectProvider<MeshClientFactory> factory) {
		this.factory = factory;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (beanFactory instanceof ConfigurableListableBeanFactory listable) {
			this.beanFactory = listable;
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (!(bean instanceof RestClient) && !(bean instanceof RestClient.Builder)) {
			return bean;
		}
		String serviceId = serviceIdOf(beanName);
		if (serviceId == null) {
			return bean;
		}
		if (bean instanceof RestClient.Builder builder) {
			return this.factory.getObject().configure(builder, serviceId);
		}
		return this.factory.getObject().configure(((RestClient) bean).mutate(), serviceId).build();
	}

	private String serviceIdOf(String beanName) {
		if (this.beanFactory == null || !this.beanFactory.containsBeanDefinition(beanName)) {
			return null;
		}
		MeshClient annotation = this.beanFactory.findAnnotationOnBean(beanName, MeshClient.class, false);
		if (annotation == null) {
			return null;
		}
		String value = annotation.value();
		String problem = ServiceIds.problem(value);
		if (problem != null) {
			throw new InvalidMeshClientException(beanName, value, problem);
		}
		return value;
	}

}
