package dev.bankinglake.cluster;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.stack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * What the fault tests do to the cluster and read back: requests to the API (each answer with its
 * status, latency and event id), the lake's rows as Presto returns them, and the nodes themselves.
 */
final class ClusterTraffic {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One API answer: its HTTP status, the event id of a 200, how long it took, when it came. */
    record Answer(int status, String eventId, long latencyMillis, long completedAtMillis, String body) {
    }

    private final LocalStack stack;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ClusterTraffic(LocalStack stack) {
        this.stack = requireNonNull(stack, "stack is null");
    }

    LocalStack stack() {
        return stack;
    }

    String setting(String name) {
        String value = stack.environment().get(name);
        assertThat(value).as("scripts/stack.sh env prints %s", name).isNotNull();
        return value;
    }

    Answer openAccount(String user) {
        return post("/open_account/", "{\"user_id\": \"" + user + "\", \"full_name\": \"Cluster " + user + "\"}");
    }

    Answer deposit(String user) {
        return post("/deposit/", "{\"user_id\": \"" + user + "\", \"amount\": \"1\"}");
    }

    /** Opens the accounts, each acknowledged (201 Created); returns their event ids. */
    List<String> openAccounts(List<String> users) {
        List<String> ids = new ArrayList<>();
        for (String user : users) {
            Answer answer = openAccount(user);
            assertThat(answer.status()).as("open_account of %s: %s", user, answer.body()).isEqualTo(201);
            ids.add(answer.eventId());
        }
        return ids;
    }

    /**
     * Deposits on the accounts from {@code threads} clients, each one request after the other with
     * {@code pause} between, for {@code duration}; runs {@code fault} once {@code faultAfter} has passed.
     * Returns every answer.
     */
    List<Answer> depositsWhile(List<String> users, int threads, Duration pause, Duration duration, Duration faultAfter, Runnable fault)
            throws Exception {
        List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int first = thread;
                running.add(clients.submit(() -> {
                    int next = first;
                    while (System.nanoTime() < end) {
                        answers.add(deposit(users.get(next % users.size())));
                        next += threads;
                        try {
                            Thread.sleep(pause.toMillis());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            Thread.sleep(faultAfter.toMillis());
            fault.run();
            for (Future<?> client : running) {
                client.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        return List.copyOf(answers);
    }

    /** The event ids of cash_transactions rows of users starting with prefix, one per row (duplicates kept). */
    List<String> lakeDepositIds(String prefix) throws SQLException {
        return eventIds("select event_id from cash_transactions where user_id like '" + prefix + "%'");
    }

    List<String> lakeAccountIds(String prefix) throws SQLException {
        return eventIds("select event_id from account_status where user_id like '" + prefix + "%'");
    }

    /** Waits until the lake holds exactly these events, each once: nothing lost, nothing twice, nothing else. */
    void awaitExactlyInLake(String prefix, List<String> accountIds, List<String> depositIds, Duration within) {
        await("the lake holds the " + accountIds.size() + " accounts and " + depositIds.size() + " deposits of " + prefix + "*, each once")
                .atMost(within).pollInterval(Duration.ofSeconds(3)).ignoreExceptions()
                .untilAsserted(() -> {
                    List<String> accounts = lakeAccountIds(prefix);
                    List<String> deposits = lakeDepositIds(prefix);
                    assertThat(accounts).as("account_status rows of %s*", prefix).hasSameSizeAs(accountIds)
                            .containsExactlyInAnyOrderElementsOf(accountIds);
                    assertThat(deposits).as("cash_transactions rows of %s*", prefix).hasSameSizeAs(depositIds)
                            .containsExactlyInAnyOrderElementsOf(depositIds);
                });
        // and it stays that way: a later batch (a rerun task, a replayed offset range) adds nothing
        try {
            assertThat(new HashSet<>(lakeDepositIds(prefix))).hasSize(depositIds.size());
            assertThat(lakeDepositIds(prefix)).hasSize(depositIds.size());
        } catch (SQLException e) {
            throw new AssertionError("Presto failed on the second read of " + prefix + "*", e);
        }
    }

    List<String> eventIds(String sql) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = presto(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    long count(String sql) throws SQLException {
        try (Connection connection = presto(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    Connection presto() throws SQLException {
        return stack.presto("lake-viewer");
    }

    /** GET on a JSON endpoint of the stack. */
    /** A GET of the coordinator's REST API as lake-viewer, answered 200: its JSON. */
    JsonNode prestoJson(String path) {
        try {
            HttpResponse<String> response = stack.prestoRest(path);
            assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: GET " + path, e);
        }
    }

    JsonNode getJson(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted: GET " + url, e);
        }
    }

    int lakeServiceHealth() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(stack.lakeServiceUrl() + "/health")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The pid of a process of the stack (its pid file), which must be running. */
    long runningPid(String process) {
        long pid = stack.pid(process).orElseThrow(() -> new AssertionError("no pid file for " + process));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("%s (pid %s) runs", process, pid).contains(true);
        return pid;
    }

    /** kill -9 of a process of the stack; returns once it is gone. */
    void killHard(String process) {
        long pid = runningPid(process);
        ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
        assertThat(handle.destroyForcibly()).as("SIGKILL sent to %s (pid %s)", process, pid).isTrue();
        await(process + " (pid " + pid + ") gone after SIGKILL").atMost(Duration.ofSeconds(30)).until(() -> !handle.isAlive());
    }

    private Answer post(String path, String body) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(stack.environment().get("API_URL") + path))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String eventId = null;
            if (response.statusCode() == 200 || response.statusCode() == 201) {
                eventId = JSON.readTree(response.body()).path("event_id").asText(null);
            }
            return new Answer(response.statusCode(), eventId, latency, System.currentTimeMillis(), response.body());
        } catch (IOException e) {
            return new Answer(0, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), System.currentTimeMillis(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(0, null, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), System.currentTimeMillis(), e.toString());
        }
    }

    static List<String> users(String prefix, int count) {
        List<String> users = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            users.add(prefix + index);
        }
        return users;
    }

    static List<String> acknowledgedIds(List<Answer> answers) {
        return answers.stream().filter(answer -> answer.status() == 200).map(Answer::eventId).toList();
    }

    static Set<Integer> statuses(List<Answer> answers) {
        Set<Integer> statuses = new HashSet<>();
        answers.forEach(answer -> statuses.add(answer.status()));
        return statuses;
    }
}
