import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Load generator for registries speaking the OCI Distribution API (plain HTTP/1.1, optional Basic auth).
 *
 * <p>Run from source with JDK 25: {@code java bench/RegistryLoad.java <scenario> [--option value]}
 * (the launcher compiles the sibling files HttpConnection, OciClient, Workers, Options and Json on
 * demand). Each scenario prints one JSON line with its figures on stdout and human-readable lines
 * on stderr; the exit code is non-zero on any protocol error or digest mismatch. With
 * {@code --auth user:password} (or the environment variable {@code BENCH_AUTH}) every request to
 * the registry carries {@code Authorization: Basic}. See bench/README.md.
 */
public final class RegistryLoad {

  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  static final String DEFAULT_URL = "http://127.0.0.1:5000";
  static final double MIB = 1024.0 * 1024.0;

  static final Set<String> OPTIONS = Set.of("url", "images", "layers", "layer-size", "workers", "repos",
      "repo-prefix", "tag-prefix", "seed", "duration", "count", "size", "dir", "repo", "paths", "rounds", "verify",
      "auth", "paths-file", "name");

  static final String USAGE =
      """
      usage: java bench/RegistryLoad.java <scenario> [--option value ...]
        push          --url U [--images 200 --layers 3 --layer-size 1MiB --workers 8]
                      [--repos 20 --repo-prefix bench/img --tag-prefix t --seed N]
        pull          --url U [--images 200 --workers 8 --repos 20 --repo-prefix bench/img --tag-prefix t]
        tags          --url U [--duration 10 --workers 8 --repos 20 --repo-prefix bench/img]
        bigblob-seed  --dir D [--count 4 --size 256MiB --seed N] [--url U --repo bench/big]
        bigblob       --url U --paths /p1,/p2,... [--rounds 1 --verify]
        list          --url U --paths-file F [--duration 20 --workers 8 --seed N --name list]
                      GETs a random line of F (one API path per line, a JSON array expected) per request
      Every scenario: [--auth user:password] sends Authorization: Basic on every request
      (default: the environment variable BENCH_AUTH; unset or empty means anonymous).
      """;

  public static void main(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.print(USAGE);
      System.exit(2);
    }
    String scenario = args[0];
    Map<String, Object> result;
    try {
      Options options = Options.parse(Arrays.copyOfRange(args, 1, args.length), OPTIONS);
      result = switch (scenario) {
        case "push" -> push(options);
        case "pull" -> pull(options);
        case "tags" -> tags(options);
        case "list" -> list(options);
        case "bigblob-seed" -> bigBlobSeed(options);
        case "bigblob" -> bigBlobPull(options);
        default -> throw new IllegalArgumentException("unknown scenario: " + scenario + "\n" + USAGE);
      };
    } catch (Exception e) {
      log("%s FAILED: %s", scenario, e);
      result = Json.object("scenario", scenario, "error", String.valueOf(e));
    }
    System.out.println(Json.write(result));
    System.exit(result.containsKey("error") ? 1 : 0);
  }

  // ---------------------------------------------------------------- push / pull / tags

  /** Pushes N images: each blob by POST + one monolithic PUT, then the OCI manifest by tag. */
  static Map<String, Object> push(Options o) throws Exception {
    ImageSet set = ImageSet.from(o);
    int layers = o.integer("layers", 3);
    int layerSize = Math.toIntExact(o.size("layer-size", 1 << 20));
    long seed = o.longValue("seed", System.nanoTime());
    int workers = o.integer("workers", 8);
    log("push: generating %d images x %d layers x %s (not timed) ...", set.images(), layers, mib(layerSize));
    List<Image> images = IntStream.range(0, set.images()).parallel()
        .mapToObj(i -> Image.generate(set, i, layers, layerSize, seed)).toList();
    long bytes = images.stream().mapToLong(Image::blobBytes).sum();

    try (OciClient client = client(o)) {
      CpuClock cpu = CpuClock.start();
      Workers.Timed timed = Workers.forEach(images.size(), workers, i -> pushImage(client, images.get(i)));
      Map<String, Object> result = imageFigures("push", timed, bytes, cpu);
      result.putAll(Json.object("layers", layers, "layerBytes", layerSize, "workers", workers));
      return result;
    }
  }

  private static void pushImage(OciClient client, Image image) throws IOException {
    for (Blob layer : image.layers()) {
      client.pushBlob(image.repo(), layer.digest(), HttpConnection.bytes(layer.data()));
    }
    client.pushBlob(image.repo(), image.config().digest(), HttpConnection.bytes(image.config().data()));
    client.putManifest(image.repo(), image.tag(), image.manifest());
  }

  private static final Pattern DIGEST = Pattern.compile("\"digest\"\\s*:\\s*\"(sha256:[0-9a-f]{64})\"");

  /** Pulls the pushed images: manifest by tag, then every blob, each SHA-256 verified. */
  static Map<String, Object> pull(Options o) throws Exception {
    ImageSet set = ImageSet.from(o);
    int workers = o.integer("workers", 8);
    LongAdder bytes = new LongAdder();
    try (OciClient client = client(o)) {
      CpuClock cpu = CpuClock.start();
      Workers.Timed timed = Workers.forEach(set.images(), workers,
          i -> bytes.add(pullImage(client, set.repo(i), set.tag(i))));
      Map<String, Object> result = imageFigures("pull", timed, bytes.sum(), cpu);
      result.putAll(Json.object("workers", workers, "verified", true));
      return result;
    }
  }

  private static long pullImage(OciClient client, String repo, String tag) throws IOException {
    byte[] manifest = client.getManifest(repo, tag);
    long bytes = manifest.length;
    int blobs = 0;
    for (Matcher m = DIGEST.matcher(new String(manifest, StandardCharsets.UTF_8)); m.find(); blobs++) {
      bytes += client.getBlob("/v2/" + repo + "/blobs/" + m.group(1), m.group(1));
    }
    if (blobs < 2) {
      throw new OciClient.BenchFailure(repo + ":" + tag + ": manifest references no config and layers");
    }
    return bytes;
  }

  /** Lists the tags of every repository, round-robin, for a fixed duration. */
  static Map<String, Object> tags(Options o) throws Exception {
    ImageSet set = ImageSet.from(o);
    int workers = o.integer("workers", 8);
    Duration duration = Duration.ofMillis(Math.round(o.decimal("duration", 10) * 1000));
    try (OciClient client = client(o)) {
      CpuClock cpu = CpuClock.start();
      Workers.Timed timed = Workers.forDuration(duration, workers, i -> client.getTags(set.repo(i)));
      double reqPerSec = timed.operations() / timed.seconds();
      log("tags: %d requests in %.2f s = %.0f req/s, p50 %.2f ms, p99 %.2f ms", timed.operations(),
          timed.seconds(), reqPerSec, timed.percentileMs(50), timed.percentileMs(99));
      Map<String, Object> result = timed.summary("tags");
      result.putAll(Json.object("requests", timed.operations(), "reqPerSec", reqPerSec, "workers", workers,
          "clientCpuSeconds", cpu.seconds()));
      return result;
    }
  }

  /**
   * GETs API list pages for a fixed duration: each request picks a random line of --paths-file (one
   * path with its query string per line) and expects 200 with a JSON array.
   */
  static Map<String, Object> list(Options o) throws Exception {
    List<String> paths = Files.readAllLines(Path.of(o.required("paths-file"))).stream()
        .map(String::strip).filter(line -> !line.isEmpty()).toList();
    if (paths.isEmpty()) {
      throw new IllegalArgumentException("no paths in " + o.required("paths-file"));
    }
    String name = o.str("name", "list");
    int workers = o.integer("workers", 8);
    long seed = o.longValue("seed", System.nanoTime());
    Duration duration = Duration.ofMillis(Math.round(o.decimal("duration", 20) * 1000));
    LongAdder bytes = new LongAdder();
    try (OciClient client = client(o)) {
      CpuClock cpu = CpuClock.start();
      Workers.Timed timed = Workers.forDuration(duration, workers, i -> {
        // deterministic per request index: the same seed asks for the same pages
        int pick = new SplittableRandom(seed + i).nextInt(paths.size());
        bytes.add(client.getJsonList(paths.get(pick)).length);
      });
      double reqPerSec = timed.operations() / timed.seconds();
      log("%s: %d requests in %.2f s = %.0f req/s, p50 %.2f ms, p99 %.2f ms, %.1f KiB per response", name,
          timed.operations(), timed.seconds(), reqPerSec, timed.percentileMs(50), timed.percentileMs(99),
          bytes.sum() / 1024.0 / Math.max(1, timed.operations()));
      Map<String, Object> result = timed.summary(name);
      result.putAll(Json.object("requests", timed.operations(), "reqPerSec", reqPerSec, "workers", workers,
          "paths", paths.size(), "responseBytes", bytes.sum(), "clientCpuSeconds", cpu.seconds()));
      return result;
    }
  }

  private static Map<String, Object> imageFigures(String scenario, Workers.Timed timed, long bytes, CpuClock cpu) {
    int images = timed.operations();
    double seconds = timed.seconds();
    log("%s: %d images, %s in %.2f s = %.1f images/s, %.1f MiB/s, p50 %.1f ms, p99 %.1f ms", scenario, images,
        mib(bytes), seconds, images / seconds, bytes / MIB / seconds, timed.percentileMs(50), timed.percentileMs(99));
    Map<String, Object> result = timed.summary(scenario);
    result.putAll(Json.object("images", images, "bytes", bytes, "imagesPerSec", images / seconds,
        "mibPerSec", bytes / MIB / seconds, "clientCpuSeconds", cpu.seconds()));
    return result;
  }

  // ---------------------------------------------------------------- big blobs

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** Creates (or reuses) K files named by their SHA-256 hex in --dir and uploads them if --url is given. */
  static Map<String, Object> bigBlobSeed(Options o) throws Exception {
    Path dir = Path.of(o.required("dir"));
    int count = o.integer("count", 4);
    long size = o.size("size", 256L << 20);
    String repo = o.str("repo", "bench/big");
    List<String> hexes = ensureFiles(dir, count, size, o.longValue("seed", System.nanoTime()));
    Map<String, Object> result = Json.object("scenario", "bigblob-seed", "count", count, "bytes", size,
        "digests", hexes.stream().map(h -> "sha256:" + h).toList(),
        "files", hexes.stream().map(h -> "/" + h).toList(),
        "registryPaths", hexes.stream().map(h -> "/v2/" + repo + "/blobs/sha256:" + h).toList());
    if (o.has("url")) {
      try (OciClient client = client(o)) {
        long start = System.nanoTime();
        for (String hex : hexes) {
          client.pushBlob(repo, "sha256:" + hex, HttpConnection.file(dir.resolve(hex)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log("bigblob-seed: uploaded %d x %s to %s in %.2f s", count, mib(size), repo, seconds);
        result.putAll(Json.object("uploadSeconds", seconds, "uploadMibPerSec", count * size / MIB / seconds));
      }
    }
    return result;
  }

  /** GETs every path in parallel (one stream each), --rounds times; counts bytes, hashes only with --verify. */
  static Map<String, Object> bigBlobPull(Options o) throws Exception {
    List<String> paths = List.of(o.required("paths").split(","));
    int rounds = o.integer("rounds", 1);
    boolean verify = o.flag("verify");
    LongAdder bytes = new LongAdder();
    try (OciClient client = client(o)) {
      CpuClock cpu = CpuClock.start();
      long start = System.nanoTime();
      for (int round = 0; round < rounds; round++) {
        Workers.forEach(paths.size(), paths.size(), i -> {
          String path = paths.get(i);
          bytes.add(client.getBlob(path, verify ? "sha256:" + lastHex(path) : null));
        });
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double mibPerSec = bytes.sum() / MIB / seconds;
      log("bigblob: %d streams x %d rounds, %s in %.2f s = %.0f MiB/s%s", paths.size(), rounds,
          mib(bytes.sum()), seconds, mibPerSec, verify ? ", every digest verified" : "");
      return Json.object("scenario", "bigblob", "streams", paths.size(), "rounds", rounds, "bytes", bytes.sum(),
          "seconds", seconds, "mibPerSec", mibPerSec, "verified", verify, "clientCpuSeconds", cpu.seconds());
    }
  }

  private static String lastHex(String path) {
    String hex = null;
    for (Matcher m = HEX64.matcher(path); m.find(); ) {
      hex = m.group();
    }
    if (hex == null) {
      throw new IllegalArgumentException("--verify needs a sha256 hex in every path: " + path);
    }
    return hex;
  }

  /** Reuses hex-named files of the right size in {@code dir}, generates the missing ones. */
  private static List<String> ensureFiles(Path dir, int count, long size, long seed) throws IOException {
    Files.createDirectories(dir);
    List<String> hexes = new ArrayList<>();
    try (var listing = Files.list(dir)) {
      for (Path p : listing.sorted().toList()) {
        String name = p.getFileName().toString();
        if (HEX64.matcher(name).matches() && Files.size(p) == size && hexes.size() < count) {
          hexes.add(name);
        }
      }
    }
    int reused = hexes.size();
    for (int k = reused; k < count; k++) {
      hexes.add(generateFile(dir, size, new SplittableRandom(seed + k)));
    }
    log("bigblob-seed: %d files of %s in %s (%d reused)", count, mib(size), dir, reused);
    return hexes;
  }

  private static String generateFile(Path dir, long size, SplittableRandom random) throws IOException {
    MessageDigest sha = OciClient.sha256();
    Path tmp = Files.createTempFile(dir, "blob", ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      for (long left = size; left > 0; ) {
        byte[] chunk = randomBytes(random, (int) Math.min(left, 4 << 20));
        sha.update(chunk);
        out.write(chunk);
        left -= chunk.length;
      }
    }
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--")); // for nginx workers
    String hex = HexFormat.of().formatHex(sha.digest());
    Files.move(tmp, dir.resolve(hex), StandardCopyOption.REPLACE_EXISTING);
    return hex;
  }

  // ---------------------------------------------------------------- images

  /** Which images a scenario addresses: image i is repo prefix+(i % repos), tag prefix+i. */
  record ImageSet(int images, int repos, String repoPrefix, String tagPrefix) {
    static ImageSet from(Options o) {
      return new ImageSet(o.integer("images", 200), o.integer("repos", 20),
          o.str("repo-prefix", "bench/img"), o.str("tag-prefix", "t"));
    }

    String repo(int i) {
      return repoPrefix + (i % repos);
    }

    String tag(int i) {
      return tagPrefix + i;
    }
  }

  record Blob(String digest, byte[] data) {
    static Blob of(byte[] data) {
      return new Blob("sha256:" + HexFormat.of().formatHex(OciClient.sha256().digest(data)), data);
    }

    String descriptor(String mediaType) {
      return "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d}".formatted(mediaType, digest, data.length);
    }
  }

  /** One image: unique random layers, a config naming them, and an OCI image manifest. */
  record Image(String repo, String tag, List<Blob> layers, Blob config, byte[] manifest) {
    static Image generate(ImageSet set, int i, int layerCount, int layerSize, long seed) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
      List<Blob> layers = IntStream.range(0, layerCount)
          .mapToObj(l -> Blob.of(randomBytes(random, layerSize))).toList();
      String diffIds = String.join(",", layers.stream().map(b -> '"' + b.digest() + '"').toList());
      String config = """
          {"architecture":"amd64","os":"linux","config":{"Labels":{"bench.image":"%d","bench.seed":"%d"}},\
          "rootfs":{"type":"layers","diff_ids":[%s]}}""".formatted(i, seed, diffIds);
      Blob configBlob = Blob.of(config.getBytes(StandardCharsets.UTF_8));
      String manifest = "{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":%s,\"layers\":[%s]}".formatted(
          OciClient.OCI_MANIFEST, configBlob.descriptor(OCI_CONFIG),
          String.join(",", layers.stream().map(b -> b.descriptor(OCI_LAYER)).toList()));
      return new Image(set.repo(i), set.tag(i), layers, configBlob, manifest.getBytes(StandardCharsets.UTF_8));
    }

    long blobBytes() {
      return config.data().length + layers.stream().mapToLong(b -> b.data().length).sum();
    }
  }

  static byte[] randomBytes(SplittableRandom random, int size) {
    byte[] bytes = new byte[size];
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.remaining() >= Long.BYTES) {
      buffer.putLong(random.nextLong());
    }
    while (buffer.hasRemaining()) {
      buffer.put((byte) random.nextInt());
    }
    return bytes;
  }

  // ---------------------------------------------------------------- small helpers

  /** A client for --url with the credentials of --auth, else of BENCH_AUTH, else anonymous. */
  static OciClient client(Options o) {
    String credentials = o.str("auth", System.getenv("BENCH_AUTH"));
    if (credentials != null && credentials.isEmpty()) {
      credentials = null;
    }
    OciClient client = new OciClient(o.str("url", DEFAULT_URL), credentials);
    if (credentials != null) {
      log("auth: Basic, user %s", credentials.substring(0, credentials.indexOf(':')));
    }
    return client;
  }

  /** CPU time this client process spends during a timed run (shares the cores with the server). */
  record CpuClock(Duration startedAt) {
    static CpuClock start() {
      return new CpuClock(now());
    }

    double seconds() {
      return now().minus(startedAt).toNanos() / 1e9;
    }

    private static Duration now() {
      return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
    }
  }

  static String mib(long bytes) {
    return bytes >= (1 << 20) ? "%.1f MiB".formatted(bytes / MIB) : "%.1f KiB".formatted(bytes / 1024.0);
  }

  static void log(String format, Object... args) {
    System.err.println(String.format(format, args));
  }
}
