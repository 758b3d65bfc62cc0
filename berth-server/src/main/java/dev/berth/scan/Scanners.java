package dev.berth.scan;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.berth.api.ApiErrorCode;
import dev.berth.api.ApiException;
import dev.berth.api.ListQuery;
import dev.berth.api.SqlPage;
import dev.berth.crypto.SecretBox;
import dev.berth.crypto.SecretUnreadableException;
import dev.berth.outbound.OutboundHttp;
import dev.berth.outbound.TargetRefusedException;
import dev.berth.outbound.Trust;
import dev.berth.scan.builtin.BuiltinScanner;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scanner registrations: validation as Harbor does it, the URL checked against the outbound rules
 * when saved (administrator trust), the access credential sealed at rest and never returned, one
 * default (the first registration becomes it), and the adapter reached for ping and metadata.
 */
@Service
class Scanners {
    static final Set<String> AUTH_TYPES = Set.of("", "Basic", "Bearer", "APIKey");
    private static final int MAX_NAME = 255;
    private static final int MAX_DESCRIPTION = 1024;
    private static final int MAX_CREDENTIAL = 4096;

    private final ScannerRecords records;
    private final SecretBox secrets;
    private final OutboundHttp outbound;
    private final ScanSettings settings;
    private final JsonMapper json;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final BuiltinScanner builtin;
    private final Cache<String, Optional<AdapterMetadata>> metadataCache = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(30))
            .maximumSize(1000)
            .build();

    Scanners(
            ScannerRecords records,
            SecretBox secrets,
            OutboundHttp outbound,
            ScanSettings settings,
            JsonMapper json,
            TransactionTemplate tx,
            Clock clock,
            BuiltinScanner builtin) {
        this.builtin = builtin;
        this.records = records;
        this.secrets = secrets;
        this.outbound = outbound;
        this.settings = settings;
        this.json = json;
        this.tx = tx;
        this.clock = clock;
    }

    /** All registrations, the built-in scanner's among them when it is in use. */
    SqlPage<ScannerRegistration> list(ListQuery query) {
        return shown(records.list(query, hiddenBuiltin(), List.of()));
    }

    /** Enabled registrations only, as Harbor offers them to projects. */
    SqlPage<ScannerRegistration> candidates(ListQuery query) {
        return shown(records.list(query, " AND NOT s.disabled" + hiddenBuiltin(), List.of()));
    }

    ScannerRegistration get(String uuid) {
        return visible(records.find(uuid))
                .map(this::shown)
                .orElseThrow(() -> ApiException.notFound("scanner " + uuid + " not found"));
    }

    /** The default registration, else the built-in scanner when it is on. */
    Optional<ScannerRegistration> defaultScanner() {
        return visible(records.findDefault())
                .or(() -> settings.builtinDefault() ? records.find(BuiltinRegistration.UUID) : Optional.empty())
                .map(r -> r.asDefault(true));
    }

    /** The project's own scanner, else the system default, else the built-in scanner. */
    Optional<ScannerRegistration> ofProject(long projectId) {
        return visible(records.ofProject(projectId)).map(this::shown).or(this::defaultScanner);
    }

    /** A registration by uuid, the built-in one included whether it is in use or not (reports name it). */
    Optional<ScannerRegistration> find(String uuid) {
        return records.find(uuid);
    }

    /** The built-in scanner's row is hidden while it is off ({@code berth.scan.builtin-default}). */
    private String hiddenBuiltin() {
        return settings.builtinDefault() ? "" : " AND NOT s.immutable";
    }

    private Optional<ScannerRegistration> visible(Optional<ScannerRegistration> r) {
        return r.filter(x -> settings.builtinDefault() || !BuiltinRegistration.is(x));
    }

    private SqlPage<ScannerRegistration> shown(SqlPage<ScannerRegistration> page) {
        String defaultUuid = defaultScanner().map(ScannerRegistration::uuid).orElse("");
        return new SqlPage<>(
                page.total(),
                page.rows().stream()
                        .map(r -> r.asDefault(r.uuid().equals(defaultUuid)))
                        .toList());
    }

    /** The row with its default flag as in force: the built-in scanner's follows the rule, not the column. */
    private ScannerRegistration shown(ScannerRegistration r) {
        return BuiltinRegistration.is(r)
                ? r.asDefault(
                        defaultScanner().map(d -> d.uuid().equals(r.uuid())).orElse(false))
                : r;
    }

    String create(ScannerRequest body) {
        reserved(body);
        Valid v = validate(body, Optional.empty());
        String uuid = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Optional<String> sealed = v.credential().map(c -> secrets.seal(c, ScannerRegistration.credentialContext(uuid)));
        try {
            tx.executeWithoutResult(status -> {
                // The first adapter becomes the default (Harbor: the first registration), taking over
                // from the built-in scanner unless an administrator made that the default by name.
                boolean first = !records.anyAdapter() && records.findDefault().isEmpty();
                records.insert(new ScannerRegistration(
                        0,
                        uuid,
                        v.name(),
                        v.description(),
                        v.url(),
                        v.auth(),
                        sealed,
                        bool(body.skipCertVerify()),
                        bool(body.useInternalAddr()),
                        bool(body.disabled()),
                        first && !bool(body.disabled()),
                        false,
                        now,
                        now));
            });
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict(
                    "a scanner with the name " + v.name() + " or the URL " + v.url() + " already exists");
        }
        return uuid;
    }

    void update(String uuid, ScannerRequest body) {
        ScannerRegistration old = get(uuid);
        immutable(old, "update");
        reserved(body);
        Valid v = validate(body, Optional.of(old));
        boolean disabled = bool(body.disabled());
        if (old.isDefault() && disabled) {
            throw ApiException.badRequest("the default scanner " + old.name() + " cannot be disabled");
        }
        Optional<String> sealed;
        if (v.auth().isEmpty()) {
            sealed = Optional.empty();
        } else if (v.credential().isPresent()) {
            sealed = Optional.of(secrets.seal(v.credential().get(), ScannerRegistration.credentialContext(uuid)));
        } else {
            sealed = old.sealedCredential();
        }
        try {
            records.update(new ScannerRegistration(
                    old.id(),
                    uuid,
                    v.name(),
                    v.description(),
                    v.url(),
                    v.auth(),
                    sealed,
                    bool(body.skipCertVerify()),
                    bool(body.useInternalAddr()),
                    disabled,
                    old.isDefault(),
                    false,
                    old.createTime(),
                    clock.instant()));
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict(
                    "a scanner with the name " + v.name() + " or the URL " + v.url() + " already exists");
        }
    }

    ScannerRegistration delete(String uuid) {
        ScannerRegistration r = get(uuid);
        immutable(r, "delete");
        records.delete(uuid);
        return r;
    }

    /** Harbor's answer for its installed Trivy: 403 with this message. */
    private static void immutable(ScannerRegistration r, String verb) {
        if (r.immutable()) {
            throw ApiException.forbidden("registration " + r.name() + " is not allowed to " + verb
                    + " as it is immutable: scanner API: " + verb);
        }
    }

    /** Harbor reserves its installed scanner's name; the built-in scanner's is reserved here. */
    private static void reserved(ScannerRequest body) {
        String name = body == null || body.name() == null ? "" : body.name().trim();
        if (BuiltinScanner.NAME.equals(name)) {
            throw ApiException.badRequest("name \"" + name + "\" is reserved, please try a different name");
        }
    }

    void setDefault(String uuid, boolean isDefault) {
        ScannerRegistration r = get(uuid);
        if (isDefault && r.disabled()) {
            throw ApiException.badRequest("a disabled scanner cannot be the default");
        }
        tx.executeWithoutResult(status -> {
            if (isDefault) {
                records.setDefault(uuid, clock.instant());
            } else {
                records.unsetDefault(uuid, clock.instant());
            }
        });
    }

    /**
     * Creates the registration the configuration names, or updates the one of that name, and makes
     * it the default ({@code true}) or not ({@code false}) when asked; {@code null} leaves that as
     * the API would (the first registration becomes the default). The same at every start of every
     * replica; a replica that loses the race to create it updates the winner's row.
     */
    String upsert(ScannerRequest body, Boolean makeDefault) {
        String name = body.name() == null ? "" : body.name().trim();
        String uuid = records.findByName(name)
                .map(old -> {
                    update(old.uuid(), body);
                    return old.uuid();
                })
                .orElseGet(() -> {
                    try {
                        return create(body);
                    } catch (ApiException e) {
                        ScannerRegistration winner = records.findByName(name).orElseThrow(() -> e);
                        update(winner.uuid(), body);
                        return winner.uuid();
                    }
                });
        if (makeDefault != null && makeDefault != get(uuid).isDefault()) {
            setDefault(uuid, makeDefault);
        }
        return uuid;
    }

    void setProjectScanner(long projectId, String uuid) {
        ScannerRegistration r = visible(records.find(uuid == null ? "" : uuid))
                .orElseThrow(() -> ApiException.badRequest("scanner " + uuid + " does not exist"));
        if (r.disabled()) {
            throw ApiException.badRequest("scanner " + r.name() + " is disabled");
        }
        records.setProjectScanner(projectId, r.id());
    }

    /** Pings unsaved settings: the URL checked as at save, then the adapter's metadata fetched. */
    AdapterMetadata ping(ScannerRequest body) {
        Valid v = validate(body, Optional.empty());
        try {
            return AdapterClient.of(
                            outbound,
                            settings,
                            json,
                            v.url(),
                            v.auth(),
                            v.credential().orElse(null),
                            false)
                    .metadata();
        } catch (AdapterClient.AdapterException e) {
            throw ApiException.badRequest("ping the scanner: " + e.getMessage());
        }
    }

    /**
     * The adapter's metadata as Harbor shows it with a registration (its capabilities), remembered
     * for 30 s per registration version as Harbor's controller does, so listing does not call every
     * adapter each time.
     */
    Optional<AdapterMetadata> cachedMetadata(ScannerRegistration r) {
        return metadataCache.get(r.uuid() + "@" + r.updateTime(), key -> tryMetadata(r));
    }

    /** The adapter's metadata, or empty when it cannot be reached or answers wrongly. */
    Optional<AdapterMetadata> tryMetadata(ScannerRegistration r) {
        if (BuiltinRegistration.is(r)) {
            return Optional.of(BuiltinRegistration.metadata(builtin.version()));
        }
        try {
            return Optional.of(client(r).metadata());
        } catch (AdapterClient.AdapterException | ApiException e) {
            return Optional.empty();
        }
    }

    AdapterMetadata metadata(ScannerRegistration r) {
        if (BuiltinRegistration.is(r)) {
            return BuiltinRegistration.metadata(builtin.version());
        }
        try {
            return client(r).metadata();
        } catch (AdapterClient.AdapterException e) {
            throw new ApiException(ApiErrorCode.UNKNOWN, "scanner " + r.name() + ": " + e.getMessage());
        }
    }

    AdapterClient client(ScannerRegistration r) {
        if (BuiltinRegistration.is(r)) {
            throw new AdapterClient.AdapterException("the built-in scanner runs in process, not over HTTP");
        }
        String credential = null;
        if (r.sealedCredential().isPresent()) {
            try {
                credential = secrets.open(r.sealedCredential().get(), ScannerRegistration.credentialContext(r.uuid()));
            } catch (SecretUnreadableException e) {
                throw new AdapterClient.AdapterException(
                        "the scanner's credential cannot be read with this server's secret key; set it again");
            }
        }
        return AdapterClient.of(outbound, settings, json, r.url(), r.auth(), credential, r.skipCertVerify());
    }

    private record Valid(String name, String description, String url, String auth, Optional<String> credential) {}

    private Valid validate(ScannerRequest body, Optional<ScannerRegistration> old) {
        if (body == null) {
            throw ApiException.badRequest("a body is required");
        }
        String name = body.name() == null ? "" : body.name().trim();
        if (name.isEmpty()) {
            throw ApiException.badRequest("missing registration name");
        }
        if (name.length() > MAX_NAME) {
            throw ApiException.badRequest("name is longer than " + MAX_NAME + " characters");
        }
        String description = body.description() == null ? "" : body.description();
        if (description.length() > MAX_DESCRIPTION) {
            throw ApiException.badRequest("description is longer than " + MAX_DESCRIPTION + " characters");
        }
        String url = checkedUrl(body.url());
        String auth = body.auth() == null ? "" : body.auth();
        if (!AUTH_TYPES.contains(auth)) {
            throw ApiException.badRequest("auth type " + auth + " is not supported");
        }
        Optional<String> credential =
                Optional.ofNullable(body.accessCredential()).filter(c -> !c.isEmpty());
        if (credential.isPresent() && credential.get().length() > MAX_CREDENTIAL) {
            throw ApiException.badRequest("access_credential is too long");
        }
        if (!auth.isEmpty() && credential.isEmpty()) {
            boolean kept = old.map(
                            o -> !o.auth().isEmpty() && o.sealedCredential().isPresent())
                    .orElse(false);
            if (!kept) {
                throw ApiException.badRequest("access_credential is required for auth type " + auth);
            }
        }
        return new Valid(name, description, url, auth, auth.isEmpty() ? Optional.empty() : credential);
    }

    private String checkedUrl(String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApiException.badRequest("url is required");
        }
        String url = raw.trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        try {
            URI uri = new URI(url);
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw ApiException.badRequest("the scanner URL must not have a query, fragment or user info");
            }
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("the scanner URL is not a valid URL");
        }
        try {
            outbound.check(url, Trust.ADMINISTRATOR);
        } catch (TargetRefusedException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return url;
    }

    private static boolean bool(Boolean b) {
        return b != null && b;
    }
}
