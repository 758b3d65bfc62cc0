package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
    private static final String SHA256_HEX = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private static final String SHA512_HEX = "a".repeat(128);

    @Test
    void parsesSha256() {
        Digest digest = Digest.parse("sha256:" + SHA256_HEX).orElseThrow();

        assertThat(digest.algorithm()).isEqualTo(Digest.Algorithm.SHA256);
        assertThat(digest.hex()).isEqualTo(SHA256_HEX);
        assertThat(digest).hasToString("sha256:" + SHA256_HEX);
    }

    @Test
    void parsesSha512() {
        Digest digest = Digest.parse("sha512:" + SHA512_HEX).orElseThrow();

        assertThat(digest.algorithm()).isEqualTo(Digest.Algorithm.SHA512);
        assertThat(digest).hasToString("sha512:" + SHA512_HEX);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8", // 63 hex
                "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a0", // 65 hex
                "sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A", // upper case
                "SHA256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", // upper-case algorithm
                "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8g", // not hex
                "sha256:",
                "sha256",
                "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", // missing algorithm and colon
                ":44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                "md5:d41d8cd98f00b204e9800998ecf8427e", // unknown algorithm
                "sha384:38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b",
                "sha512:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", // sha256 length
                "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a ", // trailing space
                " sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
                "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a\n",
                "sha256+b64:RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=",
                "sha256::44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8",
            })
    void rejects(String text) {
        assertThat(Digest.parse(text)).isEmpty();
    }

    @Test
    void theConstructorRejectsWhatParseRejects() {
        assertThatThrownBy(() -> new Digest(Digest.Algorithm.SHA256, SHA256_HEX.toUpperCase()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Digest(Digest.Algorithm.SHA512, SHA256_HEX))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Digest(null, SHA256_HEX)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Digest(Digest.Algorithm.SHA256, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void computesTheDigestOfContent() {
        // The OCI empty descriptor's content "{}".
        assertThat(Digest.sha256("{}".getBytes(StandardCharsets.UTF_8))).hasToString("sha256:" + SHA256_HEX);
        assertThat(Digest.sha256(new byte[0]))
                .hasToString("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Digest.of(Digest.Algorithm.SHA512, new byte[0]).hex())
                .startsWith("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce");
    }

    @Test
    void aFinishedHasherGivesTheSameDigest() {
        byte[] content = "layer".getBytes(StandardCharsets.UTF_8);
        var hasher = Digest.Algorithm.SHA256.newHasher();
        hasher.update(content);

        assertThat(Digest.fromHasher(Digest.Algorithm.SHA256, hasher)).isEqualTo(Digest.sha256(content));
    }

    @Test
    void roundTripsThroughText() {
        Digest digest = Digest.sha256(new byte[] {1, 2, 3});

        assertThat(Digest.parse(digest.toString())).contains(digest);
    }

    @Test
    void looksLikeDigestAcceptsAnyAlgorithmButNotTags() {
        assertThat(Digest.looksLikeDigest("sha256:abc")).isTrue();
        assertThat(Digest.looksLikeDigest("blake3:abc")).isTrue();
        assertThat(Digest.looksLikeDigest("latest")).isFalse();
        assertThat(Digest.looksLikeDigest(":abc")).isFalse();
        assertThat(Digest.looksLikeDigest(null)).isFalse();
    }

    @Test
    void ordersByText() {
        Digest a = Digest.parse("sha256:" + "0".repeat(64)).orElseThrow();
        Digest b = Digest.parse("sha256:" + "f".repeat(64)).orElseThrow();

        assertThat(a).isLessThan(b);
    }
}
