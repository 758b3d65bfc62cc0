package dev.berth.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Speaks HTTP/1.1 over a bare socket, for requests a well-behaved client library refuses to send:
 * lying Content-Length, bodies cut short, raw paths with {@code ..}.
 */
public final class RawHttp {
    private RawHttp() {}

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
