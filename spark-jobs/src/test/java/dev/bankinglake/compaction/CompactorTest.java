package dev.bankinglake.compaction;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.CurrentLocations;
import dev.bankinglake.lake.DriverKafkaReader;
import dev.bankinglake.lake.LakeBatchWriter;
import dev.bankinglake.lake.LakeSession;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.lineage.BatchLineage;
import dev.bankinglake.lineage.LineageStore;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionLocations;
import dev.bankinglake.table.PartitionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The compactor on a local file system and a local Spark session, with an in-memory stand-in for
 * the metastore's partition locations. "What a query sees" is what the metastore's location of a
 * partition holds, read the way Presto reads it (every file not starting with _ or .).
 */
class CompactorTest {
    private static final String QUERY = "0f4c7d2a-3b5e-4a61-9c8d-7e6f5a4b3c2d";
    private static final String TOPIC = "events-test";
    private static final String DAY = "2026-11-18";
    private static final Instant KAFKA_TIME = Instant.parse(DAY + "T12:00:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
    private static final Duration GRACE = Duration.ofMinutes(30);
    private static final StructType KAFKA = DriverKafkaReader.SCHEMA;

    private static SparkSession spark;

    @TempDir
    java.nio.file.Path folder;

    private FileSystem fileSystem;
    private BatchFileCommitter committer;
    private PartitionLayout layout;
    private LakeBatchWriter writer;
    private final InMemoryLocations metastore = new InMemoryLocations();
    private final MutableClock clock = new MutableClock(NOW);
    private final SampleEvents samples = new SampleEvents(7);
    private final Map<LakeTable, Long> expected = new EnumMap<>(LakeTable.class);
    private long nextOffset;

    /** The metastore's partition locations, in memory. */
    static final class InMemoryLocations implements PartitionLocations {
        final Map<String, String> locations = new ConcurrentHashMap<>();
        volatile boolean refuseSwitches;

        void register(PartitionLayout layout, TableDefinition table, String dt) {
            locations.putIfAbsent(table.tableName() + "/" + dt, layout.home(table, dt).toString());
        }

        String location(TableDefinition table) {
            return locations.get(table.tableName() + "/" + DAY);
        }

        @Override
        public Optional<String> location(TableDefinition table, String dt) {
            return Optional.ofNullable(locations.get(table.tableName() + "/" + dt));
        }

        @Override
        public void switchLocation(TableDefinition table, String dt, String from, String to) {
            if (refuseSwitches) {
                throw new IllegalStateException("metastore unavailable");
            }
            String key = table.tableName() + "/" + dt;
            if (!locations.get(key).equals(from)) {
                throw new IllegalStateException("moved meanwhile: " + locations.get(key));
            }
            locations.put(key, to);
        }
    }

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** A crash played at a step: whatever the compactor did before it stays, nothing after it happens. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(Compactor.Step step) {
            super("simulated crash at " + step);
        }
    }

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("compactor-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @BeforeEach
    void setUp() throws IOException {
        fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        committer = new BatchFileCommitter(fileSystem, new Path(folder.toUri()));
        layout = committer.layout();
        writer = new LakeBatchWriter(committer, (table, values) -> values.forEach(value -> metastore.register(layout, table, value)));
    }

    /** Writes one micro-batch of {@code events} events of the day (and a malformed message) through the lake's own writer. */
    private Dataset<Row> batch(long batchId, int events) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int index = 0; index < events; index++) {
            EventType type = samples.nextType();
            // event times out of order across batches: the compacted files must still be sorted
            Instant time = Instant.parse(DAY + "T00:00:00Z").plusSeconds((batchId * 7919 + index * 104_729L) % 86_400);
            rows.add(kafkaRow(SampleEvents.toJson(samples.event(type, time))));
            expected.merge(type.table(), 1L, Long::sum);
        }
        rows.add(kafkaRow("{\"not\": \"closed\""));
        expected.merge(LakeTable.REJECTED_EVENTS, 1L, Long::sum);
        Dataset<Row> batch = spark.createDataFrame(rows, KAFKA);
        writer.write(batch, batchId, QUERY);
        return batch;
    }

    private Row kafkaRow(String value) {
        return RowFactory.create(null, value.getBytes(StandardCharsets.UTF_8), TOPIC, 0, nextOffset++, Timestamp.from(KAFKA_TIME), 0);
    }

    private Compactor compactor(long targetFileSize, Compactor.StepHook hook) {
        return new Compactor(spark, layout, metastore, targetFileSize, GRACE, clock, hook);
    }

    private Compactor compactor() {
        return compactor(128L * 1024 * 1024, Compactor.StepHook.NONE);
    }

    /** What a query of the partition sees: the files at the metastore's location. */
    private Dataset<Row> visible(TableDefinition table) {
        return spark.read().schema(dev.bankinglake.lake.LakeSchemas.dataSchema(table)).parquet(metastore.location(table));
    }

    private void assertExact(LakeTable table, String context) {
        String id = table.isEventTable() ? "event_id" : "kafka_offset";
        Row figures = visible(table).agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)), countDistinct(col(id))).first();
        assertThat(figures.getLong(0)).as("rows of %s %s", table.tableName(), context).isEqualTo(expected.get(table));
        assertThat(figures.getLong(1)).as("distinct ids of %s %s", table.tableName(), context).isEqualTo(expected.get(table));
    }

    /** The first generation a compaction staged, with its files deleted, for a test to put others in their place. */
    private Path emptiedStagedGeneration(TableDefinition table, String dt) throws IOException {
        Path staged = new Path(Compactor.stagingFolder(layout, table, dt), PartitionLayout.generationName(1));
        for (FileStatus file : layout.dataFiles(staged)) {
            fileSystem.delete(file.getPath(), false);
        }
        return staged;
    }

    private List<String> names(Path location) throws IOException {
        return layout.dataFiles(location).stream().map(file -> file.getPath().getName()).toList();
    }

    @Test
    void compactsAPartitionIntoSortedFilesAndSwitchesItAtOnce() throws Exception {
        for (long batchId = 0; batchId < 12; batchId++) {
            batch(batchId, 30);
        }
        Path home = layout.home(LakeTable.ASSET_PRICES, DAY);
        assertThat(names(home)).hasSize(12);
        assertExact(LakeTable.ASSET_PRICES, "before");

        // a small target: three files, each a time range of its own
        long bytes = layout.dataFiles(home).stream().mapToLong(FileStatus::getLen).sum();
        Compactor small = compactor(bytes / 3 + 1, Compactor.StepHook.NONE);
        PartitionOutcome outcome = small.run(LakeTable.ASSET_PRICES, DAY, true);

        Path generation = layout.generationFolder(LakeTable.ASSET_PRICES, DAY, 1);
        assertThat(outcome.action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        assertThat(outcome.filesBefore()).isEqualTo(12);
        assertThat(outcome.rows()).isEqualTo(expected.get(LakeTable.ASSET_PRICES));
        assertThat(outcome.location()).isEqualTo(generation.toString());
        assertThat(metastore.location(LakeTable.ASSET_PRICES)).isEqualTo(generation.toString());
        assertExact(LakeTable.ASSET_PRICES, "after");
        List<String> compacted = names(generation);
        assertThat(compacted).hasSize(outcome.filesAfter()).hasSize(3).allMatch(name -> name.matches("compacted-0001-\\d{5}\\.snappy\\.parquet"));
        Instant previousMax = Instant.EPOCH;
        for (String name : compacted) {
            Dataset<Row> file = spark.read().parquet(new Path(generation, name).toString());
            List<Timestamp> times = file.select("event_time").collectAsList().stream().map(row -> row.getTimestamp(0)).toList();
            assertThat(times).as("event_time within %s", name).isSorted();
            Row range = file.agg(min("event_time"), max("event_time")).first();
            assertThat(range.getTimestamp(0).toInstant()).as("%s starts after the previous file ends", name).isAfterOrEqualTo(previousMax);
            previousMax = range.getTimestamp(1).toInstant();
        }
        assertThat(layout.sources(generation)).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, 12).mapToObj(index -> BatchFileCommitter.fileName(index, QUERY, 0)).toList());
        // the old files stay for queries already running, and go once the grace has passed
        assertThat(names(home)).hasSize(12);
        assertThat(small.run(LakeTable.ASSET_PRICES, DAY, true).action()).isEqualTo(PartitionOutcome.Action.UP_TO_DATE);
        assertThat(names(home)).hasSize(12);
        clock.advance(GRACE);
        PartitionOutcome cleanup = small.run(LakeTable.ASSET_PRICES, DAY, true);
        assertThat(cleanup.steps()).containsExactly("deleted gen-0000 (retired at " + NOW + ")");
        assertThat(names(home)).isEmpty();
        assertThat(fileSystem.exists(Compactor.stagingFolder(layout, LakeTable.ASSET_PRICES, DAY))).isFalse();
        assertThat(layout.state(LakeTable.ASSET_PRICES, DAY).retiredAt()).isEmpty();
        assertExact(LakeTable.ASSET_PRICES, "after the old files went");
        // the table read the way the jobs read it (audit, replay) holds every row once
        assertThat(CurrentLocations.read(spark, layout, LakeTable.ASSET_PRICES).filter(col("dt").equalTo(DAY)).count())
                .isEqualTo(expected.get(LakeTable.ASSET_PRICES));
    }

    @Test
    void lateBatchesGoToTheCurrentLocationAndAReplayOfAMergedBatchAddsNothing() throws Exception {
        Dataset<Row> third = null;
        for (long batchId = 0; batchId < 6; batchId++) {
            Dataset<Row> written = batch(batchId, 20);
            if (batchId == 3) {
                third = written;
            }
        }
        for (LakeTable table : LakeTable.values()) {
            assertThat(compactor().run(table, DAY, true).action()).as(table.tableName()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        }
        // batch 3 replayed after a crash (its files were merged) changes nothing
        LakeBatchWriter.BatchOutcome replay = writer.write(third, 3, QUERY);
        assertThat(replay.filesRenamed()).isZero();
        assertThat(replay.filesAlreadyPresent()).isEqualTo(replay.committed().size()).isPositive();
        // a late batch lands in the compacted generation, where queries look
        batch(6, 20);
        Path generation = layout.generationFolder(LakeTable.CASH_TRANSACTIONS, DAY, 1);
        assertThat(names(generation)).contains(BatchFileCommitter.fileName(6, QUERY, 0));
        for (LakeTable table : LakeTable.values()) {
            assertExact(table, "after a replay and a late batch");
            assertThat(CurrentLocations.read(spark, layout, table).count()).isEqualTo(expected.get(table));
        }
        // one late file next to a compacted one is not worth a rewrite; two are
        assertThat(compactor().run(LakeTable.CASH_TRANSACTIONS, DAY, true).action()).isEqualTo(PartitionOutcome.Action.UP_TO_DATE);
        batch(7, 20);
        PartitionOutcome second = compactor().run(LakeTable.CASH_TRANSACTIONS, DAY, true);
        assertThat(second.action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        assertThat(second.location()).isEqualTo(layout.generationFolder(LakeTable.CASH_TRANSACTIONS, DAY, 2).toString());
        assertExact(LakeTable.CASH_TRANSACTIONS, "after a second compaction");
        // every batch ever merged is still known to the newest generation
        assertThat(layout.sources(new Path(second.location()))).contains(BatchFileCommitter.fileName(0, QUERY, 0), BatchFileCommitter.fileName(7, QUERY, 0));
        assertThat(writer.write(third, 3, QUERY).filesRenamed()).isZero();
        assertExact(LakeTable.CASH_TRANSACTIONS, "after another replay");
    }

    @ParameterizedTest
    @EnumSource(Compactor.Step.class)
    void aCrashAtAnyStepLeavesThePartitionExactAndTheNextRunFinishesIt(Compactor.Step crashAt) throws Exception {
        for (long batchId = 0; batchId < 8; batchId++) {
            batch(batchId, 20);
        }
        Compactor crashing = compactor(128L * 1024 * 1024, (step, table, dt) -> {
            if (step == crashAt) {
                throw new SimulatedCrash(step);
            }
        });
        assertThatThrownBy(() -> crashing.run(LakeTable.CASH_TRANSACTIONS, DAY, true)).hasMessage("simulated crash at " + crashAt);
        assertExact(LakeTable.CASH_TRANSACTIONS, "right after a crash at " + crashAt);

        // the service restarts: a late batch commits into whatever location is current on disk
        batch(8, 20);
        PartitionOutcome rerun = compactor().run(LakeTable.CASH_TRANSACTIONS, DAY, true);
        assertExact(LakeTable.CASH_TRANSACTIONS, "after the rerun of a crash at " + crashAt);
        int current = layout.state(LakeTable.CASH_TRANSACTIONS, DAY).current();
        assertThat(current).isEqualTo(1);
        assertThat(metastore.location(LakeTable.CASH_TRANSACTIONS)).isEqualTo(layout.generationFolder(LakeTable.CASH_TRANSACTIONS, DAY, 1).toString());
        if (crashAt == Compactor.Step.RENAMED) {
            assertThat(rerun.steps()).first().asString().startsWith("switched the metastore from ");
        }

        clock.advance(GRACE);
        compactor().run(LakeTable.CASH_TRANSACTIONS, DAY, true);
        assertThat(names(layout.home(LakeTable.CASH_TRANSACTIONS, DAY))).as("old files after the grace").isEmpty();
        assertThat(fileSystem.exists(Compactor.stagingFolder(layout, LakeTable.CASH_TRANSACTIONS, DAY))).as("staging").isFalse();
        PartitionState state = layout.state(LakeTable.CASH_TRANSACTIONS, DAY);
        assertThat(state.retired()).isEmpty();
        assertThat(state.retiredAt()).isEmpty();
        assertExact(LakeTable.CASH_TRANSACTIONS, "at the end");
    }

    @Test
    void aDifferenceBetweenOldAndNewFilesAbortsBeforeTheSwitch() throws Exception {
        for (long batchId = 0; batchId < 5; batchId++) {
            batch(batchId, 20);
        }
        Path home = layout.home(LakeTable.CASH_TRANSACTIONS, DAY);
        Compactor lossy = compactor(128L * 1024 * 1024, (step, table, dt) -> {
            if (step == Compactor.Step.STAGED) {
                // as if the rewrite had lost rows: the staged generation holds one batch's file only
                Path staged = emptiedStagedGeneration(table, dt);
                org.apache.hadoop.fs.FileUtil.copy(fileSystem, new Path(home, BatchFileCommitter.fileName(0, QUERY, 0)), fileSystem,
                        new Path(staged, "compacted-0001-00000.snappy.parquet"), false, fileSystem.getConf());
            }
        });
        assertThatThrownBy(() -> lossy.run(LakeTable.CASH_TRANSACTIONS, DAY, true))
                .isInstanceOf(Compactor.VerificationFailedException.class)
                .hasMessageStartingWith("Compaction of cash_transactions dt=" + DAY + " aborted before the switch: the new files hold ")
                .hasMessageContaining(" id(s) missing (e.g. [")
                .hasMessageEndingWith("0 added, row contents differ; the partition is unchanged");
        assertThat(metastore.location(LakeTable.CASH_TRANSACTIONS)).isEqualTo(home.toString());
        assertThat(layout.state(LakeTable.CASH_TRANSACTIONS, DAY).current()).isZero();
        assertThat(fileSystem.exists(Compactor.stagingFolder(layout, LakeTable.CASH_TRANSACTIONS, DAY))).isFalse();
        assertExact(LakeTable.CASH_TRANSACTIONS, "after an aborted compaction");
    }

    @Test
    void aRowDoubledInPlaceOfAnotherAbortsBeforeTheSwitchThoughTheCountMatches() throws Exception {
        for (long batchId = 0; batchId < 4; batchId++) {
            batch(batchId, 20);
        }
        Path home = layout.home(LakeTable.CASH_TRANSACTIONS, DAY);
        Compactor swapping = compactor(128L * 1024 * 1024, (step, table, dt) -> {
            if (step == Compactor.Step.STAGED) {
                // as many rows as before, but one event twice and another one gone
                Dataset<Row> rows = spark.read().schema(dev.bankinglake.lake.LakeSchemas.dataSchema(table)).parquet(home.toString());
                List<String> ids = rows.select("event_id").orderBy("event_id").limit(2).collectAsList().stream().map(row -> row.getString(0)).toList();
                Path tampered = new Path(Compactor.stagingFolder(layout, table, dt), "tampered");
                rows.filter(col("event_id").notEqual(ids.get(0))).union(rows.filter(col("event_id").equalTo(ids.get(1)))).coalesce(1)
                        .write().parquet(tampered.toString());
                Path staged = emptiedStagedGeneration(table, dt);
                FileStatus written = layout.dataFiles(tampered).stream().filter(file -> file.getPath().getName().endsWith(".parquet")).findFirst()
                        .orElseThrow();
                fileSystem.rename(written.getPath(), new Path(staged, "compacted-0001-00000.snappy.parquet"));
            }
        });
        assertThatThrownBy(() -> swapping.run(LakeTable.CASH_TRANSACTIONS, DAY, true))
                .isInstanceOf(Compactor.VerificationFailedException.class)
                .hasMessageMatching("Compaction of cash_transactions dt=" + DAY + " aborted before the switch: the new files hold (\\d+) row\\(s\\), "
                        + "the old ones \\1; 1 id\\(s\\) missing \\(e\\.g\\. \\[.+\\]\\), 1 added \\(e\\.g\\. \\[.+\\]\\), row contents differ; "
                        + "the partition is unchanged");
        assertThat(metastore.location(LakeTable.CASH_TRANSACTIONS)).isEqualTo(home.toString());
        assertExact(LakeTable.CASH_TRANSACTIONS, "after an aborted compaction");
    }

    @Test
    void aBatchCommittedWhileTheRewriteRanIsCarriedOverAtTheSwitch() throws Exception {
        for (long batchId = 0; batchId < 5; batchId++) {
            batch(batchId, 20);
        }
        Compactor racing = compactor(128L * 1024 * 1024, (step, table, dt) -> {
            if (step == Compactor.Step.VERIFIED) {
                batch(5, 20);
            }
        });
        PartitionOutcome outcome = racing.run(LakeTable.CASH_TRANSACTIONS, DAY, true);
        assertThat(outcome.lateFiles()).isEqualTo(1);
        assertThat(outcome.steps()).containsExactly("compacted 5 file(s) into 1 in gen-0001, with 1 late file(s) carried over");
        assertThat(names(layout.generationFolder(LakeTable.CASH_TRANSACTIONS, DAY, 1)))
                .containsExactly(BatchFileCommitter.fileName(5, QUERY, 0), "compacted-0001-00000.snappy.parquet");
        assertExact(LakeTable.CASH_TRANSACTIONS, "with a batch committed during the compaction");
    }

    @Test
    void anOpenDayIsMergedBatchFilesOnlyWhileBatchesKeepLandingAndItsCompactionAtCloseTakesTheMergesIn() throws Exception {
        TableDefinition table = LakeTable.CASH_TRANSACTIONS;
        Dataset<Row> second = null;
        for (long batchId = 0; batchId < 3; batchId++) {
            Dataset<Row> written = batch(batchId, 20);
            if (batchId == 1) {
                second = written;
            }
        }
        assertThat(compactor().merge(table, DAY, 4).action()).as("3 batch files, 4 asked for").isEqualTo(PartitionOutcome.Action.UP_TO_DATE);
        batch(3, 20);
        PartitionOutcome first = compactor().merge(table, DAY, 4);
        assertThat(first.action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        assertThat(first.steps()).containsExactly("merged 4 batch file(s) into 1 in gen-0001");
        Path one = layout.generationFolder(table, DAY, 1);
        assertThat(metastore.location(table)).isEqualTo(one.toString());
        assertThat(names(one)).containsExactly("compacted-0001-00000.snappy.parquet");
        assertExact(LakeTable.CASH_TRANSACTIONS, "after the first merge");

        // more batches land in the merged generation; a batch commits while the second merge runs
        for (long batchId = 4; batchId < 8; batchId++) {
            batch(batchId, 20);
        }
        Compactor racing = compactor(128L * 1024 * 1024, (step, racedTable, dt) -> {
            if (step == Compactor.Step.VERIFIED && racedTable.equals(table)) {
                batch(8, 20);
            }
        });
        PartitionOutcome merged = racing.merge(table, DAY, 4);
        assertThat(merged.steps()).containsExactly(
                "merged 4 batch file(s) into 1 in gen-0002, with 1 other file(s) carried over, with 1 late file(s) carried over");
        Path two = layout.generationFolder(table, DAY, 2);
        assertThat(names(two)).containsExactly(BatchFileCommitter.fileName(8, QUERY, 0), "compacted-0001-00000.snappy.parquet",
                "compacted-0002-00000.snappy.parquet");
        // the carried file is the same file, byte for byte, not a rewrite
        assertThat(fileSystem.getFileChecksum(new Path(two, "compacted-0001-00000.snappy.parquet")))
                .isEqualTo(fileSystem.getFileChecksum(new Path(one, "compacted-0001-00000.snappy.parquet")));
        assertThat(metastore.location(table)).isEqualTo(two.toString());
        assertExact(LakeTable.CASH_TRANSACTIONS, "after the second merge and a batch during it");
        // a replay of a batch merged two generations ago adds nothing
        assertThat(writer.write(second, 1, QUERY).filesRenamed()).isZero();
        assertExact(LakeTable.CASH_TRANSACTIONS, "after a replay");

        // once the day closes, its compaction rewrites the merges and the late file into one file
        PartitionOutcome closed = compactor().run(table, DAY, true);
        assertThat(closed.action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        assertThat(closed.steps()).containsExactly("compacted 3 file(s) into 1 in gen-0003");
        assertThat(names(layout.generationFolder(table, DAY, 3))).containsExactly("compacted-0003-00000.snappy.parquet");
        assertExact(LakeTable.CASH_TRANSACTIONS, "after the day's compaction");
        assertThat(compactor().run(table, DAY, true).action()).isEqualTo(PartitionOutcome.Action.UP_TO_DATE);
        clock.advance(GRACE);
        compactor().run(table, DAY, true);
        assertThat(names(layout.home(table, DAY))).isEmpty();
        assertThat(fileSystem.exists(one)).isFalse();
        assertThat(fileSystem.exists(two)).isFalse();
        assertExact(LakeTable.CASH_TRANSACTIONS, "after the retired generations went");
        assertThat(CurrentLocations.read(spark, layout, table).count()).isEqualTo(expected.get(LakeTable.CASH_TRANSACTIONS));
    }

    @Test
    void aMergeRewritesTheOldestBatchFilesWithinAQuarterOfTheTargetAndCarriesTheRestOver() throws Exception {
        TableDefinition table = LakeTable.ASSET_PRICES;
        for (long batchId = 0; batchId < 6; batchId++) {
            batch(batchId, 30);
        }
        List<FileStatus> files = layout.dataFiles(layout.home(table, DAY));
        long largest = files.stream().mapToLong(FileStatus::getLen).max().orElseThrow();
        // a target whose quarter holds two or three of these files, not six
        long target = 4 * (2 * largest + largest / 2);
        PartitionOutcome outcome = compactor(target, Compactor.StepHook.NONE).merge(table, DAY, 4);
        List<String> merged = Compactor.oldestWithin(files, Compactor.mergeBytes(target)).stream().map(file -> file.getPath().getName()).toList();
        assertThat(merged).hasSizeBetween(2, 3).startsWith(BatchFileCommitter.fileName(0, QUERY, 0), BatchFileCommitter.fileName(1, QUERY, 0));
        assertThat(outcome.steps()).containsExactly("merged " + merged.size() + " batch file(s) into 1 in gen-0001, with " + (6 - merged.size())
                + " other file(s) carried over");
        Path generation = layout.generationFolder(table, DAY, 1);
        assertThat(names(generation)).hasSize(1 + 6 - merged.size()).contains(BatchFileCommitter.fileName(5, QUERY, 0))
                .doesNotContainAnyElementsOf(merged);
        assertExact(LakeTable.ASSET_PRICES, "after a merge of part of the batch files");
        // the next merge takes the oldest of what is left
        PartitionOutcome next = compactor(target, Compactor.StepHook.NONE).merge(table, DAY, 3);
        assertThat(next.action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        assertThat(names(layout.generationFolder(table, DAY, 2))).contains("compacted-0001-00000.snappy.parquet", "compacted-0002-00000.snappy.parquet");
        assertExact(LakeTable.ASSET_PRICES, "after the next merge");
        // a partition that holds the target size already waits for the day's close
        batch(6, 30);
        batch(7, 30);
        long held = layout.dataFiles(layout.generationFolder(table, DAY, 2)).stream().mapToLong(FileStatus::getLen).sum();
        assertThat(compactor(held - 1, Compactor.StepHook.NONE).merge(table, DAY, 2).action()).isEqualTo(PartitionOutcome.Action.UP_TO_DATE);
        assertThat(compactor(held, Compactor.StepHook.NONE).merge(table, DAY, 2).action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        assertExact(LakeTable.ASSET_PRICES, "after the last merge");
        // at least two files, however large
        List<FileStatus> large = List.of(new FileStatus(100, false, 1, 1, 0, new Path("/x/batch-b")), new FileStatus(100, false, 1, 1, 0, new Path("/x/batch-a")),
                new FileStatus(100, false, 1, 1, 0, new Path("/x/batch-c")));
        assertThat(Compactor.oldestWithin(large, 10)).extracting(file -> file.getPath().getName()).containsExactly("batch-a", "batch-b");
    }

    @Test
    void aMetastoreThatFailsTheSwitchLeavesTheNewGenerationForTheNextRun() throws Exception {
        for (long batchId = 0; batchId < 4; batchId++) {
            batch(batchId, 20);
        }
        metastore.refuseSwitches = true;
        assertThatThrownBy(() -> compactor().run(LakeTable.CASH_TRANSACTIONS, DAY, true)).hasMessage("metastore unavailable");
        assertExact(LakeTable.CASH_TRANSACTIONS, "while the metastore refuses");
        metastore.refuseSwitches = false;
        PartitionOutcome next = compactor().run(LakeTable.CASH_TRANSACTIONS, DAY, true);
        assertThat(next.steps()).containsExactly(
                "switched the metastore from " + layout.home(LakeTable.CASH_TRANSACTIONS, DAY) + " to gen-0001, which an interrupted run had put in place",
                "retired gen-0000");
        assertExact(LakeTable.CASH_TRANSACTIONS, "once the metastore followed");
    }

    @Test
    void theLineageOfACompactedDayIsStillServed() throws Exception {
        LineageStore store = new LineageStore(fileSystem, committer, (table, values) -> values.forEach(value -> metastore.register(layout, table, value)));
        for (long batchId = 0; batchId < 6; batchId++) {
            Instant batchTime = Instant.parse(DAY + "T10:00:00Z").plusSeconds(batchId);
            store.record(new BatchLineage(batchId, QUERY, "run-1", TOPIC, Map.of(0, batchId * 10), Map.of(0, batchId * 10 + 10),
                    Map.of(LakeTable.CASH_TRANSACTIONS, 10L), Map.of("cash_transactions", 1), Map.of("cash_transactions", List.of(DAY)),
                    100, 40, 60, batchTime, batchTime.plusMillis(500)));
        }
        PartitionOutcome outcome = compactor().run(ServiceTable.LAKE_BATCHES, DAY, true);
        assertThat(outcome.action()).isEqualTo(PartitionOutcome.Action.COMPACTED);
        clock.advance(GRACE);
        compactor().run(ServiceTable.LAKE_BATCHES, DAY, true);
        assertThat(names(layout.home(ServiceTable.LAKE_BATCHES, DAY))).isEmpty();

        LineageStore reopened = new LineageStore(fileSystem, new BatchFileCommitter(fileSystem, new Path(folder.toUri())), (table, values) -> { });
        assertThat(reopened.recent(4)).extracting(BatchLineage::batchId).containsExactly(5L, 4L, 3L, 2L);
        BatchLineage third = reopened.byId(3, Optional.empty()).orElseThrow();
        assertThat(third.endOffsets()).isEqualTo(Map.of(0, 40L));
        assertThat(third.batchTime()).isEqualTo(Instant.parse(DAY + "T10:00:03Z"));
        assertThat(reopened.byId(3, Optional.of("another-query"))).isEmpty();
        assertThat(reopened.byId(99, Optional.empty())).isEmpty();
    }
}
