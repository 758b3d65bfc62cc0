package dev.berth.replication;

import dev.berth.job.UnrecoverableJobException;
import dev.berth.registry.RegistryContent;
import dev.berth.remote.RegistryAdapter;
import dev.berth.remote.RegistryAdapters;
import dev.berth.remote.RemoteRegistries;
import dev.berth.remote.RemoteRegistry;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** The two ends of a policy's copies: this Berth in process, the remote through its adapter. */
@Component
class ReplicationEndpoints {
    /** Content clients wait longer than pings: a large blob may take a while to start. */
    static final RegistryAdapter.Limits LIMITS =
            new RegistryAdapter.Limits(Duration.ofSeconds(10), Duration.ofMinutes(5));

    private final RegistryContent content;
    private final RemoteRegistries registries;
    private final RegistryAdapters adapters;
    private final ArtifactLabelNames labels;

    ReplicationEndpoints(
            RegistryContent content,
            RemoteRegistries registries,
            RegistryAdapters adapters,
            ArtifactLabelNames labels) {
        this.content = content;
        this.registries = registries;
        this.adapters = adapters;
        this.labels = labels;
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
        ContentEndpoint remote = new RemoteEndpoint(adapter, registry, adapter.contentClient(LIMITS, registry));
        ContentEndpoint local = local();
        return policy.isPush() ? new Ends(local, remote, registry.name()) : new Ends(remote, local, registry.name());
    }
}
