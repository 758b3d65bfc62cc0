package dev.berth.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay on 127.0.0.1 in front of a service (PostgreSQL, Redis), which a test can cut — the
 * port refuses connections and open ones are closed, as when the service's host goes away — and
 * restore on the same port.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private volatile boolean recording;
    private final List<byte[][]> renames = new java.util.concurrent.CopyOnWriteArrayList<>();
    private ServerSocket listener;

    private TcpProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
    }

    public static TcpProxy start(String targetHost, int targetPort) {
        TcpProxy proxy = new TcpProxy(targetHost, targetPort, 0);
        proxy.listen(0);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on, keeps what clients send (for tests that check the requests a client makes). */
    public void record() {
        recording = true;
    }

    /**
     * From now on, renames a header in what clients send, for a server that refuses a header the
     * test wants sent: {@code to} has {@code from}'s length, so that nothing else moves. (A name
     * split across two reads at its first few bytes is missed; requests are written whole.)
     */
    public void renameHeader(String from, String to) {
        if (from.length() != to.length()) {
            throw new IllegalArgumentException("a renamed header keeps its length");
        }
        renames.add(new byte[][] {
            (from + ":").getBytes(StandardCharsets.ISO_8859_1), (to + ":").getBytes(StandardCharsets.ISO_8859_1)
        });
    }

    /**
     * The head (request line and headers, as sent) of every HTTP/1.1 request clients have sent
     * since {@link #record()}; bodies are skipped.
     */
    public List<String> requestHeads() {
        String bytes;
        synchronized (sent) {
            bytes = sent.toString(StandardCharsets.ISO_8859_1);
        }
        Matcher m = REQUEST_HEAD.matcher(bytes);
        List<String> heads = new ArrayList<>();
        while (m.find()) {
            heads.add(m.group());
        }
        return heads;
    }

    private static final Pattern REQUEST_HEAD =
            Pattern.compile("(?:GET|HEAD|PUT|POST|DELETE) \\S+ HTTP/1\\.1\r\n(?:[^\r\n]+\r\n)*\r\n");

    /** Stops listening and closes every relayed connection. */
    public synchronized void cut() {
        closeQuietly(listener);
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** Listens again on the same port. */
    public synchronized void restore() {
        listen(listener.getLocalPort());
    }

    private synchronized void listen(int onPort) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort));
            listener = socket;
            Thread.ofVirtual().name("tcp-proxy-accept").start(() -> accept(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pipe(client, upstream, true));
                Thread.ofVirtual().start(() -> pipe(upstream, client, false));
            } catch (IOException e) {
                // closed by cut(), or the target refused: the client sees its connection end
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[16 * 1024];
        int held = 0; // bytes at the buffer's start kept back: they may begin a header to rename
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer, held, buffer.length - held)) != -1) {
                int end = held + n;
                int send = end;
                if (fromClient) {
                    for (byte[][] r : renames) {
                        rename(buffer, end, r[0], r[1]);
                        send = Math.min(send, end - heldBack(buffer, end, r[0]));
                    }
                }
                if (fromClient && recording) {
                    synchronized (sent) {
                        sent.write(buffer, 0, send);
                    }
                }
                out.write(buffer, 0, send);
                out.flush();
                held = end - send;
                System.arraycopy(buffer, send, buffer, 0, held);
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void rename(byte[] buffer, int end, byte[] name, byte[] renamed) {
        for (int i = 0; i + name.length <= end; i++) {
            if (java.util.Arrays.equals(buffer, i, i + name.length, name, 0, name.length)) {
                System.arraycopy(renamed, 0, buffer, i, name.length);
            }
        }
    }

    /** How many bytes at the end are, from the sixth on, the start of the header to rename. */
    private static int heldBack(byte[] buffer, int end, byte[] name) {
        for (int k = Math.min(name.length - 1, end); k >= 6; k--) {
            if (java.util.Arrays.equals(buffer, end - k, end, name, 0, k)) {
                return k;
            }
        }
        return 0;
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        cut();
    }
}
