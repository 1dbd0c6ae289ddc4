package dev.bankinglake.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class FixedRateLoadTest {
    @Test
    void requestsDueFollowTheRateWithoutDrift() {
        assertThat(FixedRateLoad.due(0, 2000)).isZero();
        assertThat(FixedRateLoad.due(10_000_000L, 2000)).isEqualTo(20);
        assertThat(FixedRateLoad.due(1_000_000_000L, 2000)).isEqualTo(2000);
        // an hour at 2,000/s owes exactly 7,200,000, with no rounding carried from tick to tick
        assertThat(FixedRateLoad.due(3_600_000_000_000L, 2000)).isEqualTo(7_200_000);
        assertThat(FixedRateLoad.due(999_999_999L, 1)).isZero();
        assertThat(FixedRateLoad.due(500_000_000L, 3)).isEqualTo(1);
        // request k is owed from dueNanos(k) on: due() counts it there and not a nanosecond before
        for (long k : new long[] {1, 2, 3, 7, 1999, 2000, 7_200_000}) {
            assertThat(FixedRateLoad.due(FixedRateLoad.dueNanos(k, 2000), 2000)).isEqualTo(k);
            assertThat(FixedRateLoad.due(FixedRateLoad.dueNanos(k, 3), 3)).isEqualTo(k);
            assertThat(FixedRateLoad.due(FixedRateLoad.dueNanos(k, 3) - 1, 3)).isEqualTo(k - 1);
        }
    }

    @Test
    void refusesANegativeTimeAnImpossibleRateAndAnotherScheme() {
        assertThatThrownBy(() -> FixedRateLoad.due(-1, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid elapsed time: -1 ns (must not be negative)");
        assertThatThrownBy(() -> new FixedRateLoad("http://127.0.0.1:1", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid --load: 0.0 (must be more than 0 and at most 100000 requests/s)");
        assertThatThrownBy(() -> new FixedRateLoad("https://127.0.0.1:1", 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid --api for the load: https://127.0.0.1:1 (must be http://host[:port])");
    }

    @Test
    void readsResponsesByLengthAndChunkedOneAfterAnother() throws IOException {
        String responses = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                + "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"b\"\r\n3;x=y\r\n:2}\r\n0\r\nTrailer: t\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                + "HTTP/1.1 204 No Content\r\n\r\n";
        InputStream in = new ByteArrayInputStream(responses.getBytes(StandardCharsets.US_ASCII));
        assertThat(FixedRateLoad.readResponse(in)).isEqualTo(new FixedRateLoad.Response(200, true));
        assertThat(FixedRateLoad.readResponse(in)).isEqualTo(new FixedRateLoad.Response(200, true));
        assertThat(FixedRateLoad.readResponse(in)).isEqualTo(new FixedRateLoad.Response(503, false));
        // no length and not chunked: the body runs to the end of the connection
        assertThat(FixedRateLoad.readResponse(in)).isEqualTo(new FixedRateLoad.Response(204, false));
        assertThatThrownBy(() -> FixedRateLoad.readResponse(in)).isInstanceOf(IOException.class)
                .hasMessage("Connection closed in the middle of a response");
        assertThatThrownBy(() -> FixedRateLoad.readResponse(new ByteArrayInputStream("SSH-2.0\r\n".getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(IOException.class).hasMessage("Not an HTTP/1.x status line: 'SSH-2.0'");
    }

    @Test
    void holdsTheRateAgainstARealServerOverKeepAliveConnections() throws Exception {
        AtomicLong served = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/return_price", exchange -> {
            byte[] body = "{\"assets\":[]}".getBytes(StandardCharsets.UTF_8);
            // every other answer chunked (length 0), as a server may choose
            boolean chunked = served.incrementAndGet() % 2 == 0;
            exchange.sendResponseHeaders(200, chunked ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try (FixedRateLoad load = new FixedRateLoad("http://127.0.0.1:" + server.getAddress().getPort(), 400)) {
            long started = System.nanoTime();
            load.start();
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> load.succeeded() >= 400);
            long owed = FixedRateLoad.due(System.nanoTime() - started, 400);
            // never ahead of the rate (the connections' threads each wait for their ticket)
            assertThat(load.succeeded() + load.failed()).isLessThanOrEqualTo(owed + FixedRateLoad.CONNECTIONS);
            assertThat(load.failed()).isZero();
            assertThat(served.get()).isGreaterThanOrEqualTo(400);
        }
        finally {
            server.stop(0);
        }
    }
}
