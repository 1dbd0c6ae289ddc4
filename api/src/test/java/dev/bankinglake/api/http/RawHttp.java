package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a request exactly as written over a plain socket. {@link java.net.http.HttpClient} refuses
 * to send what these tests need to send (a {@code %zz} in the path, a broken request line), and
 * those are precisely the requests that the server must still answer clearly.
 */
final class RawHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private RawHttp() {
    }

    record Response(int status, Map<String, String> headers, String body) {
        Response {
            headers = Map.copyOf(requireNonNull(headers, "headers is null"));
            requireNonNull(body, "body is null");
        }

        /** A header by name, ignoring case as HTTP does; empty string when absent. */
        String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    /** A request line and headers (each ending in CRLF is added here), then reads the answer until the server closes. */
    static Response send(int port, String requestLine, Map<String, String> headers) throws IOException {
        StringBuilder request = new StringBuilder(requestLine).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Connection: close\r\n\r\n");
        return exchange(port, request.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static Response get(int port, String rawPath) throws IOException {
        return send(port, "GET " + rawPath + " HTTP/1.1", Map.of("Host", "127.0.0.1:" + port));
    }

    private static Response exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static Response parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("No complete HTTP answer: " + raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
            throw new AssertionError("Chunked answers are not decoded here: " + raw);
        }
        return new Response(Integer.parseInt(statusLine[1]), headers, raw.substring(end + 4));
    }
}
