import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webhook delivery benchmark (issue 13): pushes N artifacts to one repository of a Berth project
 * with a webhook policy for PUSH_ARTIFACT pointing at a receiver run here on 127.0.0.1, and
 * measures, per event, the time from the push (manifest PUT sent, and its 201 received — the
 * change is committed before the 201 leaves) to the receipt of its delivery; events per second
 * sustained; receipts of one event more than once; events never delivered. With {@code
 * --down-seconds S} the receiver stops accepting connections for S seconds once a third of the
 * pushes are done, then comes back on the same port: the backlog must drain with nothing lost.
 *
 * <p>Run with JDK 25: {@code java bench/EventsLoad.java --url U --auth user:password [--project
 * bench --events 10000 --workers 8 --rate 0 --warmup 0 --down-seconds 0 --timeout 900]}: {@code
 * --rate} paces the pushes (per second, 0: as fast as they go), {@code --warmup N} first pushes N
 * artifacts and waits for their deliveries, unmeasured. Prints one JSON line on
 * stdout, progress on stderr; exits non-zero when an event was not delivered in time. Berth must
 * allow 127.0.0.1 for outbound calls ({@code berth.outbound.allowed-networks=127.0.0.1/32}).
 */
public final class EventsLoad {
    static final Set<String> OPTIONS =
            Set.of(
                    "url", "auth", "project", "repo", "events", "workers", "down-seconds", "timeout", "name", "rate",
                    "warmup");
    static final Pattern TAG = Pattern.compile("\"tag\"\\s*:\\s*\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String url = o.getOrDefault("url", "http://127.0.0.1:8080").replaceAll("/$", "");
        String auth = "Basic "
                + Base64.getEncoder().encodeToString(o.getOrDefault("auth", "").getBytes(StandardCharsets.UTF_8));
        String project = o.getOrDefault("project", "bench");
        String repo = project + "/" + o.getOrDefault("repo", "events");
        int events = Integer.parseInt(o.getOrDefault("events", "10000"));
        int workers = Integer.parseInt(o.getOrDefault("workers", "8"));
        int downSeconds = Integer.parseInt(o.getOrDefault("down-seconds", "0"));
        long timeoutNanos = Long.parseLong(o.getOrDefault("timeout", "900")) * 1_000_000_000L;
        String name = o.getOrDefault("name", downSeconds > 0 ? "delivery-receiver-down" : "delivery");
        double rate = Double.parseDouble(o.getOrDefault("rate", "0"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "0"));

        long[] sent = new long[events];
        long[] acked = new long[events];
        long[] received = new long[events];
        AtomicInteger receipts = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger unknown = new AtomicInteger();
        Map<String, Integer> index = new ConcurrentHashMap<>();
        long[][] warmupTarget = new long[1][];
        for (int i = 0; i < events; i++) {
            index.put("e" + i, i);
        }
        Receiver receiver = new Receiver(body -> {
            long now = System.nanoTime();
            receipts.incrementAndGet();
            Matcher m = TAG.matcher(body);
            Integer i = m.find() ? index.get(m.group(1)) : null;
            if (i == null) {
                unknown.incrementAndGet();
                return;
            }
            long[] into = warmupTarget[0] != null ? warmupTarget[0] : received;
            synchronized (into) {
                if (into[i] == 0) {
                    into[i] = now;
                } else {
                    duplicates.incrementAndGet();
                }
            }
        });
        receiver.start(0);
        int port = receiver.port;
        log("receiver on 127.0.0.1:%d", port);

        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(workers)).build();
        String policy = """
                {"name":"bench-%d","enabled":true,"event_types":["PUSH_ARTIFACT"],
                 "targets":[{"type":"http","address":"http://127.0.0.1:%d/hook","payload_format":"Default","skip_cert_verify":false}]}"""
                .formatted(System.nanoTime(), port);
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(url + "/api/v2.0/projects/" + project + "/webhook/policies"))
                        .header("Authorization", auth)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(policy))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("creating the webhook policy answered " + created.statusCode() + ": "
                    + created.body());
        }

        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[1024];
        new java.util.Random(7).nextBytes(layer);
        String configDigest = upload(http, url, auth, repo, config);
        String layerDigest = upload(http, url, auth, repo, layer);

        if (warmup > 0) {
            // the same pushes, not measured: Berth's JIT and pools warm up, then the stream is idle
            log("warm-up: %d pushes and their deliveries", warmup);
            long[] wSent = new long[warmup];
            long[] wAcked = new long[warmup];
            long[] wReceived = new long[warmup];
            Map<String, Integer> saved = Map.copyOf(index);
            index.clear();
            for (int i = 0; i < warmup; i++) {
                index.put("w" + i, i);
            }
            warmupTarget[0] = wReceived;
            push(http, url, auth, repo, "w", warmup, workers, 0, configDigest, config.length, layerDigest, layer.length,
                    wSent, wAcked, new AtomicInteger(), () -> {});
            long until = System.nanoTime() + 120_000_000_000L;
            while (delivered(wReceived, wSent) < warmup && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            index.clear();
            index.putAll(saved);
            warmupTarget[0] = null;
            receipts.set(0);
            Thread.sleep(2000);
        }
        AtomicInteger failures = new AtomicInteger();
        AtomicLong downAt = new AtomicLong();
        AtomicLong upAt = new AtomicLong();
        AtomicInteger backlogAtUp = new AtomicInteger();
        long start = System.nanoTime();
        Runnable third = () -> {
            if (downSeconds > 0 && downAt.compareAndSet(0, System.nanoTime())) {
                receiver.stop();
                log("receiver down for %d s", downSeconds);
                Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(downSeconds * 1000L);
                        receiver.start(port);
                        upAt.set(System.nanoTime());
                        backlogAtUp.set(countAckedNotReceived(acked, received));
                        log("receiver up again");
                    } catch (Exception e) {
                        log("receiver could not restart: %s", e);
                    }
                });
            }
        };
        push(http, url, auth, repo, "e", events, workers, rate, configDigest, config.length, layerDigest, layer.length,
                sent, acked, failures, third);
        long pushed = System.nanoTime();
        int expected = events - failures.get();
        log("%d pushes in %.1f s (%d failed); waiting for deliveries", events, (pushed - start) / 1e9, failures.get());
        long deadline = start + timeoutNanos;
        int got;
        long lastLog = System.nanoTime();
        while ((got = delivered(received, sent)) < expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            if (System.nanoTime() - lastLog > 5_000_000_000L) {
                lastLog = System.nanoTime();
                log("%d of %d delivered", got, expected);
            }
        }
        long end = System.nanoTime();
        receiver.stop();

        List<Long> fromAck = new ArrayList<>();
        List<Long> fromSent = new ArrayList<>();
        List<Long> upOnly = new ArrayList<>();
        long lastReceipt = 0;
        for (int i = 0; i < events; i++) {
            if (sent[i] == 0 || received[i] == 0) {
                continue;
            }
            fromAck.add(received[i] - acked[i]);
            fromSent.add(received[i] - sent[i]);
            lastReceipt = Math.max(lastReceipt, received[i]);
            boolean whileUp = downAt.get() == 0 || acked[i] < downAt.get() - 20_000_000_000L;
            if (whileUp) {
                upOnly.add(received[i] - acked[i]);
            }
        }
        int lost = expected - fromAck.size();
        StringBuilder json = new StringBuilder("{\"scenario\":\"").append(name).append('"');
        field(json, "events", events);
        field(json, "rate", rate);
        field(json, "warmup", warmup);
        field(json, "push_failures", failures.get());
        field(json, "delivered", fromAck.size());
        field(json, "lost", lost);
        field(json, "duplicates", duplicates.get());
        field(json, "receipts", receipts.get());
        field(json, "unknown_receipts", unknown.get());
        field(json, "push_seconds", round((pushed - start) / 1e9));
        field(json, "push_per_s", round(events / ((pushed - start) / 1e9)));
        field(json, "delivered_per_s", round(fromAck.size() / ((lastReceipt - start) / 1e9)));
        field(json, "all_delivered_after_s", round((lastReceipt - start) / 1e9));
        latency(json, "from_201", fromAck);
        latency(json, "from_put", fromSent);
        if (downAt.get() > 0) {
            field(json, "down_seconds", downSeconds);
            double drained = (lastReceipt - upAt.get()) / 1e9;
            field(json, "drained_after_up_s", upAt.get() == 0 ? -1 : round(drained));
            field(json, "backlog_at_up", backlogAtUp.get());
            field(json, "drain_per_s", upAt.get() == 0 ? -1 : round(backlogAtUp.get() / Math.max(drained, 0.001)));
            latency(json, "while_up_from_201", upOnly);
        }
        System.out.println(json.append('}'));
        log("done in %.1f s", (end - start) / 1e9);
        System.exit(lost == 0 && failures.get() == 0 ? 0 : 1);
    }

    /**
     * Pushes {@code count} manifests tagged {@code prefix + i} with {@code workers} threads, at most
     * {@code rate} per second in all (0: as fast as they go); calls {@code atThird} once a third are done.
     */
    static void push(
            HttpClient http,
            String url,
            String auth,
            String repo,
            String prefix,
            int count,
            int workers,
            double rate,
            String configDigest,
            int configSize,
            String layerDigest,
            int layerSize,
            long[] sent,
            long[] acked,
            AtomicInteger failures,
            Runnable atThird)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long begin = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    if (rate > 0) {
                        long due = begin + (long) (i * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        }
                    }
                    String manifest = """
                            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
                             "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                             "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%d}],
                             "annotations":{"bench.event":"%s%d"}}"""
                            .formatted(configDigest, configSize, layerDigest, layerSize, prefix, i);
                    try {
                        sent[i] = System.nanoTime();
                        HttpResponse<Void> r = http.send(
                                HttpRequest.newBuilder(URI.create(url + "/v2/" + repo + "/manifests/" + prefix + i))
                                        .header("Authorization", auth)
                                        .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                                        .PUT(HttpRequest.BodyPublishers.ofString(manifest))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding());
                        acked[i] = System.nanoTime();
                        if (r.statusCode() != 201) {
                            failures.incrementAndGet();
                            sent[i] = 0;
                            log("push %s%d answered %d", prefix, i, r.statusCode());
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        sent[i] = 0;
                        log("push %s%d failed: %s", prefix, i, e);
                    }
                    if (i == count / 3) {
                        atThird.run();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    static int countAckedNotReceived(long[] acked, long[] received) {
        int n = 0;
        synchronized (received) {
            for (int i = 0; i < acked.length; i++) {
                if (acked[i] != 0 && received[i] == 0) {
                    n++;
                }
            }
        }
        return n;
    }

    static int delivered(long[] received, long[] sent) {
        int n = 0;
        synchronized (received) {
            for (int i = 0; i < received.length; i++) {
                if (received[i] != 0 && sent[i] != 0) {
                    n++;
                }
            }
        }
        return n;
    }

    static String upload(HttpClient http, String url, String auth, String repo, byte[] bytes) throws Exception {
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url + "/v2/" + repo + "/blobs/uploads/?digest=" + digest))
                        .header("Authorization", auth)
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("blob upload answered " + r.statusCode() + ": " + r.body());
        }
        return digest;
    }

    static void latency(StringBuilder json, String prefix, List<Long> nanos) {
        long[] v = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            return;
        }
        field(json, prefix + "_p50_ms", round(v[(int) Math.min(v.length - 1, Math.round(0.50 * (v.length - 1)))] / 1e6));
        field(json, prefix + "_p90_ms", round(v[(int) Math.min(v.length - 1, Math.round(0.90 * (v.length - 1)))] / 1e6));
        field(json, prefix + "_p99_ms", round(v[(int) Math.min(v.length - 1, Math.round(0.99 * (v.length - 1)))] / 1e6));
        field(json, prefix + "_max_ms", round(v[v.length - 1] / 1e6));
    }

    static void field(StringBuilder json, String key, Object value) {
        json.append(",\"").append(key).append("\":").append(value);
    }

    static double round(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static void log(String format, Object... args) {
        System.err.printf("[events] " + format + "%n", args);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String key = args[i].replaceFirst("^--", "");
            if (!OPTIONS.contains(key) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option: " + args[i] + " " + Arrays.toString(args));
            }
            o.put(key, args[i + 1]);
        }
        return o;
    }

    /** A webhook receiver that answers 200 to every POST and hands the body on. */
    static final class Receiver {
        private final java.util.function.Consumer<String> onBody;
        private volatile HttpServer server;
        volatile int port;

        Receiver(java.util.function.Consumer<String> onBody) {
            this.onBody = onBody;
        }

        synchronized void start(int wanted) throws IOException {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", wanted), 256);
            s.createContext("/", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    onBody.accept(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            s.setExecutor(Executors.newFixedThreadPool(8));
            s.start();
            server = s;
            port = s.getAddress().getPort();
        }

        synchronized void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }
    }
}
