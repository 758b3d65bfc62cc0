package dev.berth.support;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldif.LDIFReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Debian's OpenLDAP server ({@code /usr/sbin/slapd}), started for the tests on 127.0.0.1 with a
 * generated {@code slapd.conf} in a temporary directory: an MDB database for {@value #SUFFIX}, the
 * {@code memberof} overlay (so users and nested groups carry {@code memberOf}, as in Active
 * Directory), {@code ldap://} on one free port and {@code ldaps://} on another with a server
 * certificate from a CA made here ({@link #caFile()}). One server is shared by the test classes of
 * a JVM ({@link #shared()}) and seeded from {@link #SEED}; tests that change entries use their own.
 */
public final class Slapd implements AutoCloseable {
    public static final String SUFFIX = "dc=berth,dc=test";
    public static final String ROOT_DN = "cn=admin," + SUFFIX;
    public static final String ROOT_PASSWORD = "Slapd-Root-2026";
    public static final String PEOPLE = "ou=people," + SUFFIX;
    public static final String GROUPS = "ou=groups," + SUFFIX;

    /**
     * Users {@code alice}, {@code bob}, {@code carol}, {@code dave} (password {@code <name>-Pass-1});
     * {@code developers} holds alice and the group {@code backend}, which holds dave (nested);
     * {@code harbor-admins} holds carol; {@code team-a}..: spare groups.
     */
    public static final String SEED = """
            dn: %1$s
            objectClass: dcObject
            objectClass: organization
            dc: berth
            o: Berth tests

            dn: %2$s
            objectClass: organizationalUnit
            ou: people

            dn: %3$s
            objectClass: organizationalUnit
            ou: groups

            dn: uid=alice,%2$s
            objectClass: inetOrgPerson
            uid: alice
            cn: Alice Liddell
            sn: Liddell
            mail: alice@berth.test
            userPassword: alice-Pass-1

            dn: uid=bob,%2$s
            objectClass: inetOrgPerson
            uid: bob
            cn: Bob Builder
            sn: Builder
            mail: bob@berth.test
            userPassword: bob-Pass-1

            dn: uid=carol,%2$s
            objectClass: inetOrgPerson
            uid: carol
            cn: Carol Admin
            sn: Admin
            mail: carol@berth.test
            userPassword: carol-Pass-1

            dn: uid=dave,%2$s
            objectClass: inetOrgPerson
            uid: dave
            cn: Dave Nested
            sn: Nested
            mail: dave@berth.test
            userPassword: dave-Pass-1

            dn: cn=backend,%3$s
            objectClass: groupOfNames
            cn: backend
            member: uid=dave,%2$s

            dn: cn=developers,%3$s
            objectClass: groupOfNames
            cn: developers
            member: uid=alice,%2$s
            member: cn=backend,%3$s

            dn: cn=harbor-admins,%3$s
            objectClass: groupOfNames
            cn: harbor-admins
            member: uid=carol,%2$s
            """.formatted(SUFFIX, PEOPLE, GROUPS);

    private static Slapd shared;

    private final Process process;
    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final String rootDn;

    private Slapd(Process process, Path dir, int port, int tlsPort, String rootDn) {
        this.process = process;
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.rootDn = rootDn;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/slapd"));
    }

    /** The server shared by this JVM's test classes, seeded with {@link #SEED}; stopped at exit. */
    public static synchronized Slapd shared() {
        if (shared == null) {
            shared = start(SEED);
            Slapd s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    public static Slapd start(String ldif) {
        return start(SUFFIX, "", "groupOfNames", ldif);
    }

    /**
     * A server for another {@code suffix} (root DN {@code cn=admin,<suffix>}, password {@link
     * #ROOT_PASSWORD}), with {@code schema} (slapd.conf schema statements, e.g. an Active
     * Directory-like layout) besides the standard ones, and the {@code memberof} overlay keeping
     * {@code memberOf} for groups of {@code groupClass}.
     */
    public static Slapd start(String suffix, String schema, String groupClass, String ldif) {
        try {
            Path dir = Files.createTempDirectory("slapd-test-");
            Files.createDirectories(dir.resolve("db"));
            tls(dir);
            int port = FreePort.pick();
            int tlsPort = FreePort.pick();
            Files.writeString(dir.resolve("extra.schema"), schema);
            Files.writeString(dir.resolve("slapd.conf"), """
                    include /etc/ldap/schema/core.schema
                    include /etc/ldap/schema/cosine.schema
                    include /etc/ldap/schema/inetorgperson.schema
                    include /etc/ldap/schema/nis.schema
                    include %1$s/extra.schema
                    modulepath /usr/lib/ldap
                    moduleload back_mdb
                    moduleload memberof
                    pidfile %1$s/slapd.pid
                    TLSCACertificateFile %1$s/ca.pem
                    TLSCertificateFile %1$s/server.pem
                    TLSCertificateKeyFile %1$s/server.key
                    database mdb
                    maxsize 33554432
                    suffix "%2$s"
                    rootdn "%3$s"
                    rootpw %4$s
                    directory %1$s/db
                    overlay memberof
                    memberof-group-oc %5$s
                    memberof-member-ad member
                    memberof-memberof-ad memberOf
                    memberof-refint TRUE
                    """.formatted(
                            dir, suffix, "cn=admin," + suffix, ROOT_PASSWORD, groupClass));
            Process p = new ProcessBuilder(
                            "/usr/sbin/slapd",
                            "-d",
                            "0",
                            "-f",
                            dir.resolve("slapd.conf").toString(),
                            "-h",
                            "ldap://127.0.0.1:" + port + "/ ldaps://127.0.0.1:" + tlsPort + "/")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("slapd.log").toFile())
                    .start();
            Slapd slapd = new Slapd(p, dir, port, tlsPort, "cn=admin," + suffix);
            slapd.awaitUp();
            if (!ldif.isBlank()) {
                slapd.add(ldif);
            }
            return slapd;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA and a server certificate for 127.0.0.1 and localhost, made with openssl. */
    private static void tls(Path dir) throws IOException {
        run(
                dir,
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=Berth test LDAP CA",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem");
        run(
                dir,
                "openssl",
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "server.key",
                "-out",
                "server.csr");
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(
                dir,
                "openssl",
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                "ext.cnf",
                "-out",
                "server.pem");
    }

    private static void run(Path dir, String... command) throws IOException {
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private void awaitUp() throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("slapd exited: " + Files.readString(dir.resolve("slapd.log")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                try {
                    Thread.sleep(50); // a condition wait: the server's port opening
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException(ie);
                }
            }
        }
        throw new IllegalStateException("slapd did not start: " + Files.readString(dir.resolve("slapd.log")));
    }

    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public String tlsUrl() {
        return "ldaps://127.0.0.1:" + tlsPort;
    }

    public int port() {
        return port;
    }

    /** The test CA that signed the server's certificate, PEM. */
    public Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** A connection bound as the root DN, for tests that change entries. */
    public LDAPConnection admin() {
        try {
            LDAPConnection c = new LDAPConnection("127.0.0.1", port);
            c.bind(rootDn, ROOT_PASSWORD);
            return c;
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds the entries of an LDIF text. */
    public void add(String ldif) {
        try (LDAPConnection c = admin();
                LDIFReader reader = new LDIFReader(new ByteArrayInputStream(ldif.getBytes(StandardCharsets.UTF_8)))) {
            com.unboundid.ldap.sdk.Entry e;
            while ((e = reader.readEntry()) != null) {
                c.add(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot seed slapd", e);
        }
    }

    /** Runs an LDAP modify as the root DN, e.g. removing a group member. */
    public void modify(String dn, com.unboundid.ldap.sdk.Modification... mods) {
        try (LDAPConnection c = admin()) {
            c.modify(dn, mods);
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The lines slapd logged (its stderr). */
    public List<String> log() {
        try {
            return Files.readAllLines(dir.resolve("slapd.log"));
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public synchronized void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        BerthServer.deleteRecursively(dir);
    }
}
