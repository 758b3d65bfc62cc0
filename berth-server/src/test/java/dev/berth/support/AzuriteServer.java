package dev.berth.support;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Azurite, Microsoft's Azure Storage emulator, serving the Blob API on 127.0.0.1 for the Azure
 * driver's tests. It comes from the npm registry: installed on first use into
 * {@code target/azurite} (never committed), then started as a child process with in-memory
 * persistence and stopped when the JVM exits.
 */
public final class AzuriteServer {
    /** The emulator's fixed account and its published key (Azurite's documentation), not a secret. */
    public static final String ACCOUNT = "devstoreaccount1";

    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final String VERSION = "3.37.0";
    private static final Path INSTALL = Path.of("target", "azurite").toAbsolutePath();

    private static AzuriteServer shared;

    private final Process process;
    private final int port;
    private final BlobServiceClient admin;

    private AzuriteServer() throws IOException, InterruptedException {
        Path bin = INSTALL.resolve("node_modules/.bin/azurite-blob");
        // The test JVMs of one build run side by side: the first to get here installs, the others wait.
        Files.createDirectories(INSTALL.getParent());
        try (FileChannel lock = FileChannel.open(
                        INSTALL.resolveSibling("azurite.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock held = lock.lock()) {
            if (!Files.isExecutable(bin)) {
                install();
            }
        }
        port = FreePort.pick();
        Path log = Files.createTempFile("berth-azurite-", ".log");
        process = new ProcessBuilder(
                        bin.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        Integer.toString(port),
                        "--inMemoryPersistence",
                        "--skipApiVersionCheck",
                        "--loose")
                .directory(Files.createTempDirectory("berth-azurite-").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!listening(port)) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new IllegalStateException("Azurite did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
        admin = new BlobServiceClientBuilder()
                .endpoint(endpoint().toString())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient();
    }

    /** One emulator for the test classes of this JVM. */
    public static synchronized AzuriteServer shared() {
        if (shared == null) {
            try {
                shared = new AzuriteServer();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start Azurite", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    /** The Blob service's URL, with the account in the path as the emulator serves it. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT);
    }

    /** Creates an empty container with a fresh name. */
    public String newContainer() {
        String name = "berth-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createBlobContainer(name);
        return name;
    }

    /** The names of the blobs in the container, for checks on the layout. */
    public List<String> names(String container) {
        return admin.getBlobContainerClient(container).listBlobs().stream()
                .map(b -> b.getName())
                .toList();
    }

    private static void install() throws IOException, InterruptedException {
        Files.createDirectories(INSTALL);
        Process npm = new ProcessBuilder(
                        "npm",
                        "install",
                        "--no-save",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        INSTALL.toString(),
                        "azurite@" + VERSION)
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes());
        if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            throw new IllegalStateException("npm install azurite@" + VERSION + " failed: " + output);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
