package dev.berth.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidations over a Redis pub/sub channel. Redis is never on the request path: a publish is
 * fire-and-forget, and while Redis is unreachable (at start-up too) Berth serves as a single node
 * would, logging the outage once and reconnecting in the background. After a reconnect every local
 * cache is dropped, because messages sent meanwhile were lost.
 */
class RedisInvalidations extends LocalInvalidations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisInvalidations.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final long CONNECT_RETRY_SECONDS = 5;

    private static final Duration RECONNECT_MAX = Duration.ofSeconds(5);

    private final ClientResources resources;
    private final RedisClient client;
    private final String channel;
    private final String origin = UUID.randomUUID().toString();
    /** null before the first attempt, then whether the last event was a connect or a disconnect. */
    private final AtomicReference<Boolean> connected = new AtomicReference<>();

    private volatile String lastError = "not connected yet";
    private volatile StatefulRedisPubSubConnection<String, String> subscriber;
    private volatile StatefulRedisConnection<String, String> publisher;
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "berth-redis-connect");
        t.setDaemon(true);
        return t;
    });

    RedisInvalidations(String url, String prefix) {
        RedisURI uri = RedisURI.create(url);
        uri.setTimeout(TIMEOUT);
        this.resources = ClientResources.builder()
                // Back within seconds of Redis returning, not Lettuce's default of up to 30 s.
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), RECONNECT_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // Fail a publish at once while disconnected instead of queueing it without bound.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(TIMEOUT))
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> c, SocketAddress address) {
                if (subscriber != null && publisher != null) {
                    markUp();
                }
            }

            @Override
            public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> c) {
                markDown("connection lost");
            }
        });
        this.channel = prefix + "invalidate";
        connector.scheduleWithFixedDelay(this::connectIfNeeded, 0, CONNECT_RETRY_SECONDS, TimeUnit.SECONDS);
    }

    /** Until both connections exist; afterwards Lettuce reconnects (and re-subscribes) by itself. */
    private void connectIfNeeded() {
        if (subscriber != null && publisher != null) {
            return;
        }
        try {
            subscriber = client.connectPubSub();
            subscriber.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    receive(message);
                }
            });
            subscriber.sync().subscribe(channel);
            publisher = client.connect();
            markUp();
        } catch (RuntimeException e) {
            markDown(e.getMessage());
            closeQuietly();
        }
    }

    private void receive(String message) {
        String[] parts = message.split("\n", 3);
        if (parts.length != 3 || parts[0].equals(origin)) {
            return; // our own announcement: this replica acted before sending it
        }
        deliver(parts[1], parts[2]);
    }

    @Override
    void announce(String cache, String key) {
        StatefulRedisConnection<String, String> pub = publisher;
        if (pub == null || !Boolean.TRUE.equals(connected.get())) {
            return; // the others fall back to their caches' expiry
        }
        pub.async().publish(channel, origin + "\n" + cache + "\n" + key).whenComplete((n, e) -> {
            if (e != null) {
                log.debug("event=redis_publish_failed reason=\"{}\"", e.toString());
            }
        });
    }

    private void markUp() {
        Boolean before = connected.getAndSet(true);
        if (before == null) {
            log.info("event=redis_connected channel={}", channel);
        } else if (!before) {
            log.info("event=redis_reconnected channel={}", channel);
            deliver(null, ALL); // invalidations sent while we were away are lost
        }
    }

    private void markDown(String reason) {
        lastError = reason == null ? "unreachable" : reason;
        Boolean before = connected.getAndSet(false);
        if (before == null || before) {
            // Once per outage: the caches fall back to their expiry until Redis is back.
            log.warn("event=redis_unavailable channel={} reason=\"{}\"", channel, lastError);
        }
    }

    @Override
    public Optional<SharedChannelStatus> status() {
        StatefulRedisConnection<String, String> pub = publisher;
        if (pub == null || !Boolean.TRUE.equals(connected.get())) {
            return Optional.of(new SharedChannelStatus("redis", Optional.of("redis is unreachable")));
        }
        try {
            pub.async().ping().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.of(new SharedChannelStatus("redis", Optional.empty()));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.of(new SharedChannelStatus("redis", Optional.of("redis did not answer")));
        }
    }

    private void closeQuietly() {
        try {
            if (subscriber != null) {
                subscriber.close();
            }
            if (publisher != null) {
                publisher.close();
            }
        } catch (RuntimeException e) {
            // closing a half-open connection: nothing to save
        }
        subscriber = null;
        publisher = null;
    }

    @Override
    public void close() {
        connector.shutdownNow();
        closeQuietly();
        client.shutdown(Duration.ZERO, TIMEOUT);
        resources.shutdown(0, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
