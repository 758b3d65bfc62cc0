package dev.berth.remote;

import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The registry endpoints: Harbor's validation (a name of 1 to 64 characters, unique; an http(s) URL;
 * a known adapter; an endpoint that answers and accepts its credential), the outbound rules for
 * targets administrators configure, and credentials sealed before they are stored. Replication and
 * proxy cache find their endpoints here.
 */
@Service
public class RemoteRegistries {
    static final int MAX_NAME = 64;
    private static final int MAX_SECRET = 64 * 1024;
    private static final Set<String> CREDENTIAL_TYPES = Set.of(Credential.BASIC, Credential.OAUTH);

    private final RemoteRegistryRecords records;
    private final RegistryAdapters adapters;
    private final OutboundHttp outbound;
    /** Looked up when needed: the features that use endpoints depend on this service themselves. */
    private final ObjectProvider<RegistryUsage> usages;

    private final Clock clock;

    RemoteRegistries(
            RemoteRegistryRecords records,
            RegistryAdapters adapters,
            OutboundHttp outbound,
            ObjectProvider<RegistryUsage> usages,
            Clock clock) {
        this.records = records;
        this.adapters = adapters;
        this.outbound = outbound;
        this.usages = usages;
        this.clock = clock;
    }

    /** The endpoint, its credential in plain form (for adapters; never for a response). */
    public Optional<RemoteRegistry> find(long id) {
        return records.find(id);
    }

    /** The endpoint, or a 404. */
    public RemoteRegistry get(long id) {
        return records.find(id).orElseThrow(() -> ApiException.notFound("registry " + id + " not found"));
    }

    SqlPage<RemoteRegistry> list(ListQuery query) {
        return records.list(query);
    }

    RemoteRegistry create(RegistryRequests.Create request) {
        Instant now = clock.instant();
        long id = records.nextId();
        RegistryRequests.CredentialBody c = request.credential();
        RemoteRegistry registry = new RemoteRegistry(
                id,
                name(request.name()),
                request.description() == null ? "" : request.description(),
                type(request.type()),
                EndpointUrl.normalize(request.url()),
                Boolean.TRUE.equals(request.insecure()),
                c == null ? Optional.empty() : credential(c.type(), c.accessKey(), c.accessSecret(), Optional.empty()),
                RemoteRegistry.HEALTHY,
                now,
                now);
        requireHealthy(registry);
        if (!records.insert(registry)) {
            throw ApiException.conflict("registry " + registry.name() + " already exists");
        }
        return registry;
    }

    /** What became of an endpoint brought from elsewhere. */
    public sealed interface Imported {
        /** Stored; {@code healthy} false when it did not answer now (it is kept, marked unhealthy). */
        record Created(long id, boolean healthy, String reason) implements Imported {}

        record Existing(long id) implements Imported {}

        record Refused(String reason) implements Imported {}
    }

    /**
     * An endpoint brought from elsewhere (Harbor's {@code registry} table), known by its name:
     * checked as one created through the API — name, adapter, URL, credential, the outbound rules
     * for administrators' targets — except that it need not answer at once (stored unhealthy then,
     * as Harbor's health check would mark it). Its credential is sealed with Berth's key.
     */
    public Imported importEndpoint(
            String name,
            String description,
            String type,
            String url,
            boolean insecure,
            String credentialType,
            String accessKey,
            String accessSecret) {
        Optional<Long> existing = records.idOf(name == null ? "" : name.trim());
        if (existing.isPresent()) {
            return new Imported.Existing(existing.get());
        }
        RemoteRegistry registry;
        try {
            Instant now = clock.instant();
            registry = new RemoteRegistry(
                    records.nextId(),
                    name(name),
                    description == null ? "" : description,
                    type(type),
                    EndpointUrl.normalize(url),
                    insecure,
                    credential(credentialType, nonNull(accessKey), nonNull(accessSecret), Optional.empty()),
                    RemoteRegistry.HEALTHY,
                    now,
                    now);
            outbound.check(adapters.of(registry).savedTarget(registry), Trust.ADMINISTRATOR);
        } catch (ApiException e) {
            return new Imported.Refused(e.getMessage());
        } catch (TargetRefusedException e) {
            return new Imported.Refused("registry URL refused: " + e.getMessage());
        }
        String reason = "";
        try {
            requireHealthy(registry);
        } catch (ApiException e) {
            reason = e.getMessage();
            registry = new RemoteRegistry(
                    registry.id(),
                    registry.name(),
                    registry.description(),
                    registry.type(),
                    registry.url(),
                    registry.insecure(),
                    registry.credential(),
                    RemoteRegistry.UNHEALTHY,
                    registry.creationTime(),
                    registry.updateTime());
        }
        if (!records.insert(registry)) {
            return new Imported.Existing(records.idOf(registry.name()).orElse(0L));
        }
        return new Imported.Created(registry.id(), reason.isEmpty(), reason);
    }

    /** The id of the endpoint of this name, if one exists. */
    public Optional<Long> idOf(String name) {
        return records.idOf(name == null ? "" : name.trim());
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Applies the fields given; returns the endpoint before and after. */
    RemoteRegistry[] update(long id, RegistryRequests.Update request) {
        RemoteRegistry current = get(id);
        Optional<Credential> credential = current.credential();
        if (request.credentialType() != null || request.accessKey() != null || request.accessSecret() != null) {
            credential = credential(
                    request.credentialType() != null
                            ? request.credentialType()
                            : credential.map(Credential::type).orElse(null),
                    request.accessKey(),
                    request.accessSecret(),
                    current.credential());
        }
        RemoteRegistry updated = new RemoteRegistry(
                id,
                request.name() == null ? current.name() : name(request.name()),
                request.description() == null ? current.description() : request.description(),
                current.type(),
                request.url() == null ? current.url() : EndpointUrl.normalize(request.url()),
                request.insecure() == null ? current.insecure() : request.insecure(),
                credential,
                RemoteRegistry.HEALTHY,
                current.creationTime(),
                clock.instant());
        requireHealthy(updated);
        if (!records.update(updated)) {
            throw ApiException.conflict("registry " + updated.name() + " already exists");
        }
        return new RemoteRegistry[] {current, updated};
    }

    RemoteRegistry delete(long id) {
        RemoteRegistry registry = get(id);
        for (RegistryUsage usage : usages.orderedStream().toList()) {
            usage.blocksDeletion(id).ifPresent(why -> {
                throw ApiException.preconditionFailed("the registry " + id + " is " + why + ", cannot delete it");
            });
        }
        records.delete(id);
        return registry;
    }

    /** Pings a stored endpoint with some fields replaced, or an endpoint made of the fields alone. */
    void ping(RegistryRequests.Ping request) {
        Optional<RemoteRegistry> stored = request.id() == null ? Optional.empty() : Optional.of(get(request.id()));
        String type = request.type() != null
                ? request.type()
                : stored.map(RemoteRegistry::type).orElse("");
        String url = request.url() != null
                ? EndpointUrl.normalize(request.url())
                : stored.map(RemoteRegistry::url).orElse("");
        if (type.isEmpty() || url.isEmpty()) {
            throw ApiException.badRequest("type or url cannot be empty");
        }
        Optional<Credential> before = stored.flatMap(RemoteRegistry::credential);
        Optional<Credential> credential = before;
        if (request.credentialType() != null || request.accessKey() != null || request.accessSecret() != null) {
            credential = credential(
                    request.credentialType() != null
                            ? request.credentialType()
                            : before.map(Credential::type).orElse(null),
                    request.accessKey(),
                    request.accessSecret(),
                    before);
        }
        Instant now = clock.instant();
        requireHealthy(new RemoteRegistry(
                stored.map(RemoteRegistry::id).orElse(0L),
                stored.map(RemoteRegistry::name).orElse(""),
                "",
                type(type),
                url,
                request.insecure() != null
                        ? request.insecure()
                        : stored.map(RemoteRegistry::insecure).orElse(false),
                credential,
                RemoteRegistry.HEALTHY,
                now,
                now));
    }

    /** What the endpoint supports; endpoint 0 is this Berth, which also replicates on events. */
    RegistryInfo info(long id) {
        if (id == 0) {
            return RegistryInfo.of(
                            "harbor",
                            List.of("image"),
                            List.of(new RegistryInfo.FilterStyle("label", "list", List.of())),
                            true)
                    .withTrigger(RegistryInfo.EVENT_BASED);
        }
        RemoteRegistry registry = get(id);
        return adapters.of(registry).info(registry);
    }

    /**
     * The endpoint must be permitted by the outbound rules and answer as a registry with its
     * credential; a 400 that says why otherwise.
     */
    private void requireHealthy(RemoteRegistry registry) {
        RegistryAdapter adapter = adapters.of(registry);
        DistributionClient.Health health;
        try {
            outbound.check(adapter.savedTarget(registry), Trust.ADMINISTRATOR);
            health = adapter.ping(registry);
        } catch (TargetRefusedException e) {
            throw ApiException.badRequest("registry URL refused: " + e.getMessage());
        } catch (RemoteException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (!health.healthy()) {
            throw ApiException.badRequest("the registry is unhealthy: " + health.reason());
        }
    }

    private String type(String type) {
        if (type == null || type.isEmpty()) {
            throw ApiException.badRequest("type cannot be empty");
        }
        if (adapters.of(type).isEmpty()) {
            throw ApiException.badRequest("adapter factory for " + type + " not found");
        }
        return type;
    }

    private static String name(String raw) {
        String name = raw == null ? "" : raw.trim();
        if (name.isEmpty()) {
            throw ApiException.badRequest("name cannot be empty");
        }
        if (name.length() > MAX_NAME) {
            throw ApiException.badRequest("the max length of name is " + MAX_NAME);
        }
        return name;
    }

    /**
     * A credential from the request's fields: {@code null} or {@code "*****"} keeps what {@code
     * stored} holds, {@code ""} clears it. Empty when nothing is left to log in with.
     */
    private static Optional<Credential> credential(
            String type, String key, String secret, Optional<Credential> stored) {
        String t = type == null || type.isEmpty() ? Credential.BASIC : type;
        if (!CREDENTIAL_TYPES.contains(t)) {
            throw ApiException.badRequest("unsupported credential type " + t + " (basic or oauth)");
        }
        String k = kept(key, stored.map(Credential::accessKey).orElse(""));
        String s = kept(secret, stored.map(Credential::accessSecret).orElse(""));
        for (String v : List.of(k, s)) {
            if (v.length() > MAX_SECRET || v.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t')) {
                throw ApiException.badRequest(
                        "access_key and access_secret must be printable and at most " + MAX_SECRET + " characters");
            }
        }
        Credential credential = new Credential(t, k, s);
        return credential.isPresent() ? Optional.of(credential) : Optional.empty();
    }

    private static String kept(String given, String stored) {
        return given == null || given.equals(RegistryView.MASK) ? stored : given;
    }
}
