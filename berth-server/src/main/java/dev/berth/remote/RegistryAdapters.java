package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Harbor v2.14's registry adapters by name, in Harbor's (sorted) order, with the endpoint and
 * credential patterns Harbor's portal shows for them. Which ones Berth speaks: see {@link
 * RegistryAdapter#available()} and {@code docs/replication.md}.
 */
@Component
public class RegistryAdapters {
    private static final List<String> ECR_REGIONS = List.of(
            "us-east-2",
            "us-east-1",
            "us-west-1",
            "us-west-2",
            "af-south-1",
            "ap-east-1",
            "ap-south-1",
            "ap-northeast-3",
            "ap-northeast-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "ca-central-1",
            "cn-north-1",
            "cn-northwest-1",
            "eu-central-1",
            "eu-west-1",
            "eu-west-2",
            "eu-south-1",
            "eu-west-3",
            "eu-north-1",
            "me-south-1",
            "sa-east-1");
    private static final List<String> ALIYUN_REGIONS = List.of(
            "cn-qingdao",
            "cn-beijing",
            "cn-zhangjiakou",
            "cn-huhehaote",
            "cn-wulanchabu",
            "cn-hangzhou",
            "cn-shanghai",
            "cn-shenzhen",
            "cn-heyuan",
            "cn-guangzhou",
            "cn-chengdu",
            "cn-hongkong",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-5",
            "ap-south-1",
            "ap-northeast-1",
            "us-west-1",
            "us-east-1",
            "eu-central-1",
            "eu-west-1",
            "me-east-1");
    private static final URI DOCKER_HUB_REGISTRY = URI.create("https://registry-1.docker.io");

    private final Map<String, RegistryAdapter> byType = new LinkedHashMap<>();

    RegistryAdapters(
            OutboundHttp outbound,
            JsonMapper json,
            java.time.Clock clock,
            @org.springframework.beans.factory.annotation.Value("${berth.replication.aws-ecr.endpoint:}")
                    String ecrEndpoint,
            @org.springframework.beans.factory.annotation.Value("${berth.replication.jfrog-artifactory.endpoint:}")
                    String jfrogEndpoint,
            @org.springframework.beans.factory.annotation.Value("${berth.replication.docker-hub.endpoint:}")
                    String dockerHubEndpoint) {
        ExchangedLogins logins = new ExchangedLogins(clock);
        Optional<URI> ecrOverride =
                ecrEndpoint == null || ecrEndpoint.isBlank() ? Optional.empty() : Optional.of(URI.create(ecrEndpoint));
        List<RegistryAdapter> all = List.of(
                new UnavailableAdapter("ali-acr", Optional.of(AdapterPattern.listed(aliyun()))),
                new EcrAdapter(Optional.of(AdapterPattern.listed(ecr())), ecrOverride, logins, outbound, json),
                new AzureAdapter(outbound, json),
                new DockerHubAdapter(
                        Optional.of(AdapterPattern.fixed("hub.docker.com", "https://hub.docker.com")),
                        RegistryAdapters::dockerHub,
                        outbound,
                        json,
                        optionalUri(dockerHubEndpoint)),
                generic("docker-registry", Optional.empty(), outbound, json),
                generic("dtr", Optional.empty(), outbound, json),
                new GithubAdapter(Optional.of(AdapterPattern.fixed("ghcr.io", "https://ghcr.io")), outbound, json),
                new GitlabAdapter(outbound, json),
                new GoogleAdapter(
                        Optional.of(new AdapterPattern(
                                new AdapterPattern.EndpointPattern(
                                        AdapterPattern.LIST,
                                        List.of(
                                                new AdapterPattern.Endpoint("gcr.io", "https://gcr.io"),
                                                new AdapterPattern.Endpoint("us.gcr.io", "https://us.gcr.io"),
                                                new AdapterPattern.Endpoint("eu.gcr.io", "https://eu.gcr.io"),
                                                new AdapterPattern.Endpoint("asia.gcr.io", "https://asia.gcr.io"))),
                                new AdapterPattern.CredentialPattern(
                                        "AccessKeyTypeFix", "_json_key", "AccessSecretTypeFile", "No Change"))),
                        logins,
                        clock,
                        outbound,
                        json),
                new HarborAdapter(outbound, json),
                new HuaweiAdapter(outbound, json),
                new JfrogAdapter(outbound, json, optionalUri(jfrogEndpoint)),
                new QuayAdapter(
                        Optional.of(new AdapterPattern(
                                new AdapterPattern.EndpointPattern(AdapterPattern.STANDARD, null),
                                new AdapterPattern.CredentialPattern(
                                        "AccessKeyTypeFix", "json_file", "AccessSecretTypeFile", ""))),
                        outbound,
                        json),
                new UnavailableAdapter("tencent-tcr", Optional.of(AdapterPattern.empty())),
                new UnavailableAdapter("volcengine-cr", Optional.of(AdapterPattern.empty())));
        all.forEach(a -> byType.put(a.type(), a));
    }

    private static Optional<URI> optionalUri(String configured) {
        return configured == null || configured.isBlank() ? Optional.empty() : Optional.of(URI.create(configured));
    }

    private static DistributionAdapter generic(
            String type, Optional<AdapterPattern> pattern, OutboundHttp outbound, JsonMapper json) {
        return new DistributionAdapter(type, pattern, UnaryOperator.identity(), outbound, json);
    }

    /** Every adapter's name, Harbor's order. */
    public List<String> types() {
        return List.copyOf(byType.keySet());
    }

    public Optional<RegistryAdapter> of(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** The adapter of an endpoint. */
    public RegistryAdapter of(RemoteRegistry registry) {
        return of(registry.type()).orElseThrow(() -> new RemoteException("unknown registry type " + registry.type()));
    }

    /** The adapters that have a pattern, as {@code /replication/adapterinfos} answers. */
    public Map<String, AdapterPattern> patterns() {
        Map<String, AdapterPattern> patterns = new LinkedHashMap<>();
        byType.values().forEach(a -> a.pattern().ifPresent(p -> patterns.put(a.type(), p)));
        return patterns;
    }

    /** Docker Hub's portal address stands for its registry, which lives elsewhere. */
    private static URI dockerHub(URI configured) {
        String host = configured.getHost();
        return host != null && (host.equals("hub.docker.com") || host.equals("docker.io"))
                ? DOCKER_HUB_REGISTRY
                : configured;
    }

    private static List<AdapterPattern.Endpoint> ecr() {
        return ECR_REGIONS.stream()
                .map(r -> new AdapterPattern.Endpoint(r, "https://api.ecr." + r + ".amazonaws.com"))
                .toList();
    }

    private static List<AdapterPattern.Endpoint> aliyun() {
        List<AdapterPattern.Endpoint> endpoints = new ArrayList<>();
        for (String r : ALIYUN_REGIONS) {
            endpoints.add(new AdapterPattern.Endpoint(r, "https://registry." + r + ".aliyuncs.com"));
            endpoints.add(new AdapterPattern.Endpoint(r + "-vpc", "https://registry-vpc." + r + ".aliyuncs.com"));
            endpoints.add(
                    new AdapterPattern.Endpoint(r + "-internal", "https://registry-internal." + r + ".aliyuncs.com"));
            endpoints.add(new AdapterPattern.Endpoint(
                    r + "-ee-vpc", "https://instanceName-registry-vpc." + r + ".cr.aliyuncs.com"));
            endpoints.add(
                    new AdapterPattern.Endpoint(r + "-ee", "https://instanceName-registry." + r + ".cr.aliyuncs.com"));
        }
        return endpoints;
    }
}
