package dev.berth.scan;

import dev.berth.system.ExtraHealth;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 * settings back. An entry that cannot be registered (its host does not resolve yet because the
 * adapter's service is not up, a name or URL taken) is logged and retried, 5 s after the first
 * failure and then twice as long each time up to 5 min, against the injected clock; Berth starts
 * and serves without it. Harbor's health API lists each configured adapter under its name in lower
 * case (Harbor's installed one is {@code trivy}): not registered yet, or not answering, is
 * "unhealthy" there and the overall status "degraded".
 */
@Component
class ConfiguredScanners implements ExtraHealth {
    private static final Logger log = LoggerFactory.getLogger(ConfiguredScanners.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(5);
    static final Duration LONGEST_RETRY = Duration.ofMinutes(5);

    private final Scanners scanners;
    private final ScannerRecords records;
    private final Adapters adapters;
    private final Clock clock;
    /** The entries not registered yet, by name. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private volatile Thread retrying;

    ConfiguredScanners(Scanners scanners, ScannerRecords records, Adapters adapters, Clock clock) {
        this.scanners = scanners;
        this.records = records;
        this.adapters = adapters;
        this.clock = clock;
    }

    /** An entry whose registration failed {@code failures} times, tried again at {@code next}. */
    record Pending(Adapter adapter, int failures, Instant next) {}

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
        if (attemptAll()) {
            retrying = Thread.ofVirtual().name("scanner-registration-retry").start(this::retryUntilDone);
        }
    }

    /** The first attempt of every entry; whether any failed. */
    boolean attemptAll() {
        for (Adapter a : adapters.adapters()) {
            attempt(a, 0);
        }
        return !pending.isEmpty();
    }

    /** Registers the entry; on failure it waits for its next attempt. */
    private void attempt(Adapter a, int failedBefore) {
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
            pending.remove(a.name());
            log.info(
                    "scanner {} at {} registered from configuration ({}){}",
                    a.name(),
                    a.url(),
                    uuid,
                    failedBefore == 0 ? "" : " after " + failedBefore + " failed attempts");
        } catch (RuntimeException e) {
            int failures = failedBefore + 1;
            Duration wait = backoff(failures);
            pending.put(a.name(), new Pending(a, failures, clock.instant().plus(wait)));
            log.error(
                    "scanner {} from berth.scan.adapters not registered (attempt {}), retried in {} s: {}",
                    a.name(),
                    failures,
                    wait.toSeconds(),
                    e.getMessage());
        }
    }

    /** The wait after the {@code failures}th failure: 5 s, 10 s, 20 s … at most 5 min. */
    static Duration backoff(int failures) {
        long seconds = FIRST_RETRY.toSeconds() << Math.min(failures - 1, 16);
        return Duration.ofSeconds(Math.min(seconds, LONGEST_RETRY.toSeconds()));
    }

    /** Attempts every entry whose time has come; whether any is still pending. */
    boolean retryDue() {
        Instant now = clock.instant();
        for (Pending p : List.copyOf(pending.values())) {
            if (!p.next().isAfter(now)) {
                attempt(p.adapter(), p.failures());
            }
        }
        return !pending.isEmpty();
    }

    /** Looks at the clock once a second (tests move it) until every entry is registered. */
    private void retryUntilDone() {
        try {
            do {
                Thread.sleep(1000);
            } while (retryDue());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        Thread t = retrying;
        if (t != null) {
            t.interrupt();
        }
    }

    /**
     * Each configured adapter: unhealthy while not registered (how many attempts failed, when the
     * next is; the reason is in the log, it may name hosts) or while its adapter does not answer
     * its metadata (remembered 30 s, as the registrations list shows it).
     */
    @Override
    public List<State> health() {
        List<State> out = new ArrayList<>();
        for (Adapter a : adapters.adapters()) {
            String component = a.name() == null ? "scanner" : a.name().trim().toLowerCase(Locale.ROOT);
            Pending p = pending.get(a.name());
            if (p != null) {
                out.add(new State(
                        component,
                        Optional.of("not registered yet: " + p.failures() + " attempts failed, the next at " + p.next()
                                + " (see the log)")));
                continue;
            }
            Optional<ScannerRegistration> r = a.name() == null
                    ? Optional.empty()
                    : records.findByName(a.name().trim());
            if (r.isEmpty()) {
                out.add(new State(component, Optional.of("not registered (deleted since start?)")));
            } else if (r.get().disabled()) {
                out.add(new State(component, Optional.of("the registration is disabled")));
            } else if (scanners.cachedMetadata(r.get()).isEmpty()) {
                out.add(new State(component, Optional.of("the adapter does not answer its metadata")));
            } else {
                out.add(new State(component, Optional.empty()));
            }
        }
        return out;
    }
}
