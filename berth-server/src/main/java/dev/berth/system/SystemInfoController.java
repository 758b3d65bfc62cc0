package dev.berth.system;

import dev.berth.api.ApiException;
import dev.berth.api.Callers;
import dev.berth.config.BerthProperties;
import dev.berth.iam.Action;
import dev.berth.iam.Authorizer;
import dev.berth.iam.ExternalUrl;
import dev.berth.iam.Principal;
import dev.berth.iam.Resource;
import dev.berth.storage.StorageSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v2.0/ping}, {@code /systeminfo} and {@code /systeminfo/getcert} (open to anyone, as in
 * Harbor), and {@code /systeminfo/volumes} (system administrators).
 */
@RestController
@RequestMapping("/api/v2.0")
class SystemInfoController {
    private final SystemSettings settings;
    private final ExternalUrl externalUrl;
    private final Clock clock;
    private final String version;
    private final Authorizer authorizer;
    private final StorageSettings storage;
    private final Path dataDir;
    private final String caCertificate;

    SystemInfoController(
            SystemSettings settings,
            ExternalUrl externalUrl,
            Clock clock,
            @Value("${berth.version:unknown}") String version,
            Authorizer authorizer,
            StorageSettings storage,
            BerthProperties properties,
            @Value("${berth.tls.ca-certificate:}") String caCertificate) {
        this.settings = settings;
        this.externalUrl = externalUrl;
        this.clock = clock;
        this.version = version;
        this.authorizer = authorizer;
        this.storage = storage;
        this.dataDir = properties.dataDir();
        this.caCertificate = caCertificate;
    }

    /** Says the API process is up, whatever the state of the database. */
    @GetMapping(path = "/ping", produces = MediaType.TEXT_PLAIN_VALUE)
    String ping() {
        return "Pong";
    }

    /**
     * Harbor's {@code GeneralInfo}. Anonymous callers get only what the sign-in page needs; the
     * rest (version, URLs, restrictions) is for signed-in callers, as in Harbor.
     */
    @GetMapping("/systeminfo")
    Map<String, Object> systemInfo(HttpServletRequest request) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("auth_mode", settings.authMode());
        info.put("primary_auth_mode", false);
        // Self-registration is for local accounts only, as in Harbor.
        info.put(
                "self_registration",
                settings.selfRegistration() && settings.authMode().equals("db_auth"));
        info.put("banner_message", settings.bannerMessage());
        if (settings.authMode().equals("http_auth")) {
            // Harbor's AuthproxySetting, its field name's spelling included.
            Map<String, Object> proxy = new LinkedHashMap<>();
            proxy.put("endpoint", settings.string("http_authproxy_endpoint"));
            proxy.put("tokenreivew_endpoint", settings.string("http_authproxy_tokenreview_endpoint"));
            proxy.put(
                    "skip_search",
                    settings.raw("http_authproxy_skip_search")
                            .map(n -> n.asBoolean())
                            .orElse(false));
            proxy.put(
                    "verify_cert",
                    settings.raw("http_authproxy_verify_cert")
                            .map(n -> n.asBoolean())
                            .orElse(true));
            proxy.put("server_certificate", settings.string("http_authproxy_server_certificate"));
            info.put("authproxy_settings", proxy);
        }
        // The portal's "Login via OIDC provider" button names it.
        info.put("oidc_provider_name", settings.authMode().equals("oidc_auth") ? settings.string("oidc_name") : "");
        if (Callers.of(request).isAuthenticated()) {
            String external = externalUrl.of(request);
            info.put("external_url", external);
            info.put("registry_url", external.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", ""));
            info.put("harbor_version", version);
            info.put("has_ca_root", caFile() != null);
            info.put("project_creation_restriction", settings.projectCreationRestriction());
            info.put("read_only", settings.readOnly());
            info.put("registry_storage_provider_name", storage.type().name().toLowerCase(Locale.ROOT));
            info.put("notification_enable", settings.notificationEnabled());
            info.put("current_time", clock.instant().toString());
        }
        return info;
    }

    /**
     * The CA certificate users add to their clients' trust, when one is configured ({@code
     * berth.tls.ca-certificate}, a PEM file), as Harbor serves its {@code ca.crt}.
     */
    @GetMapping(path = "/systeminfo/getcert", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> caCertificate() {
        Path file = caFile();
        if (file == null) {
            throw ApiException.notFound("no CA certificate is configured (berth.tls.ca-certificate)");
        }
        try {
            byte[] pem = Files.readAllBytes(file);
            return ResponseEntity.ok()
                    .contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .header(
                            "Content-Disposition",
                            ContentDisposition.attachment()
                                    .filename("ca.crt")
                                    .build()
                                    .toString())
                    .body(pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA certificate " + file, e);
        }
    }

    /**
     * Harbor's {@code SystemInfo}: the total and free bytes of the volume that holds the blobs. With
     * S3 there is no volume to measure (a bucket has no capacity), so the list is empty.
     */
    @GetMapping("/systeminfo/volumes")
    Map<String, Object> volumes(HttpServletRequest request) {
        Principal caller = Callers.of(request);
        if (!authorizer.allowedSystem(caller, Resource.SYSTEM_VOLUMES, Action.READ)) {
            throw Callers.denied(caller);
        }
        if (storage.type() != StorageSettings.Type.FILESYSTEM) {
            return Map.of("storage", List.of());
        }
        try {
            var store = Files.getFileStore(Files.createDirectories(dataDir));
            return Map.of("storage", List.of(Map.of("total", store.getTotalSpace(), "free", store.getUsableSpace())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the volume of " + dataDir, e);
        }
    }

    private Path caFile() {
        if (caCertificate.isBlank()) {
            return null;
        }
        Path file = Path.of(caCertificate);
        return Files.isReadable(file) ? file : null;
    }
}
