package dev.berth.system;

import dev.berth.api.Callers;
import dev.berth.iam.ExternalUrl;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v2.0/ping} and {@code /api/v2.0/systeminfo}: open to anyone, as in Harbor. */
@RestController
@RequestMapping("/api/v2.0")
class SystemInfoController {
    private final SystemSettings settings;
    private final ExternalUrl externalUrl;
    private final Clock clock;
    private final String version;

    SystemInfoController(
            SystemSettings settings,
            ExternalUrl externalUrl,
            Clock clock,
            @Value("${berth.version:unknown}") String version) {
        this.settings = settings;
        this.externalUrl = externalUrl;
        this.clock = clock;
        this.version = version;
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
        info.put("auth_mode", "db_auth");
        info.put("primary_auth_mode", false);
        info.put("self_registration", settings.selfRegistration());
        info.put("banner_message", settings.bannerMessage());
        info.put("oidc_provider_name", "");
        if (Callers.of(request).isAuthenticated()) {
            String external = externalUrl.of(request);
            info.put("external_url", external);
            info.put("registry_url", external.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*://", ""));
            info.put("harbor_version", version);
            info.put("has_ca_root", false);
            info.put("project_creation_restriction", settings.projectCreationRestriction());
            info.put("read_only", settings.readOnly());
            info.put("registry_storage_provider_name", "filesystem");
            info.put("notification_enable", settings.notificationEnabled());
            info.put("current_time", clock.instant().toString());
        }
        return info;
    }
}
