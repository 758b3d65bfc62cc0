package dev.berth.preheat;

import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Provider instances, Harbor's rules: a name of letters and digits with single {@code . _ -}
 * between, a known vendor that never changes, one instance per endpoint, at most one default, no
 * delete or disable while a policy uses it. Endpoints pass the outbound rules for targets system
 * administrators configure; auth info is sealed before it is stored and kept on update when none is
 * sent (Harbor's merge).
 */
@Service
class Instances {
    static final Pattern NAME = Pattern.compile("^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$");
    private static final Set<String> MODES =
            Set.of(InstanceRequest.NONE, InstanceRequest.BASIC, InstanceRequest.OAUTH, InstanceRequest.CUSTOM);
    private static final int MAX_TEXT = 1024;

    private final InstanceRecords records;
    private final PolicyRecords policies;
    private final Providers providers;
    private final OutboundHttp outbound;
    private final TransactionTemplate tx;
    private final Clock clock;

    Instances(
            InstanceRecords records,
            PolicyRecords policies,
            Providers providers,
            OutboundHttp outbound,
            TransactionTemplate tx,
            Clock clock) {
        this.records = records;
        this.policies = policies;
        this.providers = providers;
        this.outbound = outbound;
        this.tx = tx;
        this.clock = clock;
    }

    SqlPage<ProviderInstance> list(ListQuery query) {
        return records.list(query);
    }

    List<ProviderInstance> all() {
        return records.all();
    }

    ProviderInstance byName(String name) {
        return records.findByName(name).orElseThrow(() -> ApiException.notFound("instance " + name + " not found"));
    }

    Optional<ProviderInstance> byId(long id) {
        return records.find(id);
    }

    ProviderInstance create(InstanceRequest request) {
        String name = name(request.name());
        String vendor = vendor(request.vendor());
        String endpoint = endpoint(request.endpoint());
        String mode = mode(request.authMode());
        Map<String, String> auth = authInfo(mode, request.authInfo());
        return tx.execute(status -> {
            long id = records.nextId();
            ProviderInstance instance = new ProviderInstance(
                    id,
                    name,
                    text(request.description()),
                    vendor,
                    endpoint,
                    mode,
                    auth.isEmpty() ? Optional.empty() : Optional.of(providers.seal(id, auth)),
                    !Boolean.FALSE.equals(request.enabled()),
                    Boolean.TRUE.equals(request.isDefault()),
                    Boolean.TRUE.equals(request.insecure()),
                    clock.instant().getEpochSecond());
            if (!records.insert(instance)) {
                throw ApiException.conflict("a provider instance with this name or endpoint already exists");
            }
            if (instance.isDefault()) {
                records.clearDefaultExcept(id);
            }
            return instance;
        });
    }

    void update(String currentName, InstanceRequest request) {
        ProviderInstance current = byName(currentName);
        String name = request.name() == null || request.name().isEmpty() ? current.name() : name(request.name());
        if (request.vendor() != null
                && !request.vendor().isEmpty()
                && !request.vendor().equals(current.vendor())) {
            throw ApiException.badRequest("provider [" + current.name() + "] vendor cannot be changed");
        }
        String endpoint = request.endpoint() == null ? current.endpoint() : endpoint(request.endpoint());
        String mode = request.authMode() == null || request.authMode().isEmpty()
                ? current.authMode()
                : mode(request.authMode());
        Optional<String> sealed;
        if (mode.equals(InstanceRequest.NONE)) {
            sealed = Optional.empty();
        } else if (request.authInfo() == null || request.authInfo().isEmpty()) {
            if (current.sealedAuth().isEmpty()) {
                throw ApiException.badRequest("missing auth info for '" + mode + "' auth mode");
            }
            authInfo(mode, providers.open(current)); // the kept credentials must fit the new mode
            sealed = current.sealedAuth();
        } else {
            sealed = Optional.of(providers.seal(current.id(), authInfo(mode, request.authInfo())));
        }
        boolean enabled = request.enabled() == null ? current.enabled() : request.enabled();
        if (!enabled && policies.countByProvider(current.id()) > 0) {
            throw ApiException.preconditionFailed(
                    "Provider [" + current.name() + "] cannot be disabled as some preheat policies are using it");
        }
        ProviderInstance updated = new ProviderInstance(
                current.id(),
                name,
                request.description() == null ? current.description() : text(request.description()),
                current.vendor(),
                endpoint,
                mode,
                sealed,
                enabled,
                request.isDefault() == null ? current.isDefault() : request.isDefault(),
                request.insecure() == null ? current.insecure() : request.insecure(),
                current.setupTimestamp());
        tx.executeWithoutResult(status -> {
            if (!records.update(updated)) {
                throw ApiException.conflict("a provider instance with this name or endpoint already exists");
            }
            if (updated.isDefault()) {
                records.clearDefaultExcept(updated.id());
            }
        });
    }

    void delete(String name) {
        ProviderInstance instance = byName(name);
        if (policies.countByProvider(instance.id()) > 0) {
            throw ApiException.preconditionFailed(
                    "Provider [" + instance.name() + "] cannot be deleted as some preheat policies are using it");
        }
        records.delete(instance.id());
    }

    /** Harbor's ping: a stored instance by id, or the endpoint and credentials given. */
    void ping(InstanceRequest request) {
        if (request.id() != null && request.id() > 0) {
            ProviderInstance instance = records.find(request.id())
                    .orElseThrow(() -> ApiException.notFound("instance " + request.id() + " not found"));
            checkHealth(instance.vendor(), providers.endpoint(instance));
            return;
        }
        if (request.endpoint() == null || request.endpoint().isBlank()) {
            throw ApiException.badRequest("an instance id or an endpoint is required");
        }
        String vendor = vendor(request.vendor());
        String endpoint = endpoint(request.endpoint());
        String mode = mode(request.authMode());
        Map<String, String> auth = authInfo(mode, request.authInfo());
        checkHealth(vendor, providers.endpoint(endpoint, mode, auth, Boolean.TRUE.equals(request.insecure())));
    }

    private void checkHealth(String vendor, ProviderEndpoint endpoint) {
        ProviderDriver driver = providers
                .driver(vendor)
                .orElseThrow(() -> ApiException.badRequest("no driver registered for provider " + vendor));
        try {
            driver.checkHealth(endpoint);
        } catch (ProviderException e) {
            // Harbor answers 500; a 5xx here would hide the reason, which is what the caller needs.
            throw ApiException.badRequest(
                    e.refused() ? e.getMessage() : "the provider is not healthy: " + e.getMessage());
        }
    }

    private static String name(String raw) {
        String name = raw == null ? "" : raw;
        if (name.length() > 255 || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name " + name + " is invalid");
        }
        return name;
    }

    private String vendor(String vendor) {
        if (vendor == null || providers.driver(vendor).isEmpty()) {
            throw ApiException.badRequest("unknown provider vendor " + vendor + " (dragonfly or kraken)");
        }
        return vendor;
    }

    private static String mode(String raw) {
        String mode = raw == null || raw.isEmpty() ? InstanceRequest.NONE : raw;
        if (!MODES.contains(mode)) {
            throw ApiException.badRequest("unknown auth mode " + mode + " (NONE, BASIC, OAUTH or CUSTOM)");
        }
        return mode;
    }

    /** The auth info a mode needs, checked; empty for NONE whatever was sent. */
    private static Map<String, String> authInfo(String mode, Map<String, String> given) {
        Map<String, String> info = given == null ? Map.of() : given;
        for (Map.Entry<String, String> e : info.entrySet()) {
            if (e.getKey() == null
                    || e.getValue() == null
                    || e.getValue().length() > 4096
                    || (e.getKey() + e.getValue()).chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw ApiException.badRequest("auth_info values must be up to 4096 printable characters");
            }
        }
        return switch (mode) {
            case InstanceRequest.BASIC -> {
                if (info.getOrDefault("username", "").isEmpty()) {
                    throw ApiException.badRequest("missing username and/or password");
                }
                yield Map.of("username", info.get("username"), "password", info.getOrDefault("password", ""));
            }
            case InstanceRequest.OAUTH -> {
                if (info.getOrDefault("token", "").isEmpty()) {
                    throw ApiException.badRequest("missing OAuth token");
                }
                yield Map.of("token", info.get("token"));
            }
            case InstanceRequest.CUSTOM -> {
                if (info.size() != 1 || !info.keySet().iterator().next().matches("[A-Za-z0-9-]+")) {
                    throw ApiException.badRequest("CUSTOM auth takes one header: {\"<header name>\": \"<value>\"}");
                }
                yield Map.copyOf(info);
            }
            default -> Map.of();
        };
    }

    private String endpoint(String raw) {
        String endpoint = raw == null ? "" : raw.trim();
        while (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw ApiException.badRequest("the endpoint must be an http or https URL");
        }
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("invalid endpoint: " + e.getReason());
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw ApiException.badRequest("the endpoint has no query, fragment or user info");
        }
        try {
            outbound.check(uri, Trust.ADMINISTRATOR);
        } catch (TargetRefusedException e) {
            throw ApiException.badRequest("endpoint refused: " + e.getMessage());
        }
        return endpoint;
    }

    private static String text(String s) {
        if (s != null && s.length() > MAX_TEXT) {
            throw ApiException.badRequest("description is at most " + MAX_TEXT + " characters");
        }
        return s == null ? "" : s;
    }
}
