package dev.berth.scan.builtin;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * rpm's installed-package database in the two formats images carry: SQLite
 * ({@code rpmdb.sqlite}, Fedora 33 and later, RHEL/Rocky/Alma 9: table {@code Packages(hnum,
 * blob)}), Berkeley DB hash ({@code Packages}, RHEL/CentOS up to 8, Amazon Linux 2, older
 * SUSE) and ndb ({@code Packages.db}, SLE 15 SP3 and later, openSUSE since 2021). All hold one rpm
 * header per package. Fedora 36 and later keep the database under
 * {@code usr/lib/sysimage/rpm}, with {@code var/lib/rpm} a symbolic link to it.
 *
 * <p>A header that cannot be parsed is skipped with a note; a database that cannot be walked
 * yields nothing and a note (the scan goes on with the image's other packages).
 */
final class RpmDatabase {
    private RpmDatabase() {}

    static boolean isDatabase(String path) {
        return path.equals("var/lib/rpm/rpmdb.sqlite")
                || path.equals("usr/lib/sysimage/rpm/rpmdb.sqlite")
                || path.equals("var/lib/rpm/Packages")
                || path.equals("usr/lib/sysimage/rpm/Packages")
                || path.equals("var/lib/rpm/Packages.db")
                || path.equals("usr/lib/sysimage/rpm/Packages.db");
    }

    static List<CataloguedPackage> read(InputStream in, String path, List<String> notes) throws IOException {
        byte[] file = in.readAllBytes();
        List<byte[]> headers;
        try {
            if (path.endsWith(".sqlite")) {
                headers = new SqliteTable(file).column("Packages", 1);
            } else if (path.endsWith(".db")) {
                headers = new NdbPackages(file).values();
            } else {
                headers = new BerkeleyHash(file).values();
            }
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            notes.add(path + ": the rpm database could not be read, " + e.getMessage());
            return List.of();
        }
        List<CataloguedPackage> out = new ArrayList<>();
        int broken = 0;
        String firstError = "";
        for (byte[] h : headers) {
            if (h.length < 24) {
                continue; // Berkeley DB's record 0 (the next header number), not a header
            }
            try {
                Optional<CataloguedPackage> p = RpmHeader.toPackage(h, path);
                p.ifPresent(out::add);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                if (broken++ == 0) {
                    firstError = e.getMessage();
                }
            }
        }
        if (broken > 0) {
            notes.add(path + ": " + broken + " rpm header(s) skipped, the first: " + firstError);
        }
        return out;
    }
}
