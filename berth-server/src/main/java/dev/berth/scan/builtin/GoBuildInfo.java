package dev.berth.scan.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The build information Go 1.18 and later write into every binary (the {@code .go.buildinfo}
 * section: a 32-byte header starting with {@code \xff Go buildinf:} at a 16-byte aligned offset,
 * then the Go version and the module information as length-prefixed strings), read as the file
 * streams past: the main module, its dependencies ({@code dep}, or the {@code =>} replacement)
 * and the standard library as {@code stdlib}. Older binaries (pointer-based headers) are skipped.
 */
final class GoBuildInfo {
    private static final byte[] MAGIC = "\u00ff Go buildinf:".getBytes(StandardCharsets.ISO_8859_1);
    private static final int WINDOW = 1 << 20;
    /** What follows the header at most: the version and the module list of a large program. */
    private static final int MAX_INFO = 512 * 1024;

    private GoBuildInfo() {}

    static boolean isElf(byte[] head) {
        return head.length >= 4 && head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    }

    static List<CataloguedPackage> read(InputStream in, String location) throws IOException {
        byte[] buf = new byte[WINDOW + MAX_INFO];
        long base = 0; // the file offset of buf[0]
        int len = 0;
        while (true) {
            int n = in.readNBytes(buf, len, buf.length - len);
            len += n;
            int limit = n == 0 ? len : len - MAX_INFO; // leave room to read a header found near the end
            for (int i = (int) ((16 - base % 16) % 16); i + 32 <= len && i < Math.max(limit, 0); i += 16) {
                if (buf[i] == MAGIC[0] && Arrays.equals(buf, i, i + MAGIC.length, MAGIC, 0, MAGIC.length)) {
                    return parse(buf, i, len, location);
                }
            }
            if (n == 0) {
                return List.of();
            }
            // Keep the tail (aligned) for a header that straddles the window's end.
            int keep = Math.min(len, MAX_INFO);
            int from = len - keep;
            from -= (int) ((base + from) % 16);
            System.arraycopy(buf, from, buf, 0, len - from);
            base += from;
            len -= from;
        }
    }

    private static List<CataloguedPackage> parse(byte[] b, int at, int len, String location) {
        int flags = b[at + 15] & 0xff;
        if ((flags & 0x2) == 0) {
            return List.of(); // before Go 1.18: pointers into the data segment
        }
        int[] pos = {at + 32};
        String goVersion = string(b, pos, len);
        String modInfo = string(b, pos, len);
        if (goVersion == null) {
            return List.of();
        }
        List<CataloguedPackage> out = new ArrayList<>();
        if (goVersion.startsWith("go")) {
            out.add(CataloguedPackage.of(Ecosystem.GOLANG, "", "stdlib", goVersion, location));
        }
        if (modInfo == null || modInfo.length() < 32) {
            return out;
        }
        // The module information is framed by two 16-byte sentinels.
        for (String line : modInfo.substring(16, modInfo.length() - 16).split("\n")) {
            String[] f = line.split("\t");
            if (f.length >= 3 && (f[0].equals("mod") || f[0].equals("dep") || f[0].equals("=>"))) {
                String version = f[2];
                if (version.isEmpty() || version.equals("(devel)")) {
                    continue;
                }
                if (f[0].equals("=>") && !out.isEmpty()) {
                    out.removeLast(); // the module above is replaced by this one
                }
                // The golang Package URL type: the module path's last element is the name.
                int slash = f[1].lastIndexOf('/');
                out.add(CataloguedPackage.of(
                        Ecosystem.GOLANG,
                        slash < 0 ? "" : f[1].substring(0, slash),
                        f[1].substring(slash + 1),
                        version,
                        location));
            }
        }
        return out;
    }

    /** A uvarint length and that many bytes; null when it does not fit. */
    private static String string(byte[] b, int[] pos, int len) {
        long n = 0;
        int shift = 0;
        int p = pos[0];
        while (p < len && shift < 35) {
            int x = b[p++] & 0xff;
            n |= (long) (x & 0x7f) << shift;
            shift += 7;
            if (x < 0x80) {
                if (n > MAX_INFO || p + n > len) {
                    return null;
                }
                pos[0] = p + (int) n;
                return new String(b, p, (int) n, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
