package dev.berth.scan.builtin;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image's packages from its layers, bottom layer first, as the image's file system has
 * them: a file a later layer replaces, deletes ({@code .wh.<name>}) or hides under an opaque
 * directory ({@code .wh..wh..opq}) no longer counts. Layers are streamed once each; only package
 * files are read, each up to its reader's size limit, and only what they yield is kept, so memory
 * stays bounded by the number of packages, not the size of the image.
 */
public final class Cataloguer {
    static final long MAX_DATABASE = 128L * 1024 * 1024;
    static final long MAX_MANIFEST = 32L * 1024 * 1024;
    static final long MAX_BINARY = 512L * 1024 * 1024;
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** One layer blob, opened when its turn comes. */
    public interface Layer {
        String digest();

        InputStream open() throws IOException;
    }

    /** What one file of the image's final file system yielded. */
    private record Found(List<CataloguedPackage> packages, Optional<Distro> distro) {}

    /** Catalogues the layers, given in the manifest's order (the base layer first). */
    public ImageCatalogue catalogue(List<? extends Layer> layers) throws IOException {
        Map<String, Found> image = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Layer layer : layers) {
            try (InputStream raw = layer.open()) {
                applyLayer(image, tar(raw, layer.digest(), notes), layer.digest(), notes);
            }
        }
        List<CataloguedPackage> packages = new ArrayList<>();
        image.values().forEach(f -> packages.addAll(f.packages()));
        Optional<Distro> distro = distro(image);
        return new ImageCatalogue(packages, distro, notes);
    }

    private static Optional<Distro> distro(Map<String, Found> image) {
        for (String p : List.of("etc/os-release", "usr/lib/os-release", "etc/redhat-release")) {
            Found f = image.get(p);
            if (f != null && f.distro().isPresent()) {
                return f.distro();
            }
        }
        return Optional.empty();
    }

    private static Optional<TarArchiveInputStream> tar(InputStream raw, String digest, List<String> notes)
            throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 64 * 1024);
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return Optional.of(new TarArchiveInputStream(new GZIPInputStream(in, 64 * 1024)));
        }
        if (magic.length == 4
                && (magic[0] & 0xff) == 0x28
                && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            return Optional.of(new TarArchiveInputStream(new ZstdLayer(in)));
        }
        return Optional.of(new TarArchiveInputStream(in));
    }

    private void applyLayer(
            Map<String, Found> image, Optional<TarArchiveInputStream> tar, String digest, List<String> notes)
            throws IOException {
        if (tar.isEmpty()) {
            return;
        }
        Map<String, Found> added = new HashMap<>();
        Set<String> replaced = new HashSet<>();
        List<String> deleted = new ArrayList<>();
        List<String> opaque = new ArrayList<>();
        TarArchiveEntry e;
        try {
            while ((e = tar.get().getNextEntry()) != null) {
                String path = normalise(e.getName());
                if (path.isEmpty()) {
                    continue;
                }
                int slash = path.lastIndexOf('/');
                String dir = slash < 0 ? "" : path.substring(0, slash);
                String base = path.substring(slash + 1);
                if (base.equals(OPAQUE)) {
                    opaque.add(dir);
                    continue;
                }
                if (base.startsWith(WHITEOUT)) {
                    deleted.add((dir.isEmpty() ? "" : dir + "/") + base.substring(WHITEOUT.length()));
                    continue;
                }
                if (e.isDirectory()) {
                    continue;
                }
                if (image.containsKey(path)) {
                    replaced.add(path); // whatever this entry is, the lower file is gone
                }
                if (e.isFile()) {
                    read(path, e, tar.get(), notes).ifPresent(f -> added.put(path, f));
                }
            }
        } catch (IOException | IllegalArgumentException ex) {
            notes.add("layer " + digest + ": read in part, " + ex.getMessage());
        }
        // Whiteouts and opaque directories hide what lower layers put there, not this layer's own files.
        for (Iterator<String> it = image.keySet().iterator(); it.hasNext(); ) {
            String path = it.next();
            if (replaced.contains(path) || under(path, deleted, true) || under(path, opaque, false)) {
                it.remove();
            }
        }
        image.putAll(added);
    }

    private static boolean under(String path, List<String> roots, boolean orSelf) {
        for (String root : roots) {
            if (root.isEmpty() && !orSelf) {
                return true;
            }
            if (orSelf && path.equals(root) || path.startsWith(root + "/")) {
                return true;
            }
        }
        return false;
    }

    static String normalise(String name) {
        String p = name;
        while (p.startsWith("./") || p.startsWith("/")) {
            p = p.startsWith("./") ? p.substring(2) : p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.equals(".") ? "" : p;
    }

    private Optional<Found> read(String path, TarArchiveEntry e, InputStream tar, List<String> notes) {
        try {
            return Optional.ofNullable(readKnown(path, e, tar, notes));
        } catch (CappedInput.TooLarge tl) {
            notes.add(path + ": not read, " + tl.getMessage());
        } catch (IOException | RuntimeException ex) {
            notes.add(path + ": not read, " + ex.getMessage());
        }
        return Optional.empty();
    }

    /** The packages of a file the cataloguer knows, or null when the file is not one. */
    private Found readKnown(String path, TarArchiveEntry e, InputStream tar, List<String> notes) throws IOException {
        String base = path.substring(path.lastIndexOf('/') + 1);
        if (path.equals("var/lib/dpkg/status") || path.startsWith("var/lib/dpkg/status.d/") && !base.contains(".")) {
            return packages(DpkgStatus.read(new CappedInput(tar, MAX_DATABASE), path));
        }
        if (path.equals("lib/apk/db/installed")) {
            return packages(ApkDatabase.read(new CappedInput(tar, MAX_DATABASE), path));
        }
        if (path.equals("etc/os-release") || path.equals("usr/lib/os-release")) {
            return new Found(List.of(), Optional.of(TextManifests.osRelease(new CappedInput(tar, 64 * 1024))));
        }
        if (path.equals("etc/redhat-release")) {
            return new Found(List.of(), TextManifests.redhatRelease(new CappedInput(tar, 64 * 1024)));
        }
        if (RpmDatabase.isDatabase(path)) {
            return packages(RpmDatabase.read(new CappedInput(tar, MAX_DATABASE), path, notes));
        }
        if (JavaArchives.isArchive(path)) {
            return packages(JavaArchives.read(tar, path, notes));
        }
        if (NpmPackages.isLockfile(path)) {
            return packages(NpmPackages.lockfile(new CappedInput(tar, MAX_MANIFEST), path));
        }
        if (base.equals("package.json") && NpmPackages.INSTALLED.matcher(path).matches()) {
            return packages(NpmPackages.installed(new CappedInput(tar, MAX_MANIFEST), path));
        }
        if (path.endsWith(".dist-info/METADATA")
                || path.endsWith(".egg-info/PKG-INFO")
                || path.endsWith(".egg-info") && e.isFile()) {
            return packages(TextManifests.python(new CappedInput(tar, MAX_MANIFEST), path));
        }
        if (base.equals("Cargo.lock")) {
            return packages(TextManifests.cargo(new CappedInput(tar, MAX_MANIFEST), path));
        }
        if (base.equals("Gemfile.lock")) {
            return packages(TextManifests.gemfileLock(new CappedInput(tar, MAX_MANIFEST), path));
        }
        if ((e.getMode() & 0111) != 0 && e.getSize() > 1024 && e.getSize() <= MAX_BINARY) {
            BufferedInputStream in = new BufferedInputStream(tar, 8192);
            in.mark(4);
            byte[] head = in.readNBytes(4);
            in.reset();
            if (GoBuildInfo.isElf(head)) {
                List<CataloguedPackage> go = GoBuildInfo.read(in, path);
                return go.isEmpty() ? null : packages(go);
            }
        }
        return null;
    }

    private static Found packages(List<CataloguedPackage> packages) {
        return new Found(packages, Optional.empty());
    }

    /**
     * A zstd-compressed layer ({@code application/vnd.oci.image.layer.v1.tar+zstd}) decoded by
     * aircompressor's pure Java decoder, whose malformed-input errors are unchecked: they become
     * the {@link IOException} a broken gzip layer gives, so both fail a scan the same way.
     */
    private static final class ZstdLayer extends java.io.FilterInputStream {
        ZstdLayer(InputStream compressed) {
            super(new io.airlift.compress.zstd.ZstdInputStream(compressed));
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (RuntimeException e) {
                throw new IOException("the zstd layer is malformed: " + e.getMessage(), e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (RuntimeException e) {
                throw new IOException("the zstd layer is malformed: " + e.getMessage(), e);
            }
        }
    }
}
