package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionState;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Compaction of closed partitions on the real stack: the lake service's {@code compact} job and its
 * schedule, Presto reading through the metastore, HDFS. A closed day of many small batch files is
 * compacted while queries run, while the service is killed, and with a late event after it.
 */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
class CompactionIT {
    /** A closed day: three days ago, so even the schedule's grace after midnight has passed. */
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    private static final int EVENTS = 800;
    private static final int MALFORMED_EVERY = 100;
    private static final List<LakeTable> EVENT_TABLES = List.of(LakeTable.values()).stream().filter(LakeTable::isEventTable).toList();

    /** What the test sent for the day, per table. */
    private static final class Sent {
        final Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);

        long events() {
            return EVENT_TABLES.stream().mapToLong(table -> rows.getOrDefault(table, 0L)).sum();
        }
    }

    /** Services of these tests: small batches (many files), no windows, compaction settings of the test. */
    private static Map<String, String> settings(Map<String, String> compaction) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("MAX_OFFSETS_PER_TRIGGER", "40", "WINDOWS_ENABLED", "false"));
        settings.putAll(compaction);
        return settings;
    }

    /** A backlog of the day's events (every 100th message malformed), each with its event time as Kafka timestamp. */
    private static Sent produceDay(LakeTestSupport lake) throws Exception {
        Sent sent = new Sent();
        SampleEvents samples = new SampleEvents(12);
        Instant start = DAY.atTime(9, 0).toInstant(ZoneOffset.UTC);
        try (KafkaProducer<String, String> producer = lake.producer()) {
            for (int index = 0; index < EVENTS; index++) {
                Instant time = start.plusSeconds(index * 17L);
                if (index % MALFORMED_EVERY == 7) {
                    producer.send(new ProducerRecord<>(lake.topic, null, time.toEpochMilli(), null, "{\"not\": \"closed\""));
                    sent.rows.merge(LakeTable.REJECTED_EVENTS, 1L, Long::sum);
                    continue;
                }
                EventType type = samples.nextType();
                producer.send(new ProducerRecord<>(lake.topic, null, time.toEpochMilli(), null, SampleEvents.toJson(samples.event(type, time))));
                sent.rows.merge(type.table(), 1L, Long::sum);
            }
            producer.flush();
        }
        return sent;
    }

    private static void awaitIngested(LakeTestSupport lake, Sent sent, JobProcess service) {
        await("every event of " + DAY + " in Presto (log " + service.log() + ")").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                .until(() -> LakeTable.values().length == java.util.Arrays.stream(LakeTable.values())
                        .filter(table -> dayCount(lake, table) == sent.rows.getOrDefault(table, 0L)).count());
    }

    private static long dayCount(LakeTestSupport lake, LakeTable table) {
        try {
            return lake.count("select count(*) from " + lake.table(table) + " where dt = '" + DAY + "'");
        }
        catch (SQLException e) {
            return -1;
        }
    }

    /** The day's rows of every event table, and its distinct event ids, in one query. */
    private static String exactnessQuery(LakeTestSupport lake) {
        String union = EVENT_TABLES.stream().map(table -> "select event_id from " + lake.table(table) + " where dt = '" + DAY + "'")
                .collect(Collectors.joining(" union all "));
        return "select count(*), count(distinct event_id), (select count(distinct \"$path\") from " + lake.table(LakeTable.CASH_TRANSACTIONS)
                + " where dt = '" + DAY + "') from (" + union + ")";
    }

    private static void assertExact(LakeTestSupport lake, Sent sent, String context) throws SQLException {
        for (LakeTable table : LakeTable.values()) {
            assertThat(dayCount(lake, table)).as("rows of %s on %s %s", table.tableName(), DAY, context).isEqualTo(sent.rows.getOrDefault(table, 0L));
        }
        Map<String, String> ids = lake.query("select count(*) as total, count(distinct event_id) as ids from (" + EVENT_TABLES.stream()
                .map(table -> "select event_id from " + lake.table(table) + " where dt = '" + DAY + "'").collect(Collectors.joining(" union all "))
                + ")").get(0);
        assertThat(Long.parseLong(ids.get("ids"))).as("distinct event ids %s", context).isEqualTo(sent.events());
        assertThat(lake.count("select count(*) from (select distinct kafka_partition, kafka_offset from " + lake.table(LakeTable.REJECTED_EVENTS)
                + " where dt = '" + DAY + "')")).as("distinct rejected messages %s", context).isEqualTo(sent.rows.get(LakeTable.REJECTED_EVENTS));
    }

    /** Queries the day in a loop on its own connection, recording every answer (or failure) until stopped. */
    private static final class Sampler implements AutoCloseable {
        record Sample(long rows, long ids, long files, Instant at) {
        }

        final List<Sample> samples = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Sampler(LakeTestSupport lake) {
            String sql = exactnessQuery(lake);
            thread = new Thread(() -> {
                try (Connection connection = lake.presto(); Statement statement = connection.createStatement()) {
                    while (running.get()) {
                        try (ResultSet result = statement.executeQuery(sql)) {
                            result.next();
                            samples.add(new Sample(result.getLong(1), result.getLong(2), result.getLong(3), Instant.now()));
                        }
                        catch (SQLException e) {
                            failures.add(Instant.now() + ": " + e.getMessage());
                        }
                    }
                }
                catch (SQLException e) {
                    failures.add("no connection: " + e.getMessage());
                }
            }, "presto-sampler");
            thread.start();
        }

        int count() {
            return samples.size() + failures.size();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(Duration.ofMinutes(1).toMillis());
        }
    }

    private static JsonNode awaitJob(JobProcess service, String id, Duration timeout) {
        JsonNode[] last = new JsonNode[1];
        await("compaction run " + id + " to finish (log " + service.log() + ")").atMost(timeout).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    last[0] = service.get("/jobs/" + id).path("payload");
                    return !last[0].path("state").asText().equals("running");
                });
        return last[0];
    }

    /** Data files left in the day's home folders of the given tables, and what staging holds for compaction. */
    private static List<String> leftovers(LakeTestSupport lake, List<LakeTable> tables) throws Exception {
        FileSystem fileSystem = lake.fileSystem();
        PartitionLayout layout = new PartitionLayout(fileSystem, new Path(lake.lakeRoot));
        List<String> left = new ArrayList<>();
        for (LakeTable table : tables) {
            for (FileStatus file : layout.dataFiles(layout.home(table, DAY.toString()))) {
                left.add(file.getPath().toString());
            }
            PartitionState state = layout.state(table, DAY.toString());
            state.retired().forEach(generation -> left.add(table.tableName() + ": retired " + PartitionLayout.generationName(generation)));
            state.retiredAt().keySet().forEach(generation -> left.add(table.tableName() + ": marker of " + PartitionLayout.generationName(generation)));
        }
        Path staging = new Path(lake.lakeRoot + "/_staging/compaction");
        if (fileSystem.exists(staging)) {
            var files = fileSystem.listFiles(staging, true);
            while (files.hasNext()) {
                left.add(files.next().getPath().toString());
            }
        }
        return left;
    }

    private static int generation(LakeTestSupport lake, LakeTable table) throws Exception {
        return new PartitionLayout(lake.fileSystem(), new Path(lake.lakeRoot)).current(table, DAY.toString()).generation();
    }

    @Test
    void queriesThroughoutACompactionSeeEveryEventOnceAndALateEventIsVisibleAfterIt(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "compact_loop");
        lake.createTopic(2);
        Sent sent = produceDay(lake);
        JobProcess service = lake.job("service", settings(Map.of("COMPACTION_SCHEDULED", "false", "COMPACTION_CHECK_INTERVAL", "2 seconds",
                "COMPACTION_DELETE_GRACE", "20 seconds")));
        try {
            service.start();
            awaitIngested(lake, sent, service);
            long filesBefore = lake.count("select count(distinct \"$path\") from " + lake.table(LakeTable.CASH_TRANSACTIONS) + " where dt = '" + DAY + "'");
            assertThat(filesBefore).as("small batch files of cash_transactions on %s", DAY).isGreaterThan(10);

            JsonNode result;
            List<Sampler.Sample> samples;
            List<String> failures;
            try (Sampler sampler = new Sampler(lake)) {
                await("a first sample").atMost(Duration.ofMinutes(1)).until(() -> sampler.count() > 0);
                JsonNode accepted = service.post("/jobs", "{\"job\": \"compact\", \"mode\": \"async\", \"parameters\": {\"from_dt\": \"" + DAY
                        + "\", \"to_dt\": \"" + DAY + "\"}}");
                JsonNode run = awaitJob(service, accepted.path("payload").path("id").asText(), Duration.ofMinutes(5));
                assertThat(run.path("state").asText()).as("run %s", run).isEqualTo("succeeded");
                result = run.path("result");
                // the old folders go once the grace has passed: the service's own check deletes them
                await("the retired files to be deleted after the grace (log " + service.log() + ")").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofSeconds(2)).until(() -> leftovers(lake, List.of(LakeTable.values())).isEmpty());
                int afterDeletion = sampler.count();
                await("samples after the deletion").atMost(Duration.ofMinutes(1)).until(() -> sampler.count() >= afterDeletion + 3);
                sampler.close();
                samples = List.copyOf(sampler.samples);
                failures = List.copyOf(sampler.failures);
            }
            System.out.println("figures: " + samples.size() + " samples during the compaction of " + DAY + "; cash_transactions files per sample: "
                    + samples.stream().map(Sampler.Sample::files).distinct().toList() + "; run: " + result);

            assertThat(failures).as("queries that failed during the compaction").isEmpty();
            assertThat(samples).as("samples").hasSizeGreaterThan(5);
            assertThat(samples).allSatisfy(sample -> {
                assertThat(sample.rows()).as("rows at %s", sample.at()).isEqualTo(sent.events());
                assertThat(sample.ids()).as("distinct event ids at %s", sample.at()).isEqualTo(sent.events());
            });
            assertThat(samples.get(0).files()).as("files read by the first sample").isEqualTo(filesBefore);
            assertThat(samples.get(samples.size() - 1).files()).as("files read by the last sample").isEqualTo(1);
            assertThat(samples).extracting(Sampler.Sample::files).as("every sample read the old files or the new one").containsOnly(filesBefore, 1L);
            assertThat(result.path("compacted").asInt()).as("partitions compacted: %s", result).isEqualTo(LakeTable.values().length);
            for (JsonNode partition : result.path("details")) {
                if (partition.path("table").asText().equals(LakeTable.CASH_TRANSACTIONS.tableName())) {
                    assertThat(partition.path("files_before").asLong()).isEqualTo(filesBefore);
                    assertThat(partition.path("files_after").asLong()).isEqualTo(1);
                }
            }
            assertExact(lake, sent, "after the compaction");

            // a late event for the compacted day: committed into its current location, visible at once
            String lateId = java.util.UUID.randomUUID().toString();
            try (KafkaProducer<String, String> producer = lake.producer()) {
                Instant late = DAY.atTime(23, 59, 30).toInstant(ZoneOffset.UTC);
                producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(new SampleEvents(99).event(EventType.MAKE_DEPOSIT, lateId, late))))
                        .get();
            }
            sent.rows.merge(LakeTable.CASH_TRANSACTIONS, 1L, Long::sum);
            await("the late event in Presto").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> dayCount(lake, LakeTable.CASH_TRANSACTIONS) == sent.rows.get(LakeTable.CASH_TRANSACTIONS));
            String path = lake.query("select \"$path\" as path from " + lake.table(LakeTable.CASH_TRANSACTIONS) + " where event_id = '" + lateId + "'")
                    .get(0).get("path");
            assertThat(path).contains("/cash_transactions/_compaction/dt=" + DAY + "/gen-0001/batch-");
            assertExact(lake, sent, "after a late event");

            // the audit reads the tables where compaction put them: nothing missing, nothing twice
            JsonNode audit = service.post("/jobs", "{\"job\": \"audit\"}").path("payload").path("result");
            assertThat(audit.path("missing").asLong()).as("audit %s", audit).isZero();
            assertThat(audit.path("duplicated").asLong()).as("audit %s", audit).isZero();
            assertThat(audit.path("rejected").path("missing").asLong()).as("audit %s", audit).isZero();
        }
        finally {
            if (service.isAlive()) {
                service.stop();
            }
        }
    }

    @Test
    void aKillNineMidCompactionLeavesThePartitionExactAndTheScheduleFinishesIt(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "compact_kill");
        lake.createTopic(2);
        Sent sent = produceDay(lake);
        JobProcess first = lake.job("first", settings(Map.of("COMPACTION_SCHEDULED", "false")));
        first.start();
        awaitIngested(lake, sent, first);

        JsonNode accepted = first.post("/jobs", "{\"job\": \"compact\", \"mode\": \"async\", \"parameters\": {\"from_dt\": \"" + DAY + "\"}}");
        String id = accepted.path("payload").path("id").asText();
        // mid-way: a first table switched, and Spark at work on another
        await("a table compacted and the next one being rewritten (log " + first.log() + ")").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> generation(lake, LakeTable.ASSET_PRICES) == 1
                        && first.get("/jobs/" + id).path("payload").path("spark").path("active_jobs").asInt() > 0);
        first.kill();
        List<String> compactedBeforeKill = new ArrayList<>();
        for (LakeTable table : LakeTable.values()) {
            if (generation(lake, table) > 0) {
                compactedBeforeKill.add(table.tableName());
            }
        }
        System.out.println("figures: killed with " + compactedBeforeKill + " compacted");
        assertThat(compactedBeforeKill).hasSizeLessThan(LakeTable.values().length);
        assertExact(lake, sent, "right after the kill -9");

        JobProcess second = lake.job("second", settings(Map.of("COMPACTION_SCHEDULED", "true", "COMPACTION_CHECK_INTERVAL", "3 seconds",
                "COMPACTION_DELETE_GRACE", "15 seconds")));
        try {
            second.start();
            await("the schedule to compact every table of " + DAY + " and delete the old files after the grace (log " + second.log() + ")")
                    .atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        for (LakeTable table : LakeTable.values()) {
                            if (generation(lake, table) == 0) {
                                return false;
                            }
                        }
                        return leftovers(lake, List.of(LakeTable.values())).isEmpty();
                    });
            for (LakeTable table : LakeTable.values()) {
                String location = lake.query("select distinct \"$path\" as path from " + lake.table(table) + " where dt = '" + DAY + "'").get(0).get("path");
                assertThat(location).as("where Presto reads %s", table.tableName()).contains("/" + table.tableName() + "/_compaction/dt=" + DAY + "/gen-0001/");
            }
            assertExact(lake, sent, "after the scheduled run finished the compaction");
            JsonNode runs = second.get("/jobs").path("payload").path("jobs");
            List<String> scheduled = new ArrayList<>();
            runs.forEach(run -> {
                if (run.path("job").asText().equals("compact")) {
                    scheduled.add(run.path("state").asText());
                }
            });
            assertThat(scheduled).as("compact runs of the second service: %s", runs).isNotEmpty().doesNotContain("failed");
        }
        finally {
            if (second.isAlive()) {
                second.stop();
            }
        }
    }

    @Test
    void theScheduleMergesTodaysBatchFilesAndEveryQueryMeanwhileSeesEachEventOnce(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "compact_open");
        lake.createTopic(2);
        // today is open: the schedule's close grace keeps it open until an hour after midnight
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String todayFilter = " where dt = '" + today + "'";
        String union = EVENT_TABLES.stream().map(table -> "select event_id from " + lake.table(table) + todayFilter)
                .collect(Collectors.joining(" union all "));
        String sql = "select count(*), count(distinct event_id), (select count(distinct \"$path\") from " + lake.table(LakeTable.CASH_TRANSACTIONS)
                + todayFilter + ") from (" + union + ")";
        // batches that take all that came (so that ingestion has slack and the merges do not wait for 4 x 8 files)
        JobProcess service = lake.job("service", settings(Map.of("COMPACTION_SCHEDULED", "true", "COMPACTION_OPEN_FILES", "8",
                "COMPACTION_OPEN_CHECK_INTERVAL", "2 seconds", "COMPACTION_DELETE_GRACE", "10 seconds", "MAX_OFFSETS_PER_TRIGGER", "2000")));
        Sent sent = new Sent();
        List<long[]> samples = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            try (Connection connection = lake.presto(); Statement statement = connection.createStatement()) {
                while (sampling.get()) {
                    try (ResultSet result = statement.executeQuery(sql)) {
                        result.next();
                        samples.add(new long[] {result.getLong(1), result.getLong(2), result.getLong(3)});
                    }
                    catch (SQLException e) {
                        if (!e.getMessage().contains("does not exist")) {
                            failures.add(Instant.now() + ": " + e.getMessage());
                        }
                    }
                }
            }
            catch (SQLException e) {
                failures.add("no connection: " + e.getMessage());
            }
        }, "presto-sampler");
        try {
            service.start();
            sampler.start();
            SampleEvents events = new SampleEvents(21);
            Instant noon = today.atTime(12, 0).toInstant(ZoneOffset.UTC);
            try (KafkaProducer<String, String> producer = lake.producer()) {
                // the service's first batch pays its warm-up (10 to 25 s on two busy cores): it takes one event, so
                // that the events below come a batch a second instead of piling up behind it
                EventType first = events.nextType();
                producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(events.event(first, noon.minusSeconds(1))))).get();
                sent.rows.merge(first.table(), 1L, Long::sum);
                await("the service's first batch (log " + service.log() + ")").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> service.batchesLogged() >= 1);
                // 30 s of events, 60 a second, flushed each second: a batch a second, each a file per table
                for (int index = 0; index < 1_800; index++) {
                    EventType type = events.nextType();
                    producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(events.event(type, noon.plusMillis(index * 250L)))));
                    sent.rows.merge(type.table(), 1L, Long::sum);
                    if (index % 60 == 59) {
                        producer.flush();
                        Thread.sleep(1_000);
                    }
                }
            }
            await("every event of today in Presto (log " + service.log() + ")").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> EVENT_TABLES.stream().allMatch(table -> {
                        try {
                            return lake.count("select count(*) from " + lake.table(table) + todayFilter) == sent.rows.getOrDefault(table, 0L);
                        }
                        catch (SQLException e) {
                            return false;
                        }
                    }));
            // the last batch files are merged once there are enough of them; what stays is under the threshold
            await("today's cash_transactions merged down to a few files (log " + service.log() + ")").atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> new PartitionLayout(lake.fileSystem(), new Path(lake.lakeRoot)).current(LakeTable.CASH_TRANSACTIONS, today.toString())
                            .generation() >= 1
                            && lake.count("select count(distinct \"$path\") from " + lake.table(LakeTable.CASH_TRANSACTIONS) + todayFilter) < 8 + 6);
            int after = samples.size() + failures.size();
            await("samples after the merges").atMost(Duration.ofMinutes(1)).until(() -> samples.size() + failures.size() >= after + 3);
        }
        finally {
            sampling.set(false);
            sampler.join(Duration.ofMinutes(1).toMillis());
        }
        try {
            PartitionLayout layout = new PartitionLayout(lake.fileSystem(), new Path(lake.lakeRoot));
            PartitionLayout.Location current = layout.current(LakeTable.CASH_TRANSACTIONS, today.toString());
            int generation = current.generation();
            // every batch file the day ever had: those the merges took over, and those not merged yet
            long batches = layout.sources(current.path()).size() + layout.dataFiles(current.path()).stream()
                    .filter(file -> !file.getPath().getName().startsWith("compacted-")).count();
            JsonNode runs = service.get("/jobs").path("payload").path("jobs");
            List<String> merges = new ArrayList<>();
            runs.forEach(run -> {
                if (run.path("job").asText().equals("compact")) {
                    merges.add(run.path("state").asText());
                }
            });
            System.out.println("figures: " + samples.size() + " samples while today was merged; cash_transactions at "
                    + PartitionLayout.generationName(generation) + " (" + batches + " batch files merged or not); files per sample: " + samples.stream().map(sample -> sample[2]).distinct().toList()
                    + "; compact runs: " + merges);
            assertThat(failures).as("queries that failed while today was merged").isEmpty();
            assertThat(samples).as("samples").hasSizeGreaterThan(10);
            long previous = 0;
            for (long[] sample : samples) {
                assertThat(sample[1]).as("distinct event ids against rows: no event twice").isEqualTo(sample[0]);
                assertThat(sample[0]).as("rows never go back: no event lost by a merge").isGreaterThanOrEqualTo(previous);
                previous = sample[0];
            }
            assertThat(previous).isEqualTo(sent.events());
            assertThat(generation).as("merges of today's cash_transactions").isGreaterThanOrEqualTo(1);
            assertThat(merges).as("compact runs: %s", runs).isNotEmpty().doesNotContain("failed");
            assertThat(samples.get(samples.size() - 1)[2]).as("files of today's cash_transactions in the end, of %s batch files", batches)
                    .isLessThan(8 + 6).isLessThan(batches / 2);
            for (LakeTable table : EVENT_TABLES) {
                assertThat(lake.count("select count(*) from " + lake.table(table) + todayFilter)).as(table.tableName())
                        .isEqualTo(sent.rows.getOrDefault(table, 0L));
            }
            // the audit reads every table where the merges put it: nothing missing, nothing twice
            JsonNode audit = service.post("/jobs", "{\"job\": \"audit\"}").path("payload").path("result");
            assertThat(audit.path("missing").asLong()).as("audit %s", audit).isZero();
            assertThat(audit.path("duplicated").asLong()).as("audit %s", audit).isZero();
        }
        finally {
            if (service.isAlive()) {
                service.stop();
            }
        }
    }
}
