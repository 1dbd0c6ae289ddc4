package dev.bankinglake.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.WindowTable;
import dev.bankinglake.lake.LakeSession;
import dev.bankinglake.lake.bench.SampleEvents;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The windows query's plan as a real streaming query on a local session with the windows query's
 * settings (files instead of Kafka): open updates, finals once the watermark has passed and more
 * events come, and Spark's count of the events it dropped as late.
 */
class WindowAggregationTest {
    private static SparkSession spark;
    private static final List<WindowUpdate> UPDATES = new CopyOnWriteArrayList<>();

    @TempDir
    Path folder;

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("windows-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static String event(EventType type, String time, String asset, long units, String unitPrice, String amount) {
        var json = new SampleEvents(7).event(type, Instant.parse(time));
        if (asset != null) {
            json.put("asset_name", asset);
        }
        if (type == EventType.BUY_ASSET || type == EventType.SELL_ASSET) {
            json.put("number_of", units);
            json.put("unit_price", new BigDecimal(unitPrice));
        }
        if (amount != null) {
            json.put("amount", new BigDecimal(amount));
        }
        return SampleEvents.toJson(json);
    }

    private void write(Path input, String name, String... lines) throws Exception {
        Path temporary = folder.resolve("." + name);
        Files.write(temporary, Arrays.asList(lines));
        Files.move(temporary, input.resolve(name));
    }

    @Test
    void openUpdatesThenFinalsOnceTheWatermarkPassesAndLateEventsCounted() throws Exception {
        Path input = Files.createDirectories(folder.resolve("input"));
        Dataset<Row> kafkaShaped = WindowsService.windowsSession(spark).readStream().format("text").load(input.toString())
                .select(col("value").cast(DataTypes.BinaryType).as("value"), lit("events").as("topic"), lit(0).as("partition"),
                        lit(0L).as("offset"), current_timestamp().as("timestamp"));
        LongAccumulator stepLate = spark.sparkContext().longAccumulator();
        Dataset<Row> windows = WindowAggregation.windows(kafkaShaped, Set.of(1), null, Duration.ofSeconds(10),
                WindowSpec.tumbling(Duration.ofMinutes(1)), WindowSpec.sliding(Duration.ofSeconds(20), Duration.ofSeconds(10)), stepLate);
        StreamingQuery query = windows.writeStream()
                .outputMode("update")
                .option("checkpointLocation", folder.resolve("checkpoint").toString())
                .trigger(Trigger.ProcessingTime(100, TimeUnit.MILLISECONDS))
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch.collectAsList()
                        .forEach(row -> UPDATES.add(WindowRows.fromOutputRow(row))))
                .start();
        try {
            write(input, "1.json",
                    event(EventType.MAKE_DEPOSIT, "2026-11-20T22:08:05Z", null, 0, null, "100.25"),
                    event(EventType.BUY_ASSET, "2026-11-20T22:08:06Z", "stock_a", 2, "10.00", "20.00"),
                    "{\"not\": \"an event\"",
                    event(EventType.MAKE_DEPOSIT, "2026-11-20T22:08:07Z", null, 0, null, "0.75"));
            query.processAllAvailable();
            assertThat(UPDATES).isNotEmpty().allMatch(update -> !update.isFinal());
            assertThat(latest(WindowTable.EVENT_COUNTS, "2026-11-20T22:08:00Z", "make_deposit").figures())
                    .containsEntry("events", 2L).containsEntry("total_amount", new BigDecimal("100.00").add(new BigDecimal("1.00")));

            // 22:09:30 moves the watermark to 22:09:20: the same batch closes the 22:08 bucket and the trade windows before it
            int batches = query.recentProgress().length;
            write(input, "2.json", event(EventType.OPEN_ACCOUNT, "2026-11-20T22:09:30Z", null, 0, null, null));
            query.processAllAvailable();
            assertThat(UPDATES).as("the 22:08 bucket final in the batch that moved the watermark past its end")
                    .anyMatch(update -> update.isFinal() && update.key().equals("make_deposit"));
            assertThat(Arrays.stream(query.recentProgress()).skip(batches).filter(progress -> progress.numInputRows() > 0).count())
                    .as("batches with data since").isEqualTo(1);
            write(input, "3.json", event(EventType.OPEN_ACCOUNT, "2026-11-20T22:09:35Z", null, 0, null, null));
            query.processAllAvailable();
            WindowUpdate bucket = UPDATES.stream().filter(update -> update.isFinal() && update.key().equals("make_deposit")).findFirst().orElseThrow();
            assertThat(bucket.figures()).containsEntry("events", 2L).containsEntry("total_amount", new BigDecimal("101.00"));
            assertThat(UPDATES.stream().filter(update -> update.isFinal() && update.table() == WindowTable.TRADE_WINDOWS))
                    .extracting(update -> update.start().toString().substring(11) + " " + update.figures().get("units_bought"))
                    .containsExactlyInAnyOrder("22:07:50Z 2", "22:08:00Z 2");

            // older than the watermark: dropped by Spark, counted, and no window changes
            int before = UPDATES.size();
            write(input, "4.json", event(EventType.MAKE_DEPOSIT, "2026-11-20T22:08:30Z", null, 0, null, "5.00"));
            query.processAllAvailable();
            await("the late event to be counted").atMost(Duration.ofSeconds(60))
                    .until(() -> late(query, stepLate) == 1);
            assertThat(UPDATES.subList(before, UPDATES.size())).noneMatch(update -> update.key().equals("make_deposit"));
            assertThat(UPDATES.stream().filter(WindowUpdate::isFinal).map(WindowUpdate::window).distinct().count())
                    .as("each window final once").isEqualTo(UPDATES.stream().filter(WindowUpdate::isFinal).count());
        }
        finally {
            query.stop();
        }
    }

    /** Lines "topic TAB kafka-timestamp TAB value": events, and ticks of the clock topic. */
    @Test
    void ticksOfTheClockTopicCloseTheWindowsWhenTheEventsAreIdleAndAddToNoWindow() throws Exception {
        List<WindowUpdate> updates = new CopyOnWriteArrayList<>();
        Path input = Files.createDirectories(folder.resolve("ticks-input"));
        Dataset<Row> lines = WindowsService.windowsSession(spark).readStream().format("text").load(input.toString());
        Dataset<Row> kafkaShaped = lines.select(
                split(col("value"), "\t", 3).getItem(2).cast(DataTypes.BinaryType).as("value"),
                split(col("value"), "\t", 3).getItem(0).as("topic"), lit(0).as("partition"), lit(0L).as("offset"),
                timestamp_millis(split(col("value"), "\t", 3).getItem(1).cast(DataTypes.LongType)).as("timestamp"));
        LongAccumulator stepLate = spark.sparkContext().longAccumulator();
        Dataset<Row> windows = WindowAggregation.windows(kafkaShaped, Set.of(1), "windows-clock", Duration.ofSeconds(10),
                WindowSpec.tumbling(Duration.ofMinutes(1)), WindowSpec.sliding(Duration.ofSeconds(20), Duration.ofSeconds(10)), stepLate);
        StreamingQuery query = windows.writeStream()
                .outputMode("update")
                .option("checkpointLocation", folder.resolve("ticks-checkpoint").toString())
                .trigger(Trigger.ProcessingTime(100, TimeUnit.MILLISECONDS))
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch.collectAsList()
                        .forEach(row -> updates.add(WindowRows.fromOutputRow(row))))
                .start();
        long tick = Instant.parse("2026-11-20T22:09:15Z").toEpochMilli();
        try {
            write(input, "1.txt",
                    "events\t0\t" + event(EventType.MAKE_DEPOSIT, "2026-11-20T22:08:05Z", null, 0, null, "1.00"),
                    "events\t0\t" + event(EventType.MAKE_DEPOSIT, "2026-11-20T22:08:07Z", null, 0, null, "2.00"));
            query.processAllAvailable();
            assertThat(updates).isNotEmpty().noneMatch(WindowUpdate::isFinal);

            // the end of the 22:08 bucket plus the delay has passed: one tick closes it, in the batch that reads it
            write(input, "2.txt", "windows-clock\t" + tick + "\ttick");
            query.processAllAvailable();
            assertThat(updates).as("the 22:08 bucket final by one tick alone")
                    .anyMatch(update -> update.isFinal() && update.key().equals("make_deposit"));
            WindowUpdate bucket = updates.stream().filter(update -> update.isFinal() && update.key().equals("make_deposit")).findFirst().orElseThrow();
            assertThat(bucket.figures()).containsEntry("events", 2L).containsEntry("total_amount", new BigDecimal("3.00"));
            assertThat(updates).as("a tick is in no window").noneMatch(update -> update.key().contains("tick"));
            assertThat(late(query, stepLate)).as("late rows").isZero();

            // an event for the closed bucket arriving later counts as late, and changes no window
            int before = updates.size();
            write(input, "4.txt", "events\t0\t" + event(EventType.MAKE_DEPOSIT, "2026-11-20T22:08:30Z", null, 0, null, "5.00"));
            query.processAllAvailable();
            await("the late event to be counted").atMost(Duration.ofSeconds(60))
                    .until(() -> late(query, stepLate) == 1);
            assertThat(updates.subList(before, updates.size())).noneMatch(update -> update.key().equals("make_deposit"));
        }
        finally {
            query.stop();
        }
    }

    /** Late events: dropped by Spark before the windows step, or by the step itself. */
    private static long late(StreamingQuery query, LongAccumulator stepLate) {
        return Arrays.stream(query.recentProgress()).mapToLong(WindowsService::droppedByWatermark).sum() + stepLate.value();
    }

    private static WindowUpdate latest(WindowTable table, String start, String key) {
        List<WindowUpdate> matching = UPDATES.stream()
                .filter(update -> update.table() == table && update.start().equals(Instant.parse(start)) && update.key().equals(key)).toList();
        assertThat(matching).as("updates of %s %s %s", table, start, key).isNotEmpty();
        return matching.get(matching.size() - 1);
    }
}
