package dev.berth.signature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The Sigstore trust root keyless verification uses, in this order: the one the site put through
 * the API (stored, so every replica uses it), else the file {@code berth.signature.sigstore.trusted-root}
 * names (for sites that provision it with the installation), else the public-good trust root
 * shipped in Berth ({@code sigstore/trusted_root.json}, from sigstore/root-signing).
 */
@Component
class SigstoreRoots {
    static final String SHIPPED = "/sigstore/trusted_root.json";

    /** Where the trust root in use came from: {@code site} (API), {@code file} or {@code default}. */
    record Current(String source, String document, SigstoreTrustedRoot root, Optional<Instant> updated) {}

    private final TrustStore store;
    private final Current fallback;
    private final AtomicReference<Current> cached = new AtomicReference<>();

    SigstoreRoots(TrustStore store, @Value("${berth.signature.sigstore.trusted-root:}") String file) {
        this.store = store;
        this.fallback = file.isBlank() ? shipped() : fromFile(Path.of(file));
    }

    /** The trust root in use now (a stored one is parsed once per change). */
    Current current() {
        Optional<TrustStore.StoredRoot> stored = store.trustedRoot();
        if (stored.isEmpty()) {
            return fallback;
        }
        Current c = cached.get();
        if (c != null && c.document().equals(stored.get().document())) {
            return c;
        }
        Current fresh = new Current(
                "site",
                stored.get().document(),
                SigstoreTrustedRoot.parse(stored.get().document().getBytes(StandardCharsets.UTF_8)),
                Optional.of(stored.get().updated()));
        cached.set(fresh);
        return fresh;
    }

    /** The trust root used when the site has not put one (the file, else the shipped one). */
    Current fallback() {
        return fallback;
    }

    private static Current shipped() {
        try (InputStream in = SigstoreRoots.class.getResourceAsStream(SHIPPED)) {
            if (in == null) {
                throw new IllegalStateException("the shipped Sigstore trust root " + SHIPPED + " is missing");
            }
            String document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Current(
                    "default",
                    document,
                    SigstoreTrustedRoot.parse(document.getBytes(StandardCharsets.UTF_8)),
                    Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Current fromFile(Path file) {
        try {
            String document = Files.readString(file);
            try {
                return new Current(
                        "file",
                        document,
                        SigstoreTrustedRoot.parse(document.getBytes(StandardCharsets.UTF_8)),
                        Optional.empty());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(
                        "berth.signature.sigstore.trusted-root " + file + " is not a trust root: " + e.getMessage());
            }
        } catch (IOException e) {
            throw new IllegalStateException("berth.signature.sigstore.trusted-root " + file + " cannot be read", e);
        }
    }
}
