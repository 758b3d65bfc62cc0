package dev.berth.scan.osv;

import java.util.Comparator;
import org.apache.maven.artifact.versioning.ComparableVersion;

/** Maven's version order: Maven's own {@link ComparableVersion}, as Maven resolves versions. */
final class MavenVersion implements Comparator<String> {
    static final MavenVersion ORDER = new MavenVersion();

    private MavenVersion() {}

    @Override
    public int compare(String a, String b) {
        return Integer.signum(new ComparableVersion(a.trim()).compareTo(new ComparableVersion(b.trim())));
    }
}
