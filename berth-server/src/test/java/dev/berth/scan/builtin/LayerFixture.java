package dev.berth.scan.builtin;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds image layers (gzip-compressed tar, as registries hold them) from real files for the tests. */
final class LayerFixture implements Cataloguer.Layer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;
    private final String digest;
    private final boolean gzip;
    private byte[] done;

    private LayerFixture(String digest, boolean gzip) {
        this.digest = digest;
        this.gzip = gzip;
        try {
            this.tar = new TarArchiveOutputStream(gzip ? new GZIPOutputStream(bytes) : bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    static LayerFixture gzip(String name) {
        return new LayerFixture("sha256:" + name, true);
    }

    static LayerFixture plain(String name) {
        return new LayerFixture("sha256:" + name, false);
    }

    LayerFixture file(String path, byte[] content) {
        return file(path, content, 0644);
    }

    LayerFixture file(String path, byte[] content, int mode) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(path);
            e.setSize(content.length);
            e.setMode(mode);
            tar.putArchiveEntry(e);
            tar.write(content);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    LayerFixture file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    LayerFixture file(String path, Path from) {
        try {
            return file(path, Files.readAllBytes(from));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    LayerFixture executable(String path, Path from) {
        try {
            return file(path, Files.readAllBytes(from), 0755);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    LayerFixture dir(String path) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(path.endsWith("/") ? path : path + "/");
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    LayerFixture symlink(String path, String target) {
        try {
            TarArchiveEntry e = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(target);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
            return this;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    byte[] bytes() {
        if (done == null) {
            try {
                tar.finish();
                tar.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            done = bytes.toByteArray();
        }
        return done;
    }

    @Override
    public String digest() {
        return digest;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes());
    }

    /** A zip (jar, war) of the given entries, name then content, in order. */
    static byte[] zip(Object... entries) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (int i = 0; i < entries.length; i += 2) {
                    zip.putNextEntry(new ZipEntry((String) entries[i]));
                    Object c = entries[i + 1];
                    zip.write(c instanceof byte[] b ? b : c.toString().getBytes(StandardCharsets.UTF_8));
                    zip.closeEntry();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A published jar Maven copied for the tests ({@code scan-fixture-jars} in the POM). */
    static Path fixtureJar(String fileName) {
        Path p = Path.of("target/scan-fixtures", fileName);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: run the tests through Maven (generate-test-resources)");
        }
        return p;
    }

    static Path resource(String name) {
        return Path.of("src/test/resources/scan/builtin", name);
    }
}
