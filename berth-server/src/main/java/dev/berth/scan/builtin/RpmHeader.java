package dev.berth.scan.builtin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One installed package's header as an rpm database stores it (the blob without the lead and
 * magic of a {@code .rpm} file): a count of index entries and the data store's length (both
 * 32-bit big-endian), the index entries (tag, type, offset, count, 16 bytes each) and the data
 * store. Every offset and count is checked against the blob before it is read; a header that
 * does not fit gives an {@link IllegalArgumentException} naming what is wrong.
 */
final class RpmHeader {
    static final int NAME = 1000;
    static final int VERSION = 1001;
    static final int RELEASE = 1002;
    static final int EPOCH = 1003;
    static final int VENDOR = 1011;
    static final int LICENSE = 1014;
    static final int ARCH = 1022;
    static final int SOURCERPM = 1044;
    static final int MODULARITYLABEL = 5096;

    private static final int TYPE_INT32 = 4;
    private static final int TYPE_STRING = 6;
    private static final int TYPE_STRING_ARRAY = 8;
    private static final int TYPE_I18NSTRING = 9;
    /** rpm's own limits (header.c: hdrchkTags, hdrchkData). */
    private static final int MAX_TAGS = 0xffff;

    private static final int MAX_DATA = 256 * 1024 * 1024;

    private final byte[] blob;
    private final int dataStart;
    private final int dataLength;
    private final Map<Integer, int[]> entries = new HashMap<>();

    RpmHeader(byte[] blob) {
        this.blob = blob;
        if (blob.length < 8) {
            throw new IllegalArgumentException("an rpm header of " + blob.length + " bytes is too short");
        }
        int il = int32(0);
        int dl = int32(4);
        if (il < 1 || il > MAX_TAGS || dl < 0 || dl > MAX_DATA) {
            throw new IllegalArgumentException("an rpm header claims " + il + " tags and " + dl + " data bytes");
        }
        dataStart = 8 + il * 16;
        dataLength = dl;
        if ((long) dataStart + dl > blob.length) {
            throw new IllegalArgumentException("an rpm header is longer than its record (" + blob.length + " bytes)");
        }
        for (int i = 0; i < il; i++) {
            int at = 8 + i * 16;
            int tag = int32(at);
            int type = int32(at + 4);
            int offset = int32(at + 8);
            int count = int32(at + 12);
            if (offset < 0 || offset >= dl && count > 0 || count < 0) {
                continue; // outside the data store: ignored, as rpm refuses such an entry
            }
            entries.putIfAbsent(tag, new int[] {type, offset, count});
        }
    }

    /** The first string of a STRING, STRING_ARRAY or I18NSTRING tag; empty when absent. */
    String string(int tag) {
        int[] e = entries.get(tag);
        if (e == null || e[2] < 1 || (e[0] != TYPE_STRING && e[0] != TYPE_STRING_ARRAY && e[0] != TYPE_I18NSTRING)) {
            return "";
        }
        int start = dataStart + e[1];
        int end = dataStart + dataLength;
        int nul = start;
        while (nul < end && blob[nul] != 0) {
            nul++;
        }
        if (nul == end) {
            throw new IllegalArgumentException("an rpm header string of tag " + tag + " is not terminated");
        }
        return new String(blob, start, nul - start, StandardCharsets.UTF_8);
    }

    /** The first value of an INT32 tag. */
    OptionalLong int32Tag(int tag) {
        int[] e = entries.get(tag);
        if (e == null || e[0] != TYPE_INT32 || e[2] < 1) {
            return OptionalLong.empty();
        }
        if (e[1] % 4 != 0 || (long) e[1] + 4 > dataLength) {
            throw new IllegalArgumentException("an rpm header number of tag " + tag + " is out of place");
        }
        return OptionalLong.of(Integer.toUnsignedLong(int32(dataStart + e[1])));
    }

    private int int32(int at) {
        return ((blob[at] & 0xff) << 24)
                | ((blob[at + 1] & 0xff) << 16)
                | ((blob[at + 2] & 0xff) << 8)
                | (blob[at + 3] & 0xff);
    }

    /**
     * The package the header describes; empty for rpm's {@code gpg-pubkey} pseudo-packages (the
     * keys imported into the database, not software; Trivy skips them too) and for a header
     * without name or version.
     */
    static Optional<CataloguedPackage> toPackage(byte[] blob, String location) {
        RpmHeader h = new RpmHeader(blob);
        String name = h.string(NAME);
        String version = h.string(VERSION);
        if (name.isEmpty() || version.isEmpty() || name.equals("gpg-pubkey")) {
            return Optional.empty();
        }
        String release = h.string(RELEASE);
        Map<String, String> q = new HashMap<>();
        String arch = h.string(ARCH);
        if (!arch.isEmpty()) {
            q.put("arch", arch);
        }
        h.int32Tag(EPOCH).ifPresent(epoch -> {
            if (epoch != 0) {
                q.put("epoch", Long.toString(epoch));
            }
        });
        String modularity = h.string(MODULARITYLABEL);
        if (!modularity.isEmpty()) {
            q.put("modularitylabel", modularity);
        }
        sourceName(h.string(SOURCERPM)).filter(s -> !s.equals(name)).ifPresent(s -> q.put("upstream", s));
        String license = h.string(LICENSE);
        List<String> licenses = new ArrayList<>();
        if (!license.isEmpty()) {
            licenses.add(license);
        }
        return Optional.of(new CataloguedPackage(
                Ecosystem.RPM, "", name, release.isEmpty() ? version : version + "-" + release, q, location, licenses));
    }

    /** The source package's name of {@code openssl-3.0.7-16.el9_2.src.rpm}: {@code openssl}. */
    static Optional<String> sourceName(String sourceRpm) {
        String s = sourceRpm;
        for (String suffix : List.of(".src.rpm", ".nosrc.rpm")) {
            if (s.endsWith(suffix)) {
                s = s.substring(0, s.length() - suffix.length());
            }
        }
        int release = s.lastIndexOf('-');
        int version = release > 0 ? s.lastIndexOf('-', release - 1) : -1;
        return version > 0 ? Optional.of(s.substring(0, version)) : Optional.empty();
    }
}
