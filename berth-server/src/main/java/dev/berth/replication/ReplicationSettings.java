package dev.berth.replication;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * How copy tasks treat a remote that is slow or failing, and how they upload in chunks:
 *
 * <ul>
 *   <li>{@code berth.replication.retry.attempts} (5): tries of one request (a HEAD, a blob, a
 *       manifest) that met a 429, a 5xx or a broken connection, the first included;
 *   <li>{@code berth.replication.retry.backoff} (1s): the wait after the first failure, doubled
 *       after each further one; a {@code Retry-After} replaces it;
 *   <li>{@code berth.replication.retry.max-wait} (60s): no single wait is longer (a longer
 *       {@code Retry-After} is cut to this);
 *   <li>{@code berth.replication.chunk-size} (10MB): the chunk of {@code copy_by_chunk} uploads;
 *   <li>{@code berth.replication.task-attempts} (3) and {@code berth.replication.task-backoff}
 *       (10s): the job service's retries of a whole copy task after the requests' own retries;
 *   <li>{@code berth.replication.connect-timeout} (10s): how long a copy waits for the remote to
 *       accept a connection;
 *   <li>{@code berth.replication.read-timeout} (5m): how long a copy waits for the remote's answer
 *       to begin, and then between two reads of its body — a remote that accepts the connection
 *       and never answers, or stops sending mid-blob, fails the request after this (and it is
 *       retried as above).
 *   <li>{@code berth.replication.min-throughput} (16KB, per second; 0 turns the rule off) and
 *       {@code berth.replication.min-transfer-time} (5m): the whole-transfer rule — a blob must
 *       have been read within the transfer time plus its size at the minimum throughput, or its
 *       copy fails naming the rule ({@link BlobDeadline}); this ends a remote that trickles a byte
 *       just inside the read timeout.
 * </ul>
 */
@Component
class ReplicationSettings {
    final int retryAttempts;
    final Duration retryBackoff;
    final Duration retryMaxWait;
    final int chunkSize;
    final int taskAttempts;
    final Duration taskBackoff;
    final Duration connectTimeout;
    final Duration readTimeout;
    final long minThroughputKib;
    final Duration minTransferTime;

    ReplicationSettings(
            @Value("${berth.replication.retry.attempts:5}") int retryAttempts,
            @Value("${berth.replication.retry.backoff:1s}") Duration retryBackoff,
            @Value("${berth.replication.retry.max-wait:60s}") Duration retryMaxWait,
            @Value("${berth.replication.chunk-size:10MB}") org.springframework.util.unit.DataSize chunkSize,
            @Value("${berth.replication.task-attempts:3}") int taskAttempts,
            @Value("${berth.replication.task-backoff:10s}") Duration taskBackoff,
            @Value("${berth.replication.connect-timeout:10s}") Duration connectTimeout,
            @Value("${berth.replication.read-timeout:5m}") Duration readTimeout,
            @Value("${berth.replication.min-throughput:16KB}") org.springframework.util.unit.DataSize minThroughput,
            @Value("${berth.replication.min-transfer-time:5m}") Duration minTransferTime) {
        if (retryAttempts < 1 || taskAttempts < 1) {
            throw new IllegalArgumentException("berth.replication attempts must be at least 1");
        }
        if (chunkSize.toBytes() < 1 || chunkSize.toBytes() > 256L << 20) {
            throw new IllegalArgumentException("berth.replication.chunk-size must be between 1B and 256MB");
        }
        if (!within(connectTimeout) || !within(readTimeout)) {
            throw new IllegalArgumentException("berth.replication timeouts must be between 1ms and 1h");
        }
        if (minThroughput.toBytes() < 0 || (minThroughput.toBytes() > 0 && minThroughput.toBytes() < 1024)) {
            throw new IllegalArgumentException("berth.replication.min-throughput must be 0 (off) or at least 1KB");
        }
        if (minTransferTime.isNegative() || minTransferTime.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("berth.replication.min-transfer-time must be between 0 and 1d");
        }
        this.minThroughputKib = minThroughput.toBytes() / 1024;
        this.minTransferTime = minTransferTime;
        this.retryAttempts = retryAttempts;
        this.retryBackoff = retryBackoff;
        this.retryMaxWait = retryMaxWait;
        this.chunkSize = (int) chunkSize.toBytes();
        this.taskAttempts = taskAttempts;
        this.taskBackoff = taskBackoff;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    private static boolean within(Duration d) {
        return d.toMillis() >= 1 && d.compareTo(Duration.ofHours(1)) <= 0;
    }

    static ReplicationSettings defaults() {
        return new ReplicationSettings(
                5,
                Duration.ofSeconds(1),
                Duration.ofSeconds(60),
                org.springframework.util.unit.DataSize.ofMegabytes(10),
                3,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofMinutes(5),
                org.springframework.util.unit.DataSize.ofKilobytes(16),
                Duration.ofMinutes(5));
    }
}
