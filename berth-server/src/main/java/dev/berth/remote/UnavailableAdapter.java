package dev.berth.remote;

import java.util.List;
import java.util.Optional;

/**
 * An adapter Harbor has and Berth lists, with its info, but does not speak yet: the cloud
 * registries whose login is their own API's signed token exchange (Alibaba, Tencent and
 * Volcengine OpenAPI). Pinging or using one says so.
 */
final class UnavailableAdapter implements RegistryAdapter {
    private final String type;
    private final Optional<AdapterPattern> pattern;

    UnavailableAdapter(String type, Optional<AdapterPattern> pattern) {
        this.type = type;
        this.pattern = pattern;
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
        return false;
    }

    @Override
    public DistributionClient.Health ping(RemoteRegistry registry) {
        throw new UnavailableAdapterException(type);
    }

    @Override
    public RegistryInfo info(RemoteRegistry registry) {
        return RegistryInfo.of(type, List.of("image"), List.of(), false);
    }

    @Override
    public List<String> repositories(RemoteRegistry registry) {
        throw new UnavailableAdapterException(type);
    }

    @Override
    public DistributionClient client(RemoteRegistry registry) {
        throw new UnavailableAdapterException(type);
    }

    @Override
    public DistributionClient contentClient(Limits limits, RemoteRegistry registry) {
        throw new UnavailableAdapterException(type);
    }
}
