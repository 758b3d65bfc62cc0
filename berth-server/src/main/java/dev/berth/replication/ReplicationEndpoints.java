package dev.berth.replication;

import dev.berth.job.UnrecoverableJobException;
import dev.berth.registry.RegistryContent;
import dev.berth.remote.RegistryAdapter;
import dev.berth.remote.RegistryAdapters;
import dev.berth.remote.RemoteRegistries;
import dev.berth.remote.RemoteRegistry;
import org.springframework.stereotype.Component;

/** The two ends of a policy's copies: this Berth in process, the remote through its adapter. */
@Component
class ReplicationEndpoints {
    private final RegistryContent content;
    private final RemoteRegistries registries;
    private final RegistryAdapters adapters;
    private final ArtifactLabelNames labels;
    private final RegistryAdapter.Limits limits;

    ReplicationEndpoints(
            RegistryContent content,
            RemoteRegistries registries,
            RegistryAdapters adapters,
            ArtifactLabelNames labels,
            ReplicationSettings settings) {
        this.content = content;
        this.registries = registries;
        this.adapters = adapters;
        this.labels = labels;
        // content clients wait longer than pings by default: a large blob may take a while to start
        this.limits = new RegistryAdapter.Limits(settings.connectTimeout, settings.readTimeout);
    }

    /** This Berth alone, for what needs no remote (an event's labels). */
    ContentEndpoint local() {
        return new LocalEndpoint(content, labels);
    }

    record Ends(ContentEndpoint source, ContentEndpoint destination, String remoteName) {}

    Ends of(ReplicationPolicy policy) {
        RemoteRegistry registry = registries
                .find(policy.remoteRegistryId())
                .orElseThrow(() -> new UnrecoverableJobException(
                        "the registry " + policy.remoteRegistryId() + " of the policy is gone"));
        RegistryAdapter adapter = adapters.of(registry);
        ContentEndpoint remote = new RemoteEndpoint(adapter, registry, adapter.contentClient(limits, registry));
        ContentEndpoint local = local();
        return policy.isPush() ? new Ends(local, remote, registry.name()) : new Ends(remote, local, registry.name());
    }
}
