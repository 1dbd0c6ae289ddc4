package dev.bankinglake.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.contract.Column;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionRegistration;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Keeps the lineage of committed batches in the lake table {@code lake_batches}: one small Parquet
 * file per batch, written inside the batch (before Spark records it as done) and committed through
 * the same staging-and-rename as the data, so a replayed batch leaves exactly one lineage row. The
 * file is written with Parquet's own writer rather than a Spark job: one row does not pay for a job.
 */
public final class LineageStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LineageStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ServiceTable TABLE = ServiceTable.LAKE_BATCHES;
    private static final String PARTITION_PREFIX = LakeTable.PARTITION_COLUMN.name() + "=";
    private static final long JULIAN_DAY_OF_EPOCH = 2_440_588L;
    private static final int CACHE_SIZE = 2_000;
    public static final int MAX_LIMIT = 1_000;

    private final FileSystem fileSystem;
    private final BatchFileCommitter committer;
    private final PartitionRegistration registration;
    private final MessageType schema;
    private final Map<String, BatchLineage> cache = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, BatchLineage> eldest) {
            return size() > CACHE_SIZE;
        }
    });

    public LineageStore(FileSystem fileSystem, BatchFileCommitter committer, PartitionRegistration registration) {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.committer = requireNonNull(committer, "committer is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.schema = schema();
    }

    /** The Parquet schema of the table, from the contract: Hive-compatible types, INT96 timestamps. */
    static MessageType schema() {
        Types.MessageTypeBuilder builder = Types.buildMessage();
        for (Column column : TABLE.columns()) {
            switch (column.type()) {
                case STRING -> builder.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(column.name());
                case BIGINT -> builder.optional(PrimitiveTypeName.INT64).named(column.name());
                case INT -> builder.optional(PrimitiveTypeName.INT32).named(column.name());
                case TIMESTAMP -> builder.optional(PrimitiveTypeName.INT96).named(column.name());
                default -> throw new IllegalStateException("Column type " + column.type() + " of " + column.name() + " is not written by the lineage store");
            }
        }
        return builder.named("spark_schema");
    }

    /** Writes and commits the lineage of a batch; a replay of a committed batch changes nothing. */
    public void record(BatchLineage lineage) throws IOException {
        long started = System.nanoTime();
        Path staging = committer.prepareStaging(TABLE, lineage.batchId());
        long prepared = System.nanoTime();
        String day = LocalDate.ofInstant(lineage.batchTime(), ZoneOffset.UTC).toString();
        Path file = BatchFileCommitter.stagedFile(staging, day, "part-00000.snappy.parquet");
        Configuration configuration = fileSystem.getConf();
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(file)
                .withConf(configuration)
                .withType(schema)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            writer.write(toGroup(lineage));
        }
        long written = System.nanoTime();
        BatchFileCommitter.Committed committed = committer.commitStaged(TABLE, lineage.batchId(), lineage.queryId(), Map.of(day, List.of(file)));
        registration.partitionsCommitted(TABLE, committed.partitions());
        cache.put(fileName(day, lineage), lineage);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Lineage of batch {}: staging {} ms, file {} ms, commit {} ms", lineage.batchId(), TimeUnit.NANOSECONDS.toMillis(prepared - started),
                    TimeUnit.NANOSECONDS.toMillis(written - prepared), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
        }
    }

    private static String fileName(String day, BatchLineage lineage) {
        return PARTITION_PREFIX + day + "/" + BatchFileCommitter.fileName(lineage.batchId(), lineage.queryId(), 0);
    }

    /** The newest batches, newest first, at most {@code limit} (1 to {@value #MAX_LIMIT}). */
    public List<BatchLineage> recent(int limit) throws IOException {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("Invalid limit: " + limit + " (must be 1 to " + MAX_LIMIT + ")");
        }
        List<BatchLineage> result = new ArrayList<>();
        for (FileStatus partition : sortedDescending(list(committer.tableFolder(TABLE)))) {
            if (!partition.isDirectory() || !partition.getPath().getName().startsWith(PARTITION_PREFIX)) {
                continue;
            }
            List<FileStatus> files = sortedDescending(list(currentLocation(partition)));
            if (files.stream().anyMatch(LineageStore::isCompactedFile)) {
                // a compacted day: its batches are rows of a few files, read them all (a closed day holds one day's batches)
                List<BatchLineage> batches = new ArrayList<>();
                for (FileStatus file : files) {
                    if (isCompactedFile(file)) {
                        batches.addAll(readAll(file.getPath(), null));
                    }
                    else if (isLineageFile(file)) {
                        batches.add(read(file.getPath()));
                    }
                }
                batches.sort(Comparator.comparing(BatchLineage::batchId).thenComparing(BatchLineage::queryId).reversed());
                for (BatchLineage batch : batches) {
                    result.add(batch);
                    if (result.size() == limit) {
                        return result;
                    }
                }
                continue;
            }
            for (FileStatus file : files) {
                if (isLineageFile(file)) {
                    result.add(read(file.getPath()));
                    if (result.size() == limit) {
                        return result;
                    }
                }
            }
        }
        return result;
    }

    /** Where a day's lineage files are now: its home folder, or the compacted generation that took them over. */
    private Path currentLocation(FileStatus partition) throws IOException {
        String day = partition.getPath().getName().substring(PARTITION_PREFIX.length());
        return committer.layout().current(TABLE, day).path();
    }

    /** The lineage of a batch of the given query, or of any query when none is given (the newest such batch). */
    public Optional<BatchLineage> byId(long batchId, Optional<String> queryId) throws IOException {
        String prefix = String.format("batch-%019d-", batchId);
        List<BatchLineage> candidates = new ArrayList<>();
        for (FileStatus partition : list(committer.tableFolder(TABLE))) {
            if (!partition.isDirectory() || !partition.getPath().getName().startsWith(PARTITION_PREFIX)) {
                continue;
            }
            for (FileStatus file : list(currentLocation(partition))) {
                if (isLineageFile(file) && file.getPath().getName().startsWith(prefix)) {
                    candidates.add(read(file.getPath()));
                }
                else if (isCompactedFile(file)) {
                    candidates.addAll(readAll(file.getPath(), batchId));
                }
            }
        }
        BatchLineage newest = null;
        for (BatchLineage lineage : candidates) {
            if (queryId.isPresent() && !queryId.get().equals(lineage.queryId())) {
                continue;
            }
            if (newest == null || lineage.committedAt().isAfter(newest.committedAt())) {
                newest = lineage;
            }
        }
        return Optional.ofNullable(newest);
    }

    private static boolean isCompactedFile(FileStatus file) {
        return file.isFile() && PartitionLayout.isCompactedFile(file.getPath().getName());
    }

    /** Every row of a compacted lineage file, or only those of one batch id (row groups without it are skipped). */
    private List<BatchLineage> readAll(Path file, Long batchId) throws IOException {
        ParquetReader.Builder<Group> builder = ParquetReader.builder(new GroupReadSupport(), file).withConf(fileSystem.getConf());
        if (batchId != null) {
            builder = builder.withFilter(FilterCompat.get(FilterApi.eq(FilterApi.longColumn(ServiceTable.BATCH_ID.name()), batchId)));
        }
        List<BatchLineage> rows = new ArrayList<>();
        try (ParquetReader<Group> reader = builder.build()) {
            Group group;
            while ((group = reader.read()) != null) {
                rows.add(fromGroup(group));
            }
        }
        return rows;
    }

    private static boolean isLineageFile(FileStatus file) {
        String name = file.getPath().getName();
        return file.isFile() && name.startsWith("batch-") && name.endsWith(".parquet");
    }

    private BatchLineage read(Path file) throws IOException {
        String key = file.getParent().getName() + "/" + file.getName();
        BatchLineage cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), file).withConf(fileSystem.getConf()).build()) {
            Group group = reader.read();
            if (group == null) {
                throw new IOException("Lineage file " + file + " holds no row");
            }
            BatchLineage lineage = fromGroup(group);
            cache.put(key, lineage);
            return lineage;
        }
    }

    private List<FileStatus> list(Path folder) throws IOException {
        try {
            return Arrays.asList(fileSystem.listStatus(folder));
        }
        catch (FileNotFoundException e) {
            return List.of();
        }
    }

    private static List<FileStatus> sortedDescending(List<FileStatus> statuses) {
        List<FileStatus> sorted = new ArrayList<>(statuses);
        sorted.sort(Comparator.comparing((FileStatus status) -> status.getPath().getName()).reversed());
        return sorted;
    }

    Group toGroup(BatchLineage lineage) throws JsonProcessingException {
        Group group = new SimpleGroupFactory(schema).newGroup();
        group.add(ServiceTable.BATCH_ID.name(), lineage.batchId());
        group.add(ServiceTable.QUERY_ID.name(), lineage.queryId());
        group.add(ServiceTable.RUN_ID.name(), lineage.runId());
        group.add(ServiceTable.KAFKA_TOPIC.name(), lineage.topic());
        group.add(ServiceTable.START_OFFSETS.name(), JSON.writeValueAsString(new TreeMap<>(lineage.startOffsets())));
        group.add(ServiceTable.END_OFFSETS.name(), JSON.writeValueAsString(new TreeMap<>(lineage.endOffsets())));
        group.add(ServiceTable.OFFSETS_CONSUMED.name(), lineage.offsetsConsumed());
        for (LakeTable table : LakeTable.values()) {
            group.add(ServiceTable.rowsColumn(table).name(), lineage.rows(table));
        }
        group.add(ServiceTable.FILES_COMMITTED.name(), JSON.writeValueAsString(new TreeMap<>(lineage.files())));
        group.add(ServiceTable.PARTITIONS_COMMITTED.name(), JSON.writeValueAsString(new TreeMap<>(lineage.partitions())));
        group.add(ServiceTable.DURATION_MS.name(), lineage.durationMs());
        group.add(ServiceTable.PARSE_MS.name(), lineage.parseMs());
        group.add(ServiceTable.WRITE_MS.name(), lineage.writeMs());
        group.add(ServiceTable.BATCH_TIME.name(), int96(lineage.batchTime()));
        group.add(ServiceTable.COMMITTED_AT.name(), int96(lineage.committedAt()));
        return group;
    }

    static BatchLineage fromGroup(Group group) throws IOException {
        Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            rows.put(table, group.getLong(ServiceTable.rowsColumn(table).name(), 0));
        }
        return new BatchLineage(
                group.getLong(ServiceTable.BATCH_ID.name(), 0),
                group.getString(ServiceTable.QUERY_ID.name(), 0),
                group.getString(ServiceTable.RUN_ID.name(), 0),
                group.getString(ServiceTable.KAFKA_TOPIC.name(), 0),
                JSON.readValue(group.getString(ServiceTable.START_OFFSETS.name(), 0), new TypeReference<Map<Integer, Long>>() { }),
                JSON.readValue(group.getString(ServiceTable.END_OFFSETS.name(), 0), new TypeReference<Map<Integer, Long>>() { }),
                rows,
                JSON.readValue(group.getString(ServiceTable.FILES_COMMITTED.name(), 0), new TypeReference<Map<String, Integer>>() { }),
                JSON.readValue(group.getString(ServiceTable.PARTITIONS_COMMITTED.name(), 0), new TypeReference<Map<String, List<String>>>() { }),
                group.getLong(ServiceTable.DURATION_MS.name(), 0),
                group.getLong(ServiceTable.PARSE_MS.name(), 0),
                group.getLong(ServiceTable.WRITE_MS.name(), 0),
                fromInt96(group.getInt96(ServiceTable.BATCH_TIME.name(), 0)),
                fromInt96(group.getInt96(ServiceTable.COMMITTED_AT.name(), 0)));
    }

    /** Hive's INT96 timestamp: nanoseconds of the day, then the Julian day, both little-endian. */
    static Binary int96(Instant instant) {
        long epochDay = Math.floorDiv(instant.getEpochSecond(), TimeUnit.DAYS.toSeconds(1));
        long nanosOfDay = TimeUnit.SECONDS.toNanos(instant.getEpochSecond() - TimeUnit.DAYS.toSeconds(epochDay)) + instant.getNano();
        ByteBuffer buffer = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(nanosOfDay);
        buffer.putInt((int) (epochDay + JULIAN_DAY_OF_EPOCH));
        return Binary.fromConstantByteArray(buffer.array());
    }

    static Instant fromInt96(Binary binary) {
        ByteBuffer buffer = binary.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = buffer.getLong();
        long epochDay = buffer.getInt() - JULIAN_DAY_OF_EPOCH;
        return Instant.ofEpochSecond(TimeUnit.DAYS.toSeconds(epochDay)).plusNanos(nanosOfDay);
    }
}
