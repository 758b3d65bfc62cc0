package dev.berth.scan;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Scanner adapters registered from configuration ({@code berth.scan.adapters[i].*}) at every start,
 * created or updated by name: how the Helm chart's {@code trivy.enabled} registers its Trivy adapter
 * as the default scanner, as Harbor's installer does. A registration made this way is an ordinary
 * one (the API and the portal show, change and delete it); the next start puts the configured
 * settings back. A bad entry is logged and skipped: Berth starts without it.
 */
@Component
class ConfiguredScanners {
    private static final Logger log = LoggerFactory.getLogger(ConfiguredScanners.class);

    private final Scanners scanners;
    private final Adapters adapters;

    ConfiguredScanners(Scanners scanners, Adapters adapters) {
        this.scanners = scanners;
        this.adapters = adapters;
    }

    /**
     * {@code berth.scan.adapters}: each a registration as Harbor's API takes it.
     *
     * @param adapters the registrations, in order; the last with {@code is-default} ends up default
     */
    @ConfigurationProperties("berth.scan")
    public record Adapters(@DefaultValue List<Adapter> adapters) {}

    /**
     * One configured registration.
     *
     * @param auth {@code ""}, {@code Basic}, {@code Bearer} or {@code APIKey}
     * @param accessCredential the credential for {@code auth} (from a Secret in the chart; never logged)
     * @param isDefault make it the system's default scanner at start ({@code true}), or not
     *     ({@code false}); unset: as the API does, the first registration becomes the default
     */
    public record Adapter(
            String name,
            String url,
            @DefaultValue("") String description,
            @DefaultValue("") String auth,
            @DefaultValue("") String accessCredential,
            @DefaultValue("false") boolean skipCertVerify,
            @DefaultValue("false") boolean useInternalAddr,
            Boolean isDefault) {}

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        for (Adapter a : adapters.adapters()) {
            try {
                String uuid = scanners.upsert(
                        new ScannerRequest(
                                a.name(),
                                a.description(),
                                a.url(),
                                a.auth(),
                                a.accessCredential(),
                                a.skipCertVerify(),
                                a.useInternalAddr(),
                                false),
                        a.isDefault());
                log.info("scanner {} at {} registered from configuration ({})", a.name(), a.url(), uuid);
            } catch (RuntimeException e) {
                log.error("scanner {} from berth.scan.adapters not registered: {}", a.name(), e.getMessage());
            }
        }
    }
}
