package dev.bankinglake.compose;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The API through the port the compose file publishes on 127.0.0.1, for load that must go on
 * while a container is killed: every answer is kept with its status and latency.
 */
final class HostApi {
    /** One answer: its HTTP status (0 when none came), how long it took, and its body. */
    record Answer(int status, long latencyMillis, String body) {
    }

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    HostApi(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Answer post(String path, String json) {
        long started = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), (System.nanoTime() - started) / 1_000_000, response.body());
        } catch (IOException e) {
            return new Answer(0, (System.nanoTime() - started) / 1_000_000, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, (System.nanoTime() - started) / 1_000_000, e.toString());
        }
    }

    /**
     * Deposits of 1 on the accounts from {@code clients} threads, each one request after the other
     * with {@code pause} between, for {@code duration}; runs {@code fault} once {@code faultAfter} has
     * passed. Returns every answer.
     */
    List<Answer> depositsWhile(List<String> users, int clients, Duration pause, Duration duration, Duration faultAfter, Runnable fault)
            throws Exception {
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                int first = client;
                running.add(pool.submit(() -> {
                    for (int next = first; System.nanoTime() < end; next += clients) {
                        answers.add(post("/deposit", "{\"user_id\": \"" + users.get(next % users.size()) + "\", \"amount\": \"1\"}"));
                        try {
                            TimeUnit.MILLISECONDS.sleep(pause.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            TimeUnit.MILLISECONDS.sleep(faultAfter.toMillis());
            fault.run();
            for (Future<?> client : running) {
                client.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return List.copyOf(answers);
    }
}
