package dev.berth.scan.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Java archives (jar, war, ear and the plugin kinds), read as a stream: every
 * {@code META-INF/maven/<group>/<artifact>/pom.properties} is a package (a shaded jar holds
 * several); an archive with none is named from its manifest, else from its file name. Archives
 * inside archives ({@code WEB-INF/lib}, {@code BOOT-INF/lib}, an ear's modules) are read the same
 * way, down to {@link #MAX_DEPTH} levels.
 */
final class JavaArchives {
    static final int MAX_DEPTH = 4;
    private static final long MAX_SMALL_FILE = 1024 * 1024;
    /** Bytes one archive may expand to, nested ones included; beyond it the rest is not read. */
    static final long MAX_EXPANDED = 2L * 1024 * 1024 * 1024;

    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/[^/]+/[^/]+/pom\\.properties");
    private static final Pattern FILE_NAME = Pattern.compile("(.+?)-(\\d[\\w.+-]*)\\.[a-z]+");

    private JavaArchives() {}

    static boolean isArchive(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith(".jar")
                || p.endsWith(".war")
                || p.endsWith(".ear")
                || p.endsWith(".jpi")
                || p.endsWith(".hpi")
                || p.endsWith(".par")
                || p.endsWith(".sar");
    }

    static List<CataloguedPackage> read(InputStream in, String location, List<String> notes) throws IOException {
        List<CataloguedPackage> out = new ArrayList<>();
        read(new CappedInput(in, MAX_EXPANDED), location, 0, out, notes);
        return out;
    }

    private static void read(
            InputStream in, String location, int depth, List<CataloguedPackage> out, List<String> notes)
            throws IOException {
        ZipInputStream zip = new ZipInputStream(in);
        List<CataloguedPackage> fromPoms = new ArrayList<>();
        Manifest manifest = null;
        ZipEntry e;
        try {
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory()) {
                    continue;
                }
                String name = e.getName();
                if (POM_PROPERTIES.matcher(name).matches()) {
                    Properties p = new Properties();
                    p.load(new CappedInput(zip, MAX_SMALL_FILE));
                    String group = p.getProperty("groupId", "").trim();
                    String artifact = p.getProperty("artifactId", "").trim();
                    String version = p.getProperty("version", "").trim();
                    if (!artifact.isEmpty() && !version.isEmpty()) {
                        fromPoms.add(CataloguedPackage.of(Ecosystem.MAVEN, group, artifact, version, location));
                    }
                } else if (name.equals("META-INF/MANIFEST.MF")) {
                    manifest = new Manifest(new CappedInput(zip, MAX_SMALL_FILE));
                } else if (isArchive(name)) {
                    String inner = location + "!/" + name;
                    if (depth + 1 >= MAX_DEPTH) {
                        notes.add(inner + ": not read, archives nested deeper than " + MAX_DEPTH);
                    } else {
                        read(new CappedInput(zip, Long.MAX_VALUE), inner, depth + 1, out, notes);
                    }
                }
            }
        } catch (CappedInput.TooLarge tl) {
            throw tl;
        } catch (IOException | IllegalArgumentException ex) {
            // A damaged or unusual archive (STORED entries with data descriptors): keep what was read.
            notes.add(location + ": read in part, " + ex.getMessage());
        }
        if (!fromPoms.isEmpty()) {
            out.addAll(fromPoms);
            return;
        }
        fromManifest(manifest, location).ifPresent(out::add);
    }

    private static java.util.Optional<CataloguedPackage> fromManifest(Manifest manifest, String location) {
        String file = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf('!')) + 1);
        String name = "";
        String version = "";
        String group = "";
        if (manifest != null) {
            Attributes a = manifest.getMainAttributes();
            name = first(a, "Implementation-Title", "Bundle-SymbolicName", "Specification-Title");
            version = first(a, "Implementation-Version", "Bundle-Version", "Specification-Version");
            group = first(a, "Implementation-Vendor-Id");
            int semi = name.indexOf(';');
            if (semi > 0) {
                name = name.substring(0, semi).trim(); // Bundle-SymbolicName: x;singleton:=true
            }
        }
        Matcher m = FILE_NAME.matcher(file);
        if (m.matches()) {
            // The file name is what a build tool wrote; titles are often prose ("Apache Commons IO").
            name = m.group(1);
            if (version.isEmpty()) {
                version = m.group(2);
            }
        }
        if (name.isEmpty() || version.isEmpty() || name.contains(" ")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(CataloguedPackage.of(Ecosystem.MAVEN, group, name, version, location));
    }

    private static String first(Attributes a, String... names) {
        for (String n : names) {
            String v = a.getValue(n);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return "";
    }
}
