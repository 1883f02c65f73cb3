package dev.mesh.security;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves controller method parameters of type {@link MeshCaller} from the current
 * request's validated token; {@code null} when there is none.
 */
public final class MeshCallerArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return MeshCaller.class.equals(parameter.getParameterType());
	}

	@Override
	public MeshCaller resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
			NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
		return Callers.of(SecurityContextHolder.getContextHolderStrategy().getContext().getAuthentication());
	}

}
