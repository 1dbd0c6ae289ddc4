package dev.bankinglake.bench;

import dev.bankinglake.presto.report.Report;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Freshness of the lake: time from the API's answer to the event being visible in a Presto
 * query. Each sample opens an account, then polls Presto for its event_id. As a baseline in
 * the same run it measures the same query on a row that is already visible: the part of the
 * freshness that is only the cost of asking.
 *
 * <p>With {@code --load RATE} a background load of RATE acked events a second runs through the
 * whole measurement (and a few seconds before it, so the lake service works at that rate when
 * the first sample is taken): freshness under load.
 *
 * <pre>FreshnessBenchmark [--api http://127.0.0.1:5000] [--url jdbc:presto://127.0.0.1:8080/hive/default] [--samples 50] [--load RATE]</pre>
 */
public final class FreshnessBenchmark {
    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(60);

    private FreshnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String api = option(args, "--api", System.getenv().getOrDefault("API_URL", "http://127.0.0.1:5000"));
        String url = option(args, "--url", "jdbc:presto://127.0.0.1:" + System.getenv().getOrDefault("PRESTO_PORT", "8080") + "/hive/default");
        int samples = Integer.parseInt(option(args, "--samples", "50"));
        if (samples < 1 || samples > 10_000) {
            throw new IllegalArgumentException("Invalid --samples: " + samples + " (must be 1..10000)");
        }
        String loadOption = option(args, "--load", "");
        FixedRateLoad load = loadOption.isEmpty() ? null : new FixedRateLoad(api, Double.parseDouble(loadOption));
        if (load != null) {
            load.start();
            out.printf("background load of %s acked events/s started; first sample in 10 s%n", loadOption);
            Thread.sleep(10_000);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Double> freshness = new ArrayList<>();
        List<Double> queryFloor = new ArrayList<>();
        long filesAtStart;
        long filesAtEnd;
        try (Connection presto = Report.connect(url);
                PreparedStatement visible = presto.prepareStatement("SELECT count(*) FROM account_status WHERE event_id = ?");
                PreparedStatement files = presto.prepareStatement("SELECT count(DISTINCT \"$path\") FROM account_status")) {
            filesAtStart = count(files);
            for (int sample = 0; sample < samples; sample++) {
                String user = "fresh_" + run + "_" + sample;
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(api + "/open_account/"))
                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\": \"" + user + "\", \"full_name\": \"Fresh " + sample + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                long answered = System.nanoTime();
                Matcher id = EVENT_ID.matcher(response.body());
                if (response.statusCode() / 100 != 2 || !id.find()) {
                    throw new IllegalStateException("open_account for " + user + " answered " + response.statusCode() + ": " + response.body());
                }
                visible.setString(1, id.group(1));
                while (!isVisible(visible)) {
                    if (System.nanoTime() - answered > SAMPLE_TIMEOUT.toNanos()) {
                        throw new IllegalStateException("Event " + id.group(1) + " not visible in Presto " + SAMPLE_TIMEOUT.toSeconds() + "s after the API answered");
                    }
                    Thread.sleep(50);
                }
                freshness.add((System.nanoTime() - answered) / 1e9);
                long asked = System.nanoTime();
                isVisible(visible);
                queryFloor.add((System.nanoTime() - asked) / 1e9);
                out.printf("sample %3d: visible after %.2f s%n", sample + 1, freshness.get(freshness.size() - 1));
            }
            filesAtEnd = count(files);
        }
        out.println();
        if (load != null) {
            out.println(load.summary());
            load.close();
        }
        out.printf("freshness (API 200 -> visible in Presto), %d samples%s: p50 %.2f s  p95 %.2f s  max %.2f s%n",
                samples, load == null ? "" : " under " + loadOption + " events/s", percentile(freshness, 50), percentile(freshness, 95),
                Collections.max(freshness));
        out.printf("baseline (same query, row already visible):       p50 %.2f s  p95 %.2f s  max %.2f s%n",
                percentile(queryFloor, 50), percentile(queryFloor, 95), Collections.max(queryFloor));
        out.printf("files the query opens (account_status, every day): %d at the first sample, %d after the last%n", filesAtStart, filesAtEnd);
        out.printf("ratio freshness/query p50: %.1fx   goal p95 <= 3 s: %s%n",
                percentile(freshness, 50) / percentile(queryFloor, 50), percentile(freshness, 95) <= 3.0 ? "met" : "NOT met");
        // the JDBC driver's HTTP dispatcher threads are not daemons and would hold the JVM for a minute
        System.exit(0);
    }

    private static long count(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    private static boolean isVisible(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            return rows.next() && rows.getLong(1) > 0;
        }
    }

    static double percentile(List<Double> values, int percentile) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
