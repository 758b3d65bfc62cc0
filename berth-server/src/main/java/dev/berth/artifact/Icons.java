package dev.berth.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The built-in icons of artifact and accessory types, which artifacts name in their {@code icon}
 * field by digest and {@code GET /icons/{digest}} serves, as in Harbor. The pictures are Berth's own
 * (SVG, {@code resources/icons}); each is named by the sha256 of its bytes. Harbor's digests for
 * its built-in icons are accepted too and answer with Berth's picture of the same kind, so rows and
 * clients carried over from Harbor keep an icon.
 */
final class Icons {
    static final String CONTENT_TYPE = "image/svg+xml";

    /** An icon: its digest and its bytes. */
    record Icon(String digest, byte[] content) {}

    private static final Map<String, Icon> BY_KIND = new HashMap<>();
    private static final Map<String, Icon> BY_DIGEST = new HashMap<>();

    static {
        for (String kind :
                new String[] {"image", "chart", "cnab", "wasm", "cnai", "default", "cosign", "notation", "nydus", "sbom"
                }) {
            Icon icon = load(kind);
            BY_KIND.put(kind, icon);
            BY_DIGEST.put(icon.digest(), icon);
        }
        // Harbor v2.14's digests of its built-in icons (src/lib/icon), by kind.
        alias("sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06", "image");
        alias("sha256:61cf3a178ff0f75bf08a25d96b75cf7355dc197749a9f128ed3ef34b0df05518", "chart");
        alias("sha256:089bdda265c14d8686111402c8ad629e8177a1ceb7dcd0f7f39b6480f623b3bd", "cnab");
        alias("sha256:da834479c923584f4cbcdecc0dac61f32bef1d51e8aae598cf16bd154efab49f", "default");
        alias("sha256:badd7693bcaf115be202748241dd0ea6ee3b0524bfab9ac22d1e1c43721afec6", "wasm");
        alias("sha256:1e1e5c5fdaf0931ec8655e835d1182f723a0c322a6760211622e1270f0193717", "cnai");
        alias("sha256:20401d5b3a0f6dbc607c8d732eb08471af4ae6b19811a4efce8c6a724aed2882", "cosign");
        alias("sha256:3ac706e102bbe9362b400aa162df58135d35e66b9c3bee2165de92022d25fe34", "notation");
        alias("sha256:dfcb6617cd9c144358dc1b305b87bbe34f0b619f1e329116e6aee2e41f2e34cf", "nydus");
        alias("sha256:c19f80c357cd7e90d2a01b9ae3e2eb62ce447a2662bb590a19177d72d550bdae", "sbom");
    }

    private Icons() {}

    /** The icon digest of an artifact of Harbor's {@code type} (IMAGE, CHART, ...); the default icon otherwise. */
    static String ofArtifactType(String type) {
        String kind = switch (type == null ? "" : type) {
            case "IMAGE" -> "image";
            case "CHART" -> "chart";
            case "CNAB" -> "cnab";
            case "WASM" -> "wasm";
            case "CNAI" -> "cnai";
            case "SBOM" -> "sbom";
            default -> "default";
        };
        return BY_KIND.get(kind).digest();
    }

    /** The icon digest of an accessory type; empty for types without one, as Harbor sends. */
    static String ofAccessoryType(String type) {
        String kind = switch (type == null ? "" : type) {
            case "signature.cosign" -> "cosign";
            case "signature.notation" -> "notation";
            case "accelerator.nydus" -> "nydus";
            case "sbom", "harbor.sbom", "sbom.harbor" -> "sbom";
            default -> null;
        };
        return kind == null ? "" : BY_KIND.get(kind).digest();
    }

    /** The built-in icon named by {@code digest}, Berth's or Harbor's. */
    static Optional<Icon> byDigest(String digest) {
        return Optional.ofNullable(BY_DIGEST.get(digest));
    }

    private static void alias(String harborDigest, String kind) {
        BY_DIGEST.put(harborDigest, BY_KIND.get(kind));
    }

    private static Icon load(String kind) {
        String resource = "/icons/" + kind + ".svg";
        try (InputStream in = Icons.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            byte[] bytes = in.readAllBytes();
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Icon("sha256:" + HexFormat.of().formatHex(hash), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
