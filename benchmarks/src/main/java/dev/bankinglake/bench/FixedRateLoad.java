package dev.bankinglake.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A background load at a fixed rate: GET {@code /return_price} (each one an event the API writes
 * to Kafka and waits for) so many times a second, whatever the answers' latency. ApacheBench
 * cannot hold a rate, only a concurrency. Requests due are sent every 10 ms, as many as the
 * elapsed time calls for, so a late tick catches up instead of lowering the rate.
 */
final class FixedRateLoad implements AutoCloseable {
    private static final long TICK_MILLIS = 10;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fixed-rate-load");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpRequest request;
    private final double ratePerSecond;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long startedNanos;

    FixedRateLoad(String api, double ratePerSecond) {
        if (!(ratePerSecond > 0 && ratePerSecond <= 100_000)) {
            throw new IllegalArgumentException("Invalid --load: " + ratePerSecond + " (must be more than 0 and at most 100000 requests/s)");
        }
        this.ratePerSecond = ratePerSecond;
        this.request = HttpRequest.newBuilder(URI.create(api + "/return_price")).timeout(Duration.ofSeconds(20)).GET().build();
    }

    /** Requests due after {@code elapsedNanos} at {@code ratePerSecond}. */
    static long due(long elapsedNanos, double ratePerSecond) {
        if (elapsedNanos < 0) {
            throw new IllegalArgumentException("Invalid elapsed time: " + elapsedNanos + " ns (must not be negative)");
        }
        return (long) Math.floor(elapsedNanos / 1e9 * ratePerSecond);
    }

    void start() {
        startedNanos = System.nanoTime();
        ticker.scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long owed = due(System.nanoTime() - startedNanos, ratePerSecond) - sent.get();
        for (long index = 0; index < owed; index++) {
            sent.incrementAndGet();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error == null && response.statusCode() / 100 == 2) {
                    succeeded.incrementAndGet();
                }
                else {
                    failed.incrementAndGet();
                }
            });
        }
    }

    /** What was sent and answered so far, and the rate reached. */
    String summary() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return String.format("background load: %d requests sent in %.1f s (%.0f/s, asked %.0f/s), %d answered 2xx, %d failed",
                sent.get(), seconds, sent.get() / seconds, ratePerSecond, succeeded.get(), failed.get());
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
