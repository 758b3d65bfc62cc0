import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Fixed pools of worker threads that time every operation; the first failure stops all workers. */
final class Workers {

  interface Task {
    void run(int index) throws Exception;
  }

  private Workers() {}

  /** Runs task(0..n-1) on {@code workers} threads and times each call. */
  static Timed forEach(int n, int workers, Task task) throws Exception {
    long[] latencies = new long[n];
    AtomicInteger next = new AtomicInteger();
    return run(workers, failure -> {
      for (int i; failure.get() == null && (i = next.getAndIncrement()) < n; ) {
        long start = System.nanoTime();
        task.run(i);
        latencies[i] = System.nanoTime() - start;
      }
    }, () -> latencies);
  }

  /** Runs task(0, 1, 2, ...) on {@code workers} threads until {@code duration} has elapsed. */
  static Timed forDuration(Duration duration, int workers, Task task) throws Exception {
    long deadline = System.nanoTime() + duration.toNanos();
    AtomicInteger next = new AtomicInteger();
    List<long[]> perWorker = Collections.synchronizedList(new ArrayList<>());
    return run(workers, failure -> {
      long[] mine = new long[4096];
      int count = 0;
      for (long start; failure.get() == null && (start = System.nanoTime()) < deadline; count++) {
        task.run(next.getAndIncrement());
        if (count == mine.length) {
          mine = Arrays.copyOf(mine, count * 2);
        }
        mine[count] = System.nanoTime() - start;
      }
      perWorker.add(Arrays.copyOf(mine, count));
    }, () -> perWorker.stream().flatMapToLong(Arrays::stream).toArray());
  }

  private interface Loop {
    void run(AtomicReference<Throwable> failure) throws Exception;
  }

  private static Timed run(int workers, Loop loop, Supplier<long[]> latencies) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
      for (int w = 0; w < workers; w++) {
        pool.execute(() -> {
          try {
            loop.run(failure);
          } catch (Throwable e) {
            failure.compareAndSet(null, e);
          }
        });
      }
    } // close() waits for every worker
    double seconds = (System.nanoTime() - start) / 1e9;
    switch (failure.get()) {
      case null -> {}
      case Exception e -> throw e;
      case Throwable t -> throw new IllegalStateException(t);
    }
    return new Timed(seconds, latencies.get());
  }

  /** Wall-clock seconds of a run plus the sorted per-operation latencies in nanoseconds. */
  record Timed(double seconds, long[] latencies) {
    Timed {
      latencies = latencies.clone();
      Arrays.sort(latencies);
    }

    int operations() {
      return latencies.length;
    }

    /** Nearest-rank percentile, in milliseconds. */
    double percentileMs(double p) {
      if (latencies.length == 0) {
        return 0;
      }
      int rank = (int) Math.ceil(p / 100.0 * latencies.length);
      return latencies[Math.clamp(rank - 1, 0, latencies.length - 1)] / 1e6;
    }

    Map<String, Object> summary(String scenario) {
      return Json.object("scenario", scenario, "seconds", seconds,
          "p50Ms", percentileMs(50), "p99Ms", percentileMs(99));
    }
  }
}
