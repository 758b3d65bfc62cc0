package dev.berth.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Speaks HTTP/1.1 over a bare socket, for requests a well-behaved client library refuses to send:
 * lying Content-Length, bodies cut short, raw paths with {@code ..}, {@code ;} or {@code //}
 * exactly as written.
 */
public final class RawHttp {
    private RawHttp() {}

    /** A response read to its end: status, headers (names in lower case) and body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Optional<String> header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()).stream()
                    .findFirst();
        }

        /** The first error code of a {@code {"errors":[{"code"}]}} body. */
        public String errorCode() {
            return RegistryClient.JSON
                    .readTree(body)
                    .path("errors")
                    .path(0)
                    .path("code")
                    .asString("");
        }
    }

    /**
     * Sends {@code method} to the path exactly as given (nothing normalised or encoded), with the
     * headers given as name/value pairs and an optional body, and reads the whole response.
     */
    public static Response exchange(int port, String method, String rawPath, byte[] body, String... headers)
            throws IOException {
        StringBuilder head = new StringBuilder(method + " " + rawPath + " HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        head.append("Connection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream raw) throws IOException {
        InputStream in = new java.io.BufferedInputStream(raw);
        String[] status = line(in).split(" ");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        byte[] body;
        if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                all.write(in.readNBytes(size));
                line(in);
            }
            body = all.toByteArray();
        } else {
            body = in.readAllBytes();
        }
        return new Response(Integer.parseInt(status[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends the head and body bytes as given, then half-closes and returns the status code (or -1). */
    public static int send(int port, String head, byte[] body, boolean closeEarly) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            if (closeEarly) {
                socket.shutdownOutput();
            }
            return readStatus(socket.getInputStream());
        }
    }

    private static int readStatus(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.write(c);
        }
        String status = line.toString(StandardCharsets.ISO_8859_1);
        String[] parts = status.split(" ");
        return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }
}
