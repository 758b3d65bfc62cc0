package dev.berth.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.resource.PathResourceResolver;
import org.springframework.web.servlet.resource.ResourceResolverChain;

/**
 * Serves the web portal (the single-page app the {@code berth-portal} module packs under
 * {@code classpath:/static/}) at {@code /}. A browser asking for a page (it accepts
 * {@code text/html}) at a path that names no file gets {@code index.html}, so the app's own routes
 * ({@code /projects/7/members}) survive a reload; other clients get a 404, and so does everything
 * under the prefixes the server itself owns. Resource handlers rank after every controller and the
 * registry servlet, so the portal can never shadow an endpoint.
 */
@Configuration(proxyBeanMethods = false)
class PortalConfiguration implements WebMvcConfigurer {
    static final String LOCATION = "classpath:/static/";
    private static final Resource INDEX = new ClassPathResource("static/index.html");
    /** Paths the server owns: never answered with the app. {@code assets/}: a missing bundle is a 404. */
    private static final List<String> RESERVED =
            List.of("api/", "v2/", "service/", "c/", "actuator/", "assets/", "metrics/", "livez/", "readyz/");

    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self';"
            + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/assets/**")
                .addResourceLocations(LOCATION + "assets/")
                // Vite names every bundle after its content hash: a changed file is a new name.
                .setCacheControl(
                        CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable());
        registry.addResourceHandler("/**")
                .addResourceLocations(LOCATION)
                .setCacheControl(CacheControl.noCache())
                .resourceChain(false)
                .addResolver(new AppFallbackResolver());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new PortalHeaders())
                .addPathPatterns("/**")
                .excludePathPatterns("/api/**", "/v2/**", "/service/**", "/c/**", "/actuator/**");
    }

    private static final class AppFallbackResolver extends PathResourceResolver {
        @Override
        protected Resource resolveResourceInternal(
                @Nullable HttpServletRequest request,
                String requestPath,
                List<? extends Resource> locations,
                ResourceResolverChain chain) {
            Resource file = super.resolveResourceInternal(request, requestPath, locations, chain);
            if (file != null) {
                return file;
            }
            boolean root = requestPath.isEmpty();
            if (!root && (reserved(requestPath) || request == null || !wantsPage(request))) {
                return null;
            }
            return INDEX.exists() ? INDEX : null;
        }

        private static boolean wantsPage(HttpServletRequest request) {
            String accept = request.getHeader("Accept");
            return accept != null && accept.contains("text/html");
        }

        private static boolean reserved(String path) {
            for (String prefix : RESERVED) {
                if (path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Browser hardening for the app's pages; the API keeps its own headers. */
    private static final class PortalHeaders implements HandlerInterceptor {
        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("Referrer-Policy", "same-origin");
            return true;
        }
    }
}
