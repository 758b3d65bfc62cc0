package dev.berth.registry;

import dev.berth.config.BerthProperties;
import java.util.List;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {
    @Bean
    ServletRegistrationBean<RegistryServlet> registryServlet(
            BlobUploadService uploads,
            BlobService blobs,
            ManifestService manifests,
            RepositoryRecords repositories,
            RegistryGuard guard,
            RegistryAudit audit,
            BerthProperties properties,
            JsonMapper json,
            PullRecorder pulls,
            List<PullPolicy> pullPolicies,
            List<PullThrough> pullThroughs) {
        ServletRegistrationBean<RegistryServlet> bean = new ServletRegistrationBean<>(
                new RegistryServlet(
                        uploads,
                        blobs,
                        manifests,
                        repositories,
                        guard,
                        audit,
                        properties,
                        json,
                        pulls,
                        pullPolicies,
                        pullThroughs),
                "/v2/*");
        bean.setName("registry");
        bean.setLoadOnStartup(1);
        return bean;
    }
}
