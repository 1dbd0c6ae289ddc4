package dev.bankinglake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.DriverKafkaReader;
import dev.bankinglake.lake.EventValidation;
import dev.bankinglake.lake.LakeSession;
import dev.bankinglake.lake.TableRows;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.presto.report.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The steps of {@code scripts/bench-compaction.sh}, one per command, configured by the
 * environment the script sets:
 * <ul>
 *   <li>{@code fixture OUT}: one closed day of BENCH_FILES small batch files per table under LAKE_ROOT,
 *       written by the lake's own validation and table split, named as the lake service names its
 *       batch files; the rows per table go to OUT;</li>
 *   <li>{@code measure LABEL EXPECTED RESULTS}: waits until Presto sees the rows of EXPECTED, then times
 *       the saved report queries and a count(*) of asset_prices (one warm-up, BENCH_RUNS timed runs each) and
 *       appends medians, file counts and a digest of every answer to RESULTS;</li>
 *   <li>{@code compact}: runs the lake service's compact job for the day and waits for it;</li>
 *   <li>{@code report RESULTS}: files, medians and speed-ups before and after; fails if any answer differs.</li>
 * </ul>
 */
public final class CompactionBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUERY_ID = "00000000-0000-4000-8000-00000000bench";
    private static final StructType KAFKA = DriverKafkaReader.SCHEMA;

    private CompactionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: CompactionBenchmark fixture OUT | measure LABEL EXPECTED RESULTS | compact | report RESULTS");
        }
        int code = switch (args[0]) {
            case "fixture" -> fixture(out, java.nio.file.Path.of(args[1]));
            case "measure" -> measure(out, args[1], java.nio.file.Path.of(args[2]), java.nio.file.Path.of(args[3]));
            case "compact" -> compact(out);
            case "report" -> report(out, java.nio.file.Path.of(args[1]));
            default -> throw new IllegalArgumentException("Unknown command " + args[0]);
        };
        // the JDBC driver's and Spark's non-daemon threads would keep the JVM for a minute
        System.exit(code);
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return value.trim();
    }

    // ------------------------------------------------------------------ fixture

    private static int fixture(PrintStream out, java.nio.file.Path expected) throws Exception {
        String lakeRoot = env("LAKE_ROOT");
        LocalDate day = LocalDate.parse(env("BENCH_DAY"));
        int files = Integer.parseInt(env("BENCH_FILES"));
        int perFile = Integer.parseInt(env("BENCH_EVENTS_PER_FILE"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env("KAFKA_BOOTSTRAP")))) {
            // the lake service under test reads this (empty) topic; it must exist before it starts
            admin.createTopics(List.of(new NewTopic(env("EVENTS_TOPIC"), 1, (short) 1))).all().get();
        }
        SparkSession spark = LakeSession.withLakeSettings(SparkSession.builder())
                // writing thousands of small files waits on HDFS, not on the CPU: more tasks than cores
                .appName("bench-compaction-fixture").master("local[8]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "16")
                // one rename per file at task commit instead of two; no ~400 ms stall per file on a single DataNode
                .config("spark.hadoop.mapreduce.fileoutputcommitter.algorithm.version", "2")
                .config("spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20")
                .getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String confDir = System.getenv("HADOOP_CONF_DIR");
        if (confDir != null && !confDir.isBlank()) {
            hadoop.addResource(new Path(Paths.get(confDir, "core-site.xml").toUri()));
            hadoop.addResource(new Path(Paths.get(confDir, "hdfs-site.xml").toUri()));
        }
        long total = (long) files * perFile;
        Instant start = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        long stepMillis = Duration.ofDays(1).toMillis() / total;
        SampleEvents samples = new SampleEvents(2026);
        List<Row> messages = new ArrayList<>();
        for (long offset = 0; offset < total; offset++) {
            Instant time = start.plusMillis(offset * stepMillis);
            // about one malformed message per batch file: rejected_events gets small files too
            String value = offset % perFile == perFile / 2 ? "{\"not\": \"closed\"" : SampleEvents.toJson(samples.event(samples.nextType(), time));
            messages.add(RowFactory.create(null, value.getBytes(StandardCharsets.UTF_8), env("EVENTS_TOPIC"), 0, offset, Timestamp.from(time), 0));
        }
        Dataset<Row> validated = EventValidation.validate(spark.createDataFrame(messages, KAFKA), Set.of(1)).cache();
        FileSystem fileSystem = new Path(lakeRoot).getFileSystem(hadoop);
        Map<String, Long> rows = new LinkedHashMap<>();
        ExecutorService renames = Executors.newFixedThreadPool(16);
        try {
            for (LakeTable table : LakeTable.values()) {
                Dataset<Row> tableRows = TableRows.rowsFor(validated, table)
                        .withColumn("batch", floor(col(LakeTable.KAFKA_OFFSET.name()).divide(lit(perFile))).cast(DataTypes.LongType));
                Path staging = new Path(lakeRoot + "/_staging/bench/" + table.tableName());
                fileSystem.delete(staging, true);
                // one task per batch: one file per batch and partition, as the lake service writes them
                tableRows.repartition(col("batch")).write().mode(SaveMode.Overwrite).partitionBy(LakeTable.PARTITION_COLUMN.name(), "batch")
                        .parquet(staging.toString());
                rows.put(table.tableName(), tableRows.count());
                List<Future<Boolean>> done = new ArrayList<>();
                for (FileStatus partition : fileSystem.listStatus(staging)) {
                    if (!partition.getPath().getName().startsWith("dt=")) {
                        continue;
                    }
                    Path home = new Path(lakeRoot + "/" + table.tableName() + "/" + partition.getPath().getName());
                    fileSystem.mkdirs(home);
                    for (FileStatus batch : fileSystem.listStatus(partition.getPath())) {
                        long batchId = Long.parseLong(batch.getPath().getName().substring("batch=".length()));
                        for (FileStatus file : fileSystem.listStatus(batch.getPath())) {
                            if (file.getPath().getName().endsWith(".parquet")) {
                                Path target = new Path(home, BatchFileCommitter.fileName(batchId, QUERY_ID, 0));
                                done.add(renames.submit(() -> fileSystem.rename(file.getPath(), target)));
                            }
                        }
                    }
                }
                for (Future<Boolean> rename : done) {
                    if (!rename.get()) {
                        throw new IOException("A rename into " + table.tableName() + " failed");
                    }
                }
                fileSystem.delete(staging, true);
                out.printf("%-20s %8d rows in %5d files%n", table.tableName(), rows.get(table.tableName()), done.size());
            }
        }
        finally {
            renames.shutdownNow();
        }
        StringBuilder text = new StringBuilder();
        rows.forEach((table, count) -> text.append(table).append('\t').append(count).append('\n'));
        Files.writeString(expected, text.toString());
        spark.stop();
        return 0;
    }

    // ------------------------------------------------------------------ measure

    private record Query(String name, String sql) {
    }

    private static List<Query> queries() throws IOException {
        List<Query> queries = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(Paths.get(env("BENCH_QUERIES")))) {
            for (java.nio.file.Path file : files.filter(path -> path.toString().endsWith(".sql")).sorted().toList()) {
                StringBuilder sql = new StringBuilder();
                for (String line : Files.readAllLines(file)) {
                    if (!line.strip().startsWith("--")) {
                        sql.append(line).append('\n');
                    }
                }
                queries.add(new Query(file.getFileName().toString().replace(".sql", ""), sql.toString().strip().replaceAll(";$", "")));
            }
        }
        // the largest table: how fast Presto gets through the day's files when there is nothing else to do
        queries.add(new Query("count(*) " + LakeTable.ASSET_PRICES.tableName(), "SELECT count(*) FROM " + LakeTable.ASSET_PRICES.tableName()));
        return queries;
    }

    private static Connection presto() throws SQLException {
        return Report.connect(env("PRESTO_JDBC_URL"));
    }

    private static int measure(PrintStream out, String label, java.nio.file.Path expectedFile, java.nio.file.Path results) throws Exception {
        int runs = Integer.parseInt(env("BENCH_RUNS"));
        Map<String, Long> expected = new LinkedHashMap<>();
        for (String line : Files.readAllLines(expectedFile)) {
            String[] fields = line.split("\t");
            expected.put(fields[0], Long.parseLong(fields[1]));
        }
        List<String> lines = new ArrayList<>();
        try (Connection connection = presto(); Statement statement = connection.createStatement()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            for (Map.Entry<String, Long> table : expected.entrySet()) {
                long seen = -1;
                while (seen != table.getValue()) {
                    try {
                        seen = single(statement, "SELECT count(*) FROM " + table.getKey());
                    }
                    catch (SQLException e) {
                        seen = -1;
                    }
                    if (seen != table.getValue()) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("Presto sees " + seen + " rows in " + table.getKey() + ", expected " + table.getValue());
                        }
                        Thread.sleep(500);
                    }
                }
                long files = single(statement, "SELECT count(DISTINCT \"$path\") FROM " + table.getKey());
                lines.add(String.join("\t", label, "table", table.getKey(), Long.toString(seen), Long.toString(files)));
                out.printf("%s: %-20s %8d rows in %5d files%n", label, table.getKey(), seen, files);
            }
            for (Query query : queries()) {
                String digest = digest(statement, query.sql());
                List<Long> times = new ArrayList<>();
                for (int run = 0; run < runs; run++) {
                    long started = System.nanoTime();
                    try (ResultSet result = statement.executeQuery(query.sql())) {
                        while (result.next()) {
                            // read every row, as a client would
                        }
                    }
                    times.add(Duration.ofNanos(System.nanoTime() - started).toMillis());
                }
                Collections.sort(times);
                long median = times.get(times.size() / 2);
                lines.add(String.join("\t", label, "query", query.name(), Long.toString(median), Long.toString(times.get(0)),
                        Long.toString(times.get(times.size() - 1)), digest));
                out.printf("%s: %-36s median %6d ms (min %d, max %d)%n", label, query.name(), median, times.get(0), times.get(times.size() - 1));
            }
        }
        Files.write(results, lines, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return 0;
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** A digest of the answer, rows sorted: the warm-up run, and the proof that compaction changed no answer. */
    private static String digest(Statement statement, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                StringBuilder row = new StringBuilder();
                for (int column = 1; column <= columns; column++) {
                    row.append(result.getString(column)).append('|');
                }
                rows.add(row.toString());
            }
        }
        Collections.sort(rows);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        rows.forEach(row -> sha.update((row + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    // ------------------------------------------------------------------ compact

    private static int compact(PrintStream out) throws Exception {
        String service = env("LAKE_SERVICE_URL");
        String day = env("BENCH_DAY");
        Duration timeout = Duration.ofSeconds(Long.parseLong(env("BENCH_COMPACT_TIMEOUT_SECONDS")));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = "{\"job\": \"compact\", \"mode\": \"async\", \"parameters\": {\"from_dt\": \"" + day + "\", \"to_dt\": \"" + day + "\"}}";
        // the operator token, from the owner-only file the stack made (scripts/lib/secrets.sh)
        String token = Files.readString(Paths.get(env("LAKE_OPERATOR_TOKEN_FILE")), StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(service + "/jobs")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST /jobs answered " + accepted.statusCode() + ": " + accepted.body());
        }
        String id = JSON.readTree(accepted.body()).path("payload").path("id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode run;
        while (true) {
            run = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(service + "/jobs/" + id)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (!run.path("payload").path("state").asText().equals("running")) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The compact run " + id + " did not finish within " + timeout);
            }
            Thread.sleep(1000);
        }
        JsonNode payload = run.path("payload");
        if (!payload.path("state").asText().equals("succeeded")) {
            out.println("compaction " + payload.path("state").asText() + ": " + run.path("errors"));
            return 1;
        }
        out.printf("compaction: %d partition(s) in %.1f s%n", payload.path("result").path("compacted").asInt(),
                payload.path("timings").path("duration_ms").asLong() / 1000.0);
        for (JsonNode partition : payload.path("result").path("details")) {
            out.printf("  %-20s %5d files, %10d bytes -> %3d file(s), %10d bytes, %8d rows verified, %6d ms%n", partition.path("table").asText(),
                    partition.path("files_before").asInt(), partition.path("bytes_before").asLong(), partition.path("files_after").asInt(),
                    partition.path("bytes_after").asLong(), partition.path("rows").asLong(), partition.path("duration_ms").asLong());
        }
        return 0;
    }

    // ------------------------------------------------------------------ report

    private static int report(PrintStream out, java.nio.file.Path results) throws IOException {
        Map<String, String[]> before = new TreeMap<>();
        Map<String, String[]> after = new TreeMap<>();
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(results)) {
            String[] fields = line.split("\t");
            String key = fields[1] + "\t" + fields[2];
            (fields[0].equals("before") ? before : after).put(key, fields);
            if (fields[0].equals("before")) {
                order.add(key);
            }
        }
        boolean same = true;
        out.printf("%n%-22s %12s %12s %12s%n", "table", "files before", "files after", "rows");
        for (String key : order) {
            if (!key.startsWith("table\t")) {
                continue;
            }
            String[] old = before.get(key);
            String[] now = after.get(key);
            boolean rowsSame = now != null && old[3].equals(now[3]);
            same &= rowsSame;
            out.printf("%-22s %12s %12s %12s%s%n", old[2], old[4], now == null ? "?" : now[4], old[3], rowsSame ? "" : "  ROWS DIFFER: " + (now == null ? "?" : now[3]));
        }
        out.printf("%n%-36s %14s %14s %9s%n", "query (median of runs)", "before ms", "after ms", "speed-up");
        long totalBefore = 0;
        long totalAfter = 0;
        for (String key : order) {
            if (!key.startsWith("query\t")) {
                continue;
            }
            String[] old = before.get(key);
            String[] now = after.get(key);
            long oldMs = Long.parseLong(old[3]);
            long newMs = now == null ? -1 : Long.parseLong(now[3]);
            boolean answerSame = now != null && old[6].equals(now[6]);
            same &= answerSame;
            totalBefore += oldMs;
            totalAfter += Math.max(newMs, 0);
            out.printf("%-36s %14d %14d %8.1fx%s%n", old[2], oldMs, newMs, newMs > 0 ? (double) oldMs / newMs : 0.0,
                    answerSame ? "" : "  ANSWER DIFFERS");
        }
        out.printf("%-36s %14d %14d %8.1fx%n", "all queries", totalBefore, totalAfter, totalAfter > 0 ? (double) totalBefore / totalAfter : 0.0);
        out.println(same ? "every answer is the same before and after the compaction" : "SOME ANSWERS DIFFER");
        return same ? 0 : 1;
    }
}
