package dev.mesh.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

/**
 * Binds each {@code mesh.clients.<service>} over a fresh binding of
 * {@code mesh.client-defaults}, so a client inherits every value it does not set itself
 * (the way Spring Cloud binds {@code spring.cloud.loadbalancer.clients.<service>} over
 * {@code spring.cloud.loadbalancer}). Inheritance happens once, at bind time: the bound
 * {@link MeshClientProperties} of a client holds its effective values.
 */
final class ClientDefaultsBindHandler extends AbstractBindHandler {

	static final ConfigurationPropertyName CLIENTS = ConfigurationPropertyName.of("mesh.clients");

	static final ConfigurationPropertyName CLIENT_DEFAULTS = ConfigurationPropertyName.of("mesh.client-defaults");

	ClientDefaultsBindHandler(BindHandler parent) {
		super(parent);
	}

	@Override
	public <T> Bindable<T> onStart(ConfigurationPropertyName name, Bindable<T> target, BindContext context) {
		if (CLIENTS.isParentOf(name) && MeshClientProperties.class.equals(target.getType().resolve())) {
			MeshClientProperties defaults = context.getBinder()
				.bindOrCreate(CLIENT_DEFAULTS, Bindable.of(MeshClientProperties.class), BindHandler.DEFAULT);
			@SuppressWarnings("unchecked")
			T inherited = (T) defaults;
			return super.onStart(name, target.withExistingValue(inherited), context);
		}
		return super.onStart(name, target, context);
	}

	/**
	 * Applies the handler to every binding of {@code @ConfigurationProperties}, the
	 * {@link MeshProperties} bean's included.
	 */
	static final class Advisor implements ConfigurationPropertiesBindHandlerAdvisor {

		@Override
		public BindHandler apply(BindHandler bindHandler) {
			return new ClientDefaultsBindHandler(bindHandler);
		}

	}

}
