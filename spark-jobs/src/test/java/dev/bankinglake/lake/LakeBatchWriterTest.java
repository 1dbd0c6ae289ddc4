package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.table.PartitionRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeBatchWriterTest {
    private static final String QUERY = "5a1f0c2e-6a3b-4c1d-8e9f-0123456789ab";
    private static SparkSession spark;

    @TempDir
    java.nio.file.Path lake;

    /** Records what the writer hands to the metastore registration. */
    private static final class RecordedRegistration implements PartitionRegistration {
        final Map<TableDefinition, Set<String>> partitions = new HashMap<>();

        @Override
        public synchronized void partitionsCommitted(TableDefinition table, Set<String> values) {
            partitions.computeIfAbsent(table, key -> new TreeSet<>()).addAll(values);
        }
    }

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("lake-batch-writer-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private List<String> lakeFiles() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(lake)) {
            return files.filter(Files::isRegularFile).map(file -> lake.relativize(file).toString())
                    .filter(name -> !name.contains("/.") && !name.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void writesEachTableOnceAndAReplayChangesNothing() throws Exception {
        SampleEvents samples = new SampleEvents(11);
        List<String> values = new ArrayList<>();
        Map<LakeTable, Long> expected = new EnumMap<>(LakeTable.class);
        Instant[] days = {Instant.parse("2026-11-20T10:00:00.000Z"), Instant.parse("2026-11-21T10:00:00.000Z")};
        for (int index = 0; index < 40; index++) {
            EventType type = samples.nextType();
            values.add(SampleEvents.toJson(samples.event(type, days[index % 2])));
            expected.merge(type.table(), 1L, Long::sum);
        }
        values.add("garbage");
        expected.put(LakeTable.REJECTED_EVENTS, 1L);
        Dataset<Row> batch = KafkaRows.of(spark, values);
        FileSystem fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        RecordedRegistration registration = new RecordedRegistration();
        LakeBatchWriter writer = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(lake.toUri())), registration);

        LakeBatchWriter.BatchOutcome first = writer.write(batch, 5, QUERY);
        List<String> filesAfterFirst = lakeFiles();
        LakeBatchWriter.BatchOutcome replay = writer.write(batch, 5, QUERY);

        for (LakeTable table : LakeTable.values()) {
            assertThat(first.rows(table)).as("rows of %s", table.tableName()).isEqualTo(expected.getOrDefault(table, 0L));
            long stored = spark.read().parquet(lake.resolve(table.tableName()).toString()).count();
            assertThat(stored).as("stored rows of %s", table.tableName()).isEqualTo(expected.getOrDefault(table, 0L));
        }
        assertThat(filesAfterFirst).allMatch(file -> file.matches("[a-z_]+/dt=2026-11-2[01]/batch-0000000000000000005-" + QUERY + "-00000\\.snappy\\.parquet"));
        assertThat(lakeFiles()).isEqualTo(filesAfterFirst);
        assertThat(replay.filesRenamed()).isZero();
        assertThat(replay.filesAlreadyPresent()).isEqualTo(first.filesRenamed());
        assertThat(registration.partitions.get(LakeTable.ASSET_PRICES)).containsExactly("2026-11-20", "2026-11-21");
        assertThat(registration.partitions.get(LakeTable.REJECTED_EVENTS)).containsExactly("2026-11-21");
    }

    /** Kafka rows of two partitions, one Spark partition each, in the given order of Kafka partitions. */
    private static Dataset<Row> twoPartitions(List<String> values, int... order) {
        List<Row> rows = new ArrayList<>();
        for (int partition : order) {
            for (int index = partition; index < values.size(); index += 2) {
                rows.add(org.apache.spark.sql.RowFactory.create(null, values.get(index).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        KafkaRows.TOPIC, partition, (long) index / 2, java.sql.Timestamp.from(KafkaRows.KAFKA_TIME), 0));
            }
        }
        org.apache.spark.api.java.JavaSparkContext context = org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(context.parallelize(rows, 2), KafkaRows.SCHEMA);
    }

    @Test
    void aLargeBatchInOneJobGivesSparksOwnWriteAndAReplayInAnotherTaskOrderCompletesItExactly() throws Exception {
        SampleEvents samples = new SampleEvents(31);
        List<String> values = new ArrayList<>();
        Instant[] days = {Instant.parse("2026-11-20T23:59:59.999Z"), Instant.parse("2026-11-21T00:00:00.000Z")};
        for (int index = 0; index < 60; index++) {
            values.add(SampleEvents.toJson(samples.event(samples.nextType(), days[(index / 2) % 2])));
        }
        values.set(7, "garbage");
        values.set(10, "{\"event_type\": \"make_deposit\", \"amount\": \"lots\"}");
        Dataset<Row> batch = twoPartitions(values, 0, 1);
        FileSystem fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        RecordedRegistration registration = new RecordedRegistration();
        LakeBatchWriter writer = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(lake.resolve("lake").toUri())), registration);

        LakeBatchWriter.BatchOutcome first = writer.write(batch, 3, QUERY);
        List<String> files = filesUnder(lake.resolve("lake"));
        // as if the first attempt stopped half-way through its commit: the second files are not there
        List<String> second = files.stream().filter(file -> file.endsWith("-00001.snappy.parquet")).toList();
        for (String file : second) {
            Files.delete(lake.resolve("lake").resolve(file));
        }
        LakeBatchWriter.BatchOutcome replay = writer.write(twoPartitions(values, 1, 0), 3, QUERY);

        assertThat(first.rows().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(values.size());
        assertThat(first.rows(LakeTable.REJECTED_EVENTS)).isEqualTo(2);
        // one file per table, day and Kafka partition, numbered in the order of the Kafka partitions
        assertThat(files).isNotEmpty().allMatch(file -> file.matches("[a-z_]+/dt=2026-11-2[01]/batch-0000000000000000003-" + QUERY + "-0000[01]\\.snappy\\.parquet"));
        assertThat(second).isNotEmpty();
        assertThat(filesUnder(lake.resolve("lake"))).isEqualTo(files);
        assertThat(replay.filesRenamed()).isEqualTo(second.size());
        assertThat(replay.filesAlreadyPresent()).isEqualTo(first.filesRenamed() - second.size());
        assertThat(filesUnder(lake.resolve("lake/_staging"))).isEmpty();

        Dataset<Row> validated = EventValidation.validate(batch);
        for (LakeTable table : LakeTable.values()) {
            if (first.rows(table) == 0) {
                continue;
            }
            java.nio.file.Path reference = lake.resolve("spark").resolve(table.tableName());
            TableRows.rowsFor(validated, table).coalesce(1).write().partitionBy(LakeTable.PARTITION_COLUMN.name()).parquet(reference.toString());
            List<String> expected = spark.read().parquet(reference.toString()).collectAsList().stream().map(Row::toString).sorted().toList();
            List<String> actual = spark.read().parquet(lake.resolve("lake").resolve(table.tableName()).toString()).collectAsList().stream()
                    .map(Row::toString).sorted().toList();
            assertThat(actual).as("rows of %s", table.tableName()).hasSize((int) first.rows(table)).isEqualTo(expected);
            java.nio.file.Path sparkFile = lake.resolve("spark").resolve(filesUnder(reference).stream()
                    .filter(name -> name.endsWith(".parquet")).findFirst().map(name -> table.tableName() + "/" + name).orElseThrow());
            java.nio.file.Path lakeFile = lake.resolve("lake").resolve(files.stream().filter(name -> name.startsWith(table.tableName() + "/")).findFirst().orElseThrow());
            assertThat(footer(lakeFile).getSchema()).as("schema of %s", table.tableName()).isEqualTo(footer(sparkFile).getSchema());
            assertThat(footer(lakeFile).getKeyValueMetaData()).as("metadata of %s", table.tableName()).isEqualTo(footer(sparkFile).getKeyValueMetaData());
        }
        assertThat(registration.partitions.get(LakeTable.ASSET_PRICES)).containsExactly("2026-11-20", "2026-11-21");
        // columns with a value per row are written plain; the others keep their dictionaries
        java.nio.file.Path pricesFile = lake.resolve("lake").resolve(files.stream().filter(name -> name.startsWith("asset_prices/")).findFirst().orElseThrow());
        assertThat(encodings(pricesFile, "raw_event")).doesNotContain(org.apache.parquet.column.Encoding.PLAIN_DICTIONARY,
                org.apache.parquet.column.Encoding.RLE_DICTIONARY);
        assertThat(encodings(pricesFile, "event_id")).doesNotContain(org.apache.parquet.column.Encoding.PLAIN_DICTIONARY,
                org.apache.parquet.column.Encoding.RLE_DICTIONARY);
        assertThat(encodings(pricesFile, "event_type")).containsAnyOf(org.apache.parquet.column.Encoding.PLAIN_DICTIONARY,
                org.apache.parquet.column.Encoding.RLE_DICTIONARY);
    }

    private static Set<org.apache.parquet.column.Encoding> encodings(java.nio.file.Path file, String column) throws IOException {
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new Path(file.toUri()), spark.sparkContext().hadoopConfiguration()))) {
            return reader.getFooter().getBlocks().get(0).getColumns().stream().filter(chunk -> chunk.getPath().toDotString().equals(column))
                    .findFirst().orElseThrow(() -> new AssertionError("no column " + column + " in " + file)).getEncodings();
        }
    }

    @Test
    void aSmallBatchWrittenFromTheDriverGivesTheSameFilesAsTheSparkWrite() throws Exception {
        SampleEvents samples = new SampleEvents(23);
        List<String> values = new ArrayList<>();
        Instant[] days = {Instant.parse("2026-11-20T23:59:59.999Z"), Instant.parse("2026-11-21T00:00:00.000Z")};
        for (int index = 0; index < 30; index++) {
            values.add(SampleEvents.toJson(samples.event(samples.nextType(), days[index % 2])));
        }
        values.add("garbage");
        values.add("{\"event_type\": \"make_deposit\", \"amount\": \"lots\"}");
        Dataset<Row> batch = KafkaRows.of(spark, values);
        FileSystem fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        java.nio.file.Path sparkLake = lake.resolve("spark");
        java.nio.file.Path driverLake = lake.resolve("driver");
        RecordedRegistration sparkRegistration = new RecordedRegistration();
        RecordedRegistration driverRegistration = new RecordedRegistration();
        LakeBatchWriter sparkWriter = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(sparkLake.toUri())), sparkRegistration);
        List<Long> asked = new ArrayList<>();
        LakeBatchWriter driverWriter = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(driverLake.toUri())), driverRegistration,
                LakeBatchWriter.CommitHook.NONE, Set.of(dev.bankinglake.contract.EventContract.SCHEMA_VERSION), batchId -> {
                    asked.add(batchId);
                    return java.util.Optional.of(new KafkaRange(KafkaRows.TOPIC, Map.of(), Map.of(0, (long) values.size())));
                }, LakeBatchWriter.MessageReader.NONE);

        LakeBatchWriter.BatchOutcome bySpark = sparkWriter.write(batch, 9, QUERY);
        LakeBatchWriter.BatchOutcome byDriver = driverWriter.write(batch, 9, QUERY);
        LakeBatchWriter.BatchOutcome replay = driverWriter.write(batch, 9, QUERY);

        assertThat(asked).containsExactly(9L, 9L);
        // the compiled flattening, not the planning of a local copy at every batch, is what wrote them
        assertThat(SmallBatchFiles.Flattening.plan(spark, batch.schema(), Set.of(dev.bankinglake.contract.EventContract.SCHEMA_VERSION))).isPresent();
        assertThat(byDriver.rows()).isEqualTo(bySpark.rows());
        assertThat(filesUnder(driverLake)).isNotEmpty().isEqualTo(filesUnder(sparkLake));
        assertThat(driverRegistration.partitions).isEqualTo(sparkRegistration.partitions);
        assertThat(replay.filesRenamed()).isZero();
        assertThat(replay.filesAlreadyPresent()).isEqualTo(byDriver.filesRenamed());
        for (String file : filesUnder(sparkLake)) {
            assertThat(footer(driverLake.resolve(file)).getSchema()).as("schema of %s", file).isEqualTo(footer(sparkLake.resolve(file)).getSchema());
            assertThat(footer(driverLake.resolve(file)).getKeyValueMetaData()).as("metadata of %s", file)
                    .isEqualTo(footer(sparkLake.resolve(file)).getKeyValueMetaData());
        }
        for (LakeTable table : LakeTable.values()) {
            if (bySpark.rows(table) == 0) {
                continue;
            }
            List<String> expected = spark.read().parquet(sparkLake.resolve(table.tableName()).toString()).collectAsList().stream()
                    .map(Row::toString).sorted().toList();
            List<String> actual = spark.read().parquet(driverLake.resolve(table.tableName()).toString()).collectAsList().stream()
                    .map(Row::toString).sorted().toList();
            assertThat(actual).as("rows of %s", table.tableName()).hasSize((int) bySpark.rows(table)).isEqualTo(expected);
        }
    }

    @Test
    void aSmallBatchReadOnTheDriverGivesTheSameFilesAsTheSparkRead() throws Exception {
        SampleEvents samples = new SampleEvents(29);
        List<String> values = new ArrayList<>();
        Instant[] days = {Instant.parse("2026-11-20T23:59:59.999Z"), Instant.parse("2026-11-21T00:00:00.000Z")};
        for (int index = 0; index < 20; index++) {
            values.add(SampleEvents.toJson(samples.event(samples.nextType(), days[index % 2])));
        }
        values.add("garbage");
        values.add(null);
        Dataset<Row> batch = KafkaRows.of(spark, values);
        List<org.apache.spark.sql.catalyst.InternalRow> messages = new ArrayList<>();
        for (int offset = 0; offset < values.size(); offset++) {
            byte[] value = values.get(offset) == null ? null : values.get(offset).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            messages.add(DriverKafkaReader.toRow(new org.apache.kafka.clients.consumer.ConsumerRecord<>(KafkaRows.TOPIC, 0, offset,
                    KafkaRows.KAFKA_TIME.toEpochMilli(), org.apache.kafka.common.record.TimestampType.CREATE_TIME, -1, -1, null, value,
                    new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty()), false));
        }
        FileSystem fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        java.nio.file.Path sparkLake = lake.resolve("spark");
        java.nio.file.Path driverLake = lake.resolve("driver");
        KafkaRange range = new KafkaRange(KafkaRows.TOPIC, Map.of(), Map.of(0, (long) values.size()));
        Set<Integer> versions = Set.of(dev.bankinglake.contract.EventContract.SCHEMA_VERSION);
        LakeBatchWriter sparkRead = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(sparkLake.toUri())), (table, partitions) -> { },
                LakeBatchWriter.CommitHook.NONE, versions, batchId -> java.util.Optional.of(range), LakeBatchWriter.MessageReader.NONE);
        List<KafkaRange> asked = new ArrayList<>();
        LakeBatchWriter driverRead = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(driverLake.toUri())), (table, partitions) -> { },
                LakeBatchWriter.CommitHook.NONE, versions, batchId -> java.util.Optional.of(range), (batchId, asRange, schema) -> {
                    asked.add(asRange);
                    return java.util.Optional.of(messages);
                });

        LakeBatchWriter.BatchOutcome bySpark = sparkRead.write(batch, 4, QUERY);
        // the batch's own rows are not read: an empty batch of the same schema gives the same files
        LakeBatchWriter.BatchOutcome byDriver = driverRead.write(KafkaRows.of(spark, List.of()), 4, QUERY);

        assertThat(asked).containsExactly(range);
        assertThat(byDriver.rows()).isEqualTo(bySpark.rows());
        assertThat(filesUnder(driverLake)).isNotEmpty().isEqualTo(filesUnder(sparkLake));
        for (LakeTable table : LakeTable.values()) {
            if (bySpark.rows(table) == 0) {
                continue;
            }
            List<String> expected = spark.read().parquet(sparkLake.resolve(table.tableName()).toString()).collectAsList().stream()
                    .map(Row::toString).sorted().toList();
            List<String> actual = spark.read().parquet(driverLake.resolve(table.tableName()).toString()).collectAsList().stream()
                    .map(Row::toString).sorted().toList();
            assertThat(actual).as("rows of %s", table.tableName()).hasSize((int) bySpark.rows(table)).isEqualTo(expected);
        }
    }

    private static List<String> filesUnder(java.nio.file.Path root) throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(file -> root.relativize(file).toString())
                    .filter(name -> !name.contains("/.") && !name.startsWith(".")).sorted().toList();
        }
    }

    private static org.apache.parquet.hadoop.metadata.FileMetaData footer(java.nio.file.Path file) throws IOException {
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new Path(file.toUri()), spark.sparkContext().hadoopConfiguration()))) {
            return reader.getFooter().getFileMetaData();
        }
    }

    @Test
    void writesTimestampsAsInt96AndMoneyAsFixedLengthDecimals() throws Exception {
        String event = SampleEvents.toJson(new SampleEvents(2).event(EventType.MAKE_DEPOSIT, Instant.parse("2026-11-20T22:08:28.123Z")));
        FileSystem fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        LakeBatchWriter writer = new LakeBatchWriter(new BatchFileCommitter(fileSystem, new Path(lake.toUri())), (table, values) -> { });

        writer.write(KafkaRows.of(spark, List.of(event)), 0, QUERY);

        java.nio.file.Path file = lake.resolve("cash_transactions/dt=2026-11-20").resolve(BatchFileCommitter.fileName(0, QUERY, 0));
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new Path(file.toUri()), spark.sparkContext().hadoopConfiguration()))) {
            org.apache.parquet.schema.MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            assertThat(schema.getType("event_time").asPrimitiveType().getPrimitiveTypeName())
                    .isEqualTo(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT96);
            assertThat(schema.getType("amount").asPrimitiveType().getPrimitiveTypeName())
                    .isEqualTo(org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY);
            assertThat(schema.getFields()).extracting(org.apache.parquet.schema.Type::getName)
                    .containsExactlyElementsOf(LakeTable.CASH_TRANSACTIONS.columnNames());
        }
    }
}
