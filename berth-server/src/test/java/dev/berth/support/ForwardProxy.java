package dev.berth.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP forward proxy on 127.0.0.1, as Squid or tinyproxy would be in front of a Harbor: {@code
 * CONNECT host:port} opens a tunnel, a request in absolute form ({@code GET http://host/path}) is
 * passed on. It does not resolve what it is asked for: every target is reached at one upstream
 * address the test gives, so a test can name public hosts that only exist through the proxy. It
 * records what passed through ({@code "CONNECT registry.example.com:443"}, {@code "POST
 * http://hooks.example.com/x"}) so that a test sees what the proxy carried and what it never got.
 */
public final class ForwardProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<String> passed = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile InetSocketAddress upstream;

    private ForwardProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("forward-proxy").start(this::accept);
    }

    /** A proxy on 127.0.0.1 that sends every target to {@code upstream}. */
    public static ForwardProxy to(InetSocketAddress upstream) {
        try {
            return new ForwardProxy(upstream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends every later target to another upstream. */
    public void upstream(InetSocketAddress address) {
        this.upstream = address;
    }

    /** {@code http://127.0.0.1:port}: the value of an {@code HTTP(S)_PROXY} setting. */
    public String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** What passed through, oldest first: {@code "CONNECT host:port"} or {@code "METHOD absolute-uri"}. */
    public List<String> passed() {
        return List.copyOf(passed);
    }

    public void clear() {
        passed.clear();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length != 3) {
                client.getOutputStream().write(status(400));
                return;
            }
            String method = requestLine[0].toUpperCase(Locale.ROOT);
            if (method.equals("CONNECT")) {
                passed.add("CONNECT " + requestLine[1]);
                try (Socket server = connect()) {
                    client.getOutputStream()
                            .write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    relay(client, server);
                }
                return;
            }
            URI target = URI.create(requestLine[1]);
            if (target.getScheme() == null) {
                client.getOutputStream().write(status(400));
                return;
            }
            passed.add(method + " " + requestLine[1]);
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            StringBuilder forwarded = new StringBuilder(method + " "
                    + (target.getRawQuery() == null ? path : path + "?" + target.getRawQuery()) + " " + requestLine[2]
                    + "\r\n");
            for (int i = 1; i < lines.length; i++) {
                String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':')))
                        .trim()
                        .toLowerCase(Locale.ROOT);
                if (!name.equals("connection") && !name.equals("proxy-connection") && !name.equals("keep-alive")) {
                    forwarded.append(lines[i]).append("\r\n");
                }
            }
            forwarded.append("Connection: close\r\n\r\n");
            try (Socket server = connect()) {
                server.getOutputStream().write(forwarded.toString().getBytes(StandardCharsets.ISO_8859_1));
                server.getOutputStream().flush();
                relay(client, server);
            }
        } catch (IOException e) {
            // a client or upstream that went away ends this connection only
        } finally {
            open.remove(client);
        }
    }

    private Socket connect() throws IOException {
        Socket server = new Socket();
        server.connect(upstream, 5_000);
        open.add(server);
        return server;
    }

    /** Copies both ways until the upstream is done (a tunnel or one forwarded exchange). */
    private void relay(Socket client, Socket server) throws IOException {
        Thread up = Thread.ofVirtual().start(() -> {
            try {
                client.getInputStream().transferTo(server.getOutputStream());
                server.shutdownOutput();
            } catch (IOException ignored) {
                // the exchange is over
            }
        });
        try {
            server.getInputStream().transferTo(client.getOutputStream());
            client.shutdownOutput();
        } finally {
            open.remove(server);
            server.close();
            up.interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > 64 * 1024) {
                return null;
            }
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static byte[] status(int code) {
        return ("HTTP/1.1 " + code + " Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
