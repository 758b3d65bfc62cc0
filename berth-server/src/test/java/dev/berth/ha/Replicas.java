package dev.berth.ha;

import dev.berth.support.BerthProcess;
import dev.berth.support.FreePort;
import dev.berth.support.NginxBalancer;
import dev.berth.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Three Berth processes sharing one PostgreSQL database, one blob store and one token signing key,
 * behind nginx: the deployment of docs/high-availability.md, on 127.0.0.1.
 */
final class Replicas implements AutoCloseable {
    /** Where the replicas keep blobs; S3 (a shared bucket) is the other deployment. */
    interface Storage {
        /** Arguments that point every replica at the one shared store. */
        List<String> args(Path dir);

        /**
         * The data directory of a replica: the one shared volume for the filesystem driver; with
         * object storage (S3: the next variant, once its driver is merged) each replica's own, so
         * that nothing can pass between replicas except through the database and the bucket.
         */
        Path dataDir(Path dir, int replica);
    }

    /** One data directory for all: blobs and in-progress uploads on a shared volume. */
    static final Storage SHARED_FILESYSTEM = new Storage() {
        @Override
        public List<String> args(Path dir) {
            return List.of();
        }

        @Override
        public Path dataDir(Path dir, int replica) {
            return dir.resolve("data");
        }
    };

    final Path dir;
    final Storage storage;
    final TestDatabase db;
    final List<String> args;
    final int[] ports;
    final BerthProcess[] processes;
    NginxBalancer balancer;
    private int starts;

    private Replicas(
            Path dir, Storage storage, TestDatabase db, List<String> args, int[] ports, BerthProcess[] processes) {
        this.dir = dir;
        this.storage = storage;
        this.db = db;
        this.args = args;
        this.ports = ports;
        this.processes = processes;
    }

    static Replicas start(int count, Storage storage) throws Exception {
        Path dir = Files.createTempDirectory("berth-ha-");
        TestDatabase db = TestDatabase.create();
        int lbPort = FreePort.pick();
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + db.jdbcUrl(),
                "--spring.datasource.username=" + db.user(),
                "--berth.token.private-key-file=" + writeKey(dir.resolve("token.pem")),
                "--berth.external-url=http://127.0.0.1:" + lbPort,
                // A killed replica's jobs go back to the queue after this lease.
                "--berth.jobs.lease=4s",
                "--logging.level.root=WARN",
                "--logging.level.dev.berth=INFO"));
        args.addAll(storage.args(dir));
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = FreePort.pick();
        }
        BerthProcess[] processes = new BerthProcess[count];
        Replicas replicas = new Replicas(dir, storage, db, List.copyOf(args), ports, processes);
        try {
            // Started together, as a Deployment's pods are: Flyway's lock serialises the migration.
            try (ExecutorService pool = Executors.newFixedThreadPool(count)) {
                List<Future<BerthProcess>> started = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    int index = i;
                    started.add(pool.submit(() -> replicas.launch(index)));
                }
                for (int i = 0; i < count; i++) {
                    processes[i] = started.get(i).get();
                }
            }
            List<Integer> upstreams = new ArrayList<>();
            for (int p : ports) {
                upstreams.add(p);
            }
            replicas.balancer = NginxBalancer.start(dir.resolve("nginx"), lbPort, upstreams);
            return replicas;
        } catch (Exception | Error e) {
            replicas.close();
            throw e;
        }
    }

    private synchronized int nextStart() {
        return starts++;
    }

    private BerthProcess launch(int index) {
        int n = nextStart();
        return BerthProcess.start(
                storage.dataDir(dir, index),
                dir.resolve("tmp-" + index + "-" + n),
                dir.resolve("replica-" + index + "-" + n + ".log"),
                args,
                ports[index]);
    }

    /** SIGKILL: the replica dies mid-request, its leases and connections with it. */
    void kill(int index) {
        processes[index].kill();
    }

    /** Starts the replica again at its old address, where the balancer sends traffic. */
    void restart(int index) {
        processes[index] = launch(index);
    }

    @Override
    public void close() {
        if (balancer != null) {
            balancer.close();
        }
        for (BerthProcess p : processes) {
            if (p != null) {
                p.close();
            }
        }
        db.close();
        deleteRecursively(dir);
    }

    /** An RSA key in PKCS#8 PEM, as an operator would put in a Secret mounted by every replica. */
    static Path writeKey(Path file) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        byte[] der = generator.generateKeyPair().getPrivate().getEncoded();
        Files.writeString(
                file,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                        + "\n-----END PRIVATE KEY-----\n");
        return file;
    }

    static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temp directory
        }
    }
}
