package dev.bankinglake.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A background load at a fixed rate: GET {@code /return_price} (each one an event the API writes
 * to Kafka and waits for) so many times a second, whatever the answers' latency. ApacheBench
 * cannot hold a rate, only a concurrency.
 *
 * <p>Request {@code k} is due {@code k / rate} seconds after the start; a late request is sent at
 * once, so a slow moment is caught up instead of lowering the rate. The requests go over
 * {@link #CONNECTIONS} keep-alive HTTP/1.1 connections, one blocking thread each, as ab does: on
 * two cores the load must cost little CPU itself (Java's {@code HttpClient} spent about half a
 * millisecond of CPU per request here, as much as the API and Kafka together). When the API
 * answers slower than the rate asks, at most {@link #CONNECTIONS} requests are outstanding and the
 * summary shows the rate reached.
 */
final class FixedRateLoad implements AutoCloseable {
    static final int CONNECTIONS = 64;
    private static final String PATH = "/return_price";

    private final String host;
    private final int port;
    private final byte[] request;
    private final double ratePerSecond;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private long startedNanos;

    FixedRateLoad(String api, double ratePerSecond) {
        if (!(ratePerSecond > 0 && ratePerSecond <= 100_000)) {
            throw new IllegalArgumentException("Invalid --load: " + ratePerSecond + " (must be more than 0 and at most 100000 requests/s)");
        }
        URI uri = URI.create(api);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("Invalid --api for the load: " + api + " (must be http://host[:port])");
        }
        this.ratePerSecond = ratePerSecond;
        this.host = uri.getHost();
        this.port = uri.getPort() < 0 ? 80 : uri.getPort();
        String base = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        this.request = ("GET " + base + PATH + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: keep-alive\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Requests due after {@code elapsedNanos} at {@code ratePerSecond}. */
    static long due(long elapsedNanos, double ratePerSecond) {
        if (elapsedNanos < 0) {
            throw new IllegalArgumentException("Invalid elapsed time: " + elapsedNanos + " ns (must not be negative)");
        }
        return (long) Math.floor(elapsedNanos / 1e9 * ratePerSecond);
    }

    /** When request {@code index} (from 0) is due, in nanoseconds after the start: the first instant it is owed. */
    static long dueNanos(long index, double ratePerSecond) {
        return (long) Math.ceil(index * 1e9 / ratePerSecond);
    }

    void start() {
        startedNanos = System.nanoTime();
        for (int index = 0; index < CONNECTIONS; index++) {
            Thread thread = new Thread(this::run, "fixed-rate-load-" + index);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void run() {
        Socket socket = null;
        InputStream in = null;
        OutputStream out = null;
        while (!stopping) {
            long ticket = issued.getAndIncrement();
            long wait;
            while (!stopping && (wait = startedNanos + dueNanos(ticket, ratePerSecond) - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            if (stopping) {
                break;
            }
            sent.incrementAndGet();
            try {
                if (socket == null) {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.setSoTimeout(20_000);
                    socket.connect(new InetSocketAddress(host, port), 5_000);
                    in = new BufferedInputStream(socket.getInputStream(), 8192);
                    out = socket.getOutputStream();
                }
                out.write(request);
                out.flush();
                Response response = readResponse(in);
                if (response.status() / 100 == 2) {
                    succeeded.incrementAndGet();
                }
                else {
                    failed.incrementAndGet();
                }
                if (!response.keepAlive()) {
                    socket = closeQuietly(socket);
                }
            }
            catch (IOException | RuntimeException e) {
                failed.incrementAndGet();
                socket = closeQuietly(socket);
                if (!stopping) {
                    LockSupport.parkNanos(100_000_000L);
                }
            }
        }
        closeQuietly(socket);
    }

    private static Socket closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            }
            catch (IOException ignored) {
                // closing a broken connection
            }
        }
        return null;
    }

    record Response(int status, boolean keepAlive) {
    }

    /** Reads one HTTP/1.1 response (its body by Content-Length or chunked) from {@code in}; returns its status. */
    static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("Not an HTTP/1.x status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean keepAlive = true;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> keepAlive = !value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(readLine(in).split(";", 2)[0].trim(), 16); size > 0;
                    size = Long.parseLong(readLine(in).split(";", 2)[0].trim(), 16)) {
                skip(in, size);
                readLine(in);
            }
            // trailers, up to the empty line
            while (!readLine(in).isEmpty()) {
                // nothing to keep
            }
        }
        else if (length > 0) {
            skip(in, length);
        }
        else if (length < 0) {
            // no length and not chunked: the body ends with the connection
            keepAlive = false;
        }
        return new Response(status, keepAlive);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int next = in.read(); next != '\n'; next = in.read()) {
            if (next < 0) {
                throw new IOException("Connection closed in the middle of a response");
            }
            if (next != '\r') {
                line.append((char) next);
            }
        }
        return line.toString();
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("Connection closed in the middle of a body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** What was sent and answered so far, and the rate reached. */
    String summary() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return String.format("background load: %d requests sent in %.1f s (%.0f/s, asked %.0f/s), %d answered 2xx, %d failed",
                sent.get(), seconds, sent.get() / seconds, ratePerSecond, succeeded.get(), failed.get());
    }

    long succeeded() {
        return succeeded.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        stopping = true;
        for (Thread thread : threads) {
            LockSupport.unpark(thread);
        }
        // a thread still waiting for an answer ends with it (daemon threads; at most the read timeout)
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
