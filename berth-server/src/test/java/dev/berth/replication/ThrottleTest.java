package dev.berth.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code speed} limit's accuracy, on a clock of the test's own: time passes only when the
 * throttle sleeps (or the test says so), so the figures are exact and cannot flake on a loaded
 * machine. The real-time side (a replication through a real remote taking at least the limit's
 * time) is in {@code ReplicationDeliveryTest}.
 */
class ThrottleTest {
    /** Time that moves only when someone sleeps or the test advances it. */
    private static final class FakeTicker implements Throttle.Ticker {
        long now = 1_000_000_000L;
        final List<Long> sleeps = new ArrayList<>();

        @Override
        public long nanos() {
            return now;
        }

        @Override
        public void sleep(long nanos) {
            sleeps.add(nanos);
            now += nanos;
        }
    }

    /** {@code size} bytes of zeros, handed out as large as the reader asks; no copying. */
    private static InputStream zeros(long size) {
        return new InputStream() {
            long left = size;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                left -= n;
                return n;
            }
        };
    }

    /** Reads everything in reads of {@code buffer} bytes; how many bytes came through. */
    private static long drain(InputStream in, int buffer) throws IOException {
        byte[] b = new byte[buffer];
        long total = 0;
        for (int n; (n = in.read(b, 0, b.length)) >= 0; ) {
            total += n;
        }
        return total;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    @Test
    void aLongBlobTakesItsSizeAtTheLimitWithinATenthOfASecond() throws IOException {
        FakeTicker ticker = new FakeTicker();
        Throttle throttle = new Throttle(2048, ticker); // 2 MiB/s
        long start = ticker.now;
        long size = 256L << 20;
        assertThat(drain(throttle.wrap(zeros(size)), 1 << 20)).isEqualTo(size);
        double took = seconds(ticker.now - start);
        // 256 MiB at 2 MiB/s is 128 s; the bucket's first tenth of a second comes free
        assertThat(took).isCloseTo(128.0 - 0.1, within(0.01));
        double rate = size / took / 1024;
        assertThat(rate / 2048).as("measured KiB/s over the limit").isBetween(0.999, 1.001);
    }

    @Test
    void theLimitHoldsAcrossTheBlobsOfATaskAndAPauseEarnsNoMoreThanTheBucket() throws IOException {
        FakeTicker ticker = new FakeTicker();
        Throttle throttle = new Throttle(1024, ticker); // 1 MiB/s, a bucket of 104,857 bytes
        assertThat(throttle.capacity()).isEqualTo(104_857);
        long start = ticker.now;
        drain(throttle.wrap(zeros(8L << 20)), 64 * 1024);
        double first = seconds(ticker.now - start);
        assertThat(first).isCloseTo(8.0 - 0.1, within(0.01));

        // a minute of manifests and HEADs: the next blob still starts with one bucket at most
        ticker.now += 60_000_000_000L;
        long second = ticker.now;
        drain(throttle.wrap(zeros(4L << 20)), 64 * 1024);
        assertThat(seconds(ticker.now - second)).isCloseTo(4.0 - 0.1, within(0.01));
    }

    @Test
    void noSecondPassesMoreThanTheLimitAndABucket() throws IOException {
        FakeTicker ticker = new FakeTicker();
        long limit = 512 * 1024;
        Throttle throttle = new Throttle(512, ticker);
        InputStream in = throttle.wrap(zeros(16L << 20));
        byte[] b = new byte[1 << 20];
        long start = ticker.now;
        List<long[]> marks = new ArrayList<>(); // {time since start, bytes so far}
        long total = 0;
        for (int n; (n = in.read(b, 0, b.length)) >= 0; ) {
            assertThat((long) n).as("one read asks for at most the bucket").isLessThanOrEqualTo(throttle.capacity());
            total += n;
            marks.add(new long[] {ticker.now - start, total});
        }
        for (long[] from : marks) {
            for (long[] to : marks) {
                if (to[0] > from[0]) {
                    double window = seconds(to[0] - from[0]);
                    assertThat(to[1] - from[1]).isLessThanOrEqualTo((long) ((window + 0.1) * limit) + 1);
                }
            }
        }
    }

    @Test
    void byteAtATimeReadsArePacedToo() throws IOException {
        FakeTicker ticker = new FakeTicker();
        Throttle throttle = new Throttle(1, ticker); // 1 KiB/s, a bucket of 102 bytes
        InputStream in = throttle.wrap(zeros(4096 + 102));
        long start = ticker.now;
        int count = 0;
        while (in.read() >= 0) {
            count++;
        }
        assertThat(count).isEqualTo(4198);
        assertThat(seconds(ticker.now - start)).isCloseTo(4.0, within(0.01));
    }

    @Test
    void noLimitPassesTheStreamThrough() {
        Throttle throttle = new Throttle(0, new FakeTicker());
        InputStream in = zeros(1);
        assertThat(throttle.limited()).isFalse();
        assertThat(throttle.wrap(in)).isSameAs(in);
    }
}
