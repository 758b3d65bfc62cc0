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
 * dtr}). Repositories come from {@code /v2/_catalog}; {@link GitlabAdapter} lists them through
 * GitLab's API instead.
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
        DistributionClient client;
        try {
            client = client(registry);
        } catch (dev.berth.outbound.TargetRefusedException e) {
            throw e;
        } catch (RemoteException | dev.berth.outbound.OutboundException e) {
            // the login exchange before the registry (a cloud token) failed
            return new DistributionClient.Health(false, e.getMessage());
        }
        return client.ping();
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
        Session session = session(registry);
        return new DistributionClient(
                outbound.client(Trust.ADMINISTRATOR, options.withSkipCertVerify(registry.insecure())),
                session.base(),
                session.login(),
                json);
    }

    /**
     * Where the registry's {@code /v2/} API is and what to log in to it with. The generic protocol
     * uses the endpoint's URL and credential as they are; the cloud adapters exchange the credential
     * for a registry login first (and ECR names its registry in the exchange's answer).
     *
     * @throws RemoteException when the exchange fails
     */
    Session session(RemoteRegistry registry) {
        return new Session(registryBase.apply(registry.uri()), registry.login());
    }

    /** A registry's base URL and the credential its {@code /v2/} API takes. */
    record Session(URI base, java.util.Optional<Credential> login) {}

    /** A client of Berth's outbound rules for the endpoint's side APIs (token services, cloud APIs). */
    dev.berth.outbound.OutboundClient apiClient(RemoteRegistry registry) {
        return outbound.client(Trust.ADMINISTRATOR, OPTIONS.withSkipCertVerify(registry.insecure()));
    }

    OutboundHttp outbound() {
        return outbound;
    }

    JsonMapper json() {
        return json;
    }
}
