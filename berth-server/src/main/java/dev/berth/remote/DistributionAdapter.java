package dev.berth.remote;

import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.OutboundOptions;
import dev.berth.outbound.Trust;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Any registry that speaks the OCI distribution API with Basic or token login: {@code
 * docker-registry} (CNCF distribution, zot, Berth, ...), and the hosted registries that are the same
 * protocol with their own login names ({@code docker-hub}, {@code github-ghcr}, {@code gitlab},
 * {@code jfrog-artifactory}, {@code azure-acr}, {@code google-gcr} with {@code _json_key}, {@code
 * dtr}). Repositories come from {@code /v2/_catalog}.
 */
class DistributionAdapter implements RegistryAdapter {
    /** Read only what a registry's JSON answers need; blobs are streamed by their own clients. */
    static final OutboundOptions OPTIONS = OutboundOptions.defaults();

    private final String type;
    private final Optional<AdapterPattern> pattern;
    private final UnaryOperator<URI> registryBase;
    private final OutboundHttp outbound;
    private final JsonMapper json;

    DistributionAdapter(
            String type,
            Optional<AdapterPattern> pattern,
            UnaryOperator<URI> registryBase,
            OutboundHttp outbound,
            JsonMapper json) {
        this.type = type;
        this.pattern = pattern;
        this.registryBase = registryBase;
        this.outbound = outbound;
        this.json = json;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Optional<AdapterPattern> pattern() {
        return pattern;
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public DistributionClient.Health ping(RemoteRegistry registry) {
        return client(registry).ping();
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type, List.of("image"), List.of(), false);
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        return client(registry).catalog();
    }

    @Override
    public DistributionClient client(RemoteRegistry registry) {
        return client(registry, OPTIONS);
    }

    @Override
    public DistributionClient contentClient(Limits limits, RemoteRegistry registry) {
        return client(
                registry,
                OutboundOptions.defaults()
                        .withTimeouts(limits.connect(), limits.read())
                        .withMaxRedirects(3)
                        .withMaxResponseBytes(Long.MAX_VALUE));
    }

    DistributionClient client(RemoteRegistry registry, OutboundOptions options) {
        return new DistributionClient(
                outbound.client(Trust.ADMINISTRATOR, options.withSkipCertVerify(registry.insecure())),
                registryBase.apply(registry.uri()),
                registry.login(),
                json);
    }

    OutboundHttp outbound() {
        return outbound;
    }

    JsonMapper json() {
        return json;
    }
}
