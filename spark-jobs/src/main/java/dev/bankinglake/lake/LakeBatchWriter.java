package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.table.PartitionRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body of each micro-batch: the topic's rows are read and validated once, then every table's
 * share is written to staging and committed under deterministic names, and the new partitions are
 * handed to the metastore registration.
 */
public final class LakeBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LakeBatchWriter.class);

    /** Spark sets this local property on the thread that runs a streaming query's batches. */
    static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    /**
     * What one batch wrote: rows per table, and the files and partitions committed per table;
     * {@code duration} is the read, parse, write and commit of the tables, {@code rangeDuration} the
     * look-up of the batch's offsets before it and {@code hookDuration} the commit hook (the lineage
     * row) after it.
     */
    /**
     * What one batch wrote. {@code oldestRecord}: the oldest Kafka timestamp among its messages (the
     * API's producer stamps an event as the API accepts it), empty for a batch without messages.
     */
    public record BatchOutcome(long batchId, Map<LakeTable, Long> rows, Duration duration, Duration parseDuration,
            Map<LakeTable, BatchFileCommitter.Committed> committed, Duration rangeDuration, Duration hookDuration,
            Optional<Instant> oldestRecord) {
        public BatchOutcome {
            rows = Map.copyOf(rows);
            requireNonNull(duration, "duration is null");
            requireNonNull(parseDuration, "parseDuration is null");
            committed = Map.copyOf(committed);
            requireNonNull(rangeDuration, "rangeDuration is null");
            requireNonNull(hookDuration, "hookDuration is null");
            requireNonNull(oldestRecord, "oldestRecord is null");
        }

        public BatchOutcome(long batchId, Map<LakeTable, Long> rows, Duration duration, Duration parseDuration,
                Map<LakeTable, BatchFileCommitter.Committed> committed, Optional<Instant> oldestRecord) {
            this(batchId, rows, duration, parseDuration, committed, Duration.ZERO, Duration.ZERO, oldestRecord);
        }

        BatchOutcome withRangeDuration(Duration range) {
            return new BatchOutcome(batchId, rows, duration, parseDuration, committed, range, hookDuration, oldestRecord);
        }

        BatchOutcome withHookDuration(Duration hook) {
            return new BatchOutcome(batchId, rows, duration, parseDuration, committed, rangeDuration, hook, oldestRecord);
        }

        public int filesRenamed() {
            return committed.values().stream().mapToInt(BatchFileCommitter.Committed::filesRenamed).sum();
        }

        public int filesAlreadyPresent() {
            return committed.values().stream().mapToInt(BatchFileCommitter.Committed::filesAlreadyPresent).sum();
        }

        public long rows(LakeTable table) {
            return rows.getOrDefault(table, 0L);
        }
    }

    /** Runs inside the batch once its files are committed, before Spark records the batch as done. */
    @FunctionalInterface
    public interface CommitHook {
        void batchCommitted(BatchOutcome outcome, String queryId) throws Exception;

        CommitHook NONE = (outcome, queryId) -> { };
    }

    /** The Kafka offsets a batch reads, when they can be told before reading it. */
    @FunctionalInterface
    public interface BatchRange {
        java.util.Optional<KafkaRange> range(long batchId) throws Exception;

        BatchRange UNKNOWN = batchId -> java.util.Optional.empty();
    }

    /**
     * Reads a small batch's messages without a Spark job, as the rows of the Kafka source's
     * {@code schema}; empty when it cannot, and the batch's own Spark read is used.
     */
    @FunctionalInterface
    public interface MessageReader {
        java.util.Optional<List<org.apache.spark.sql.catalyst.InternalRow>> read(long batchId, KafkaRange range,
                org.apache.spark.sql.types.StructType schema);

        MessageReader NONE = (batchId, range, schema) -> java.util.Optional.empty();
    }

    /** Batches of at most this many messages are written from the driver ({@link SmallBatchFiles}). */
    public static final long SMALL_BATCH_MESSAGES = 10_000;

    private final transient BatchFileCommitter committer;
    private final transient PartitionRegistration registration;
    private final transient CommitHook commitHook;
    private final transient java.util.Set<Integer> schemaVersions;
    private final transient BatchRange batchRange;
    private final transient MessageReader messageReader;
    // planned at the first batch, used by every later one (batches run one at a time)
    private transient java.util.Optional<SmallBatchFiles.Flattening> flattening;
    // prepared at the first large batch of a session
    private transient OnePassBatchFiles onePass;
    private final transient Map<Long, BatchOutcome> outcomes = new ConcurrentHashMap<>();
    private final transient ReentrantLock batchLock = new ReentrantLock();

    public LakeBatchWriter(BatchFileCommitter committer, PartitionRegistration registration) {
        this(committer, registration, CommitHook.NONE);
    }

    public LakeBatchWriter(BatchFileCommitter committer, PartitionRegistration registration, CommitHook commitHook) {
        this(committer, registration, commitHook, java.util.Set.of(dev.bankinglake.contract.EventContract.SCHEMA_VERSION));
    }

    /** {@code schemaVersions}: the event schema versions this lake accepts; others are rejected. */
    public LakeBatchWriter(BatchFileCommitter committer, PartitionRegistration registration, CommitHook commitHook,
            java.util.Set<Integer> schemaVersions) {
        this(committer, registration, commitHook, schemaVersions, BatchRange.UNKNOWN, MessageReader.NONE);
    }

    /**
     * {@code batchRange}: tells small batches apart, which are written from the driver without write
     * jobs; {@code messageReader}: reads their messages without a Spark job where it can.
     */
    public LakeBatchWriter(BatchFileCommitter committer, PartitionRegistration registration, CommitHook commitHook,
            java.util.Set<Integer> schemaVersions, BatchRange batchRange, MessageReader messageReader) {
        this.committer = requireNonNull(committer, "committer is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.commitHook = requireNonNull(commitHook, "commitHook is null");
        this.schemaVersions = java.util.Set.copyOf(schemaVersions);
        this.batchRange = requireNonNull(batchRange, "batchRange is null");
        this.messageReader = requireNonNull(messageReader, "messageReader is null");
    }

    /** Held while a batch is written; a clean stop takes it so as not to interrupt a batch half-way. */
    public ReentrantLock batchLock() {
        return batchLock;
    }

    /** Removes and returns what batch {@code batchId} wrote, if this writer ran it. */
    public BatchOutcome takeOutcome(long batchId) {
        return outcomes.remove(batchId);
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
        String queryId = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        if (queryId == null) {
            throw new IllegalStateException("No streaming query id on this thread: " + QUERY_ID_PROPERTY
                    + " must be set (the writer runs inside foreachBatch)");
        }
        batchLock.lockInterruptibly();
        try {
            BatchOutcome outcome = write(batch, batchId, queryId);
            long hookStarted = System.nanoTime();
            commitHook.batchCommitted(outcome, queryId);
            outcomes.put(batchId, outcome.withHookDuration(Duration.ofNanos(System.nanoTime() - hookStarted)));
        }
        finally {
            batchLock.unlock();
        }
    }

    /** Writes one batch; {@code queryId} keeps the file names of different checkpoints apart. */
    public BatchOutcome write(Dataset<Row> batch, long batchId, String queryId) throws Exception {
        long rangeStarted = System.nanoTime();
        java.util.Optional<KafkaRange> range = batchRange.range(batchId);
        Duration rangeDuration = Duration.ofNanos(System.nanoTime() - rangeStarted);
        // the same offsets give the same size, so a replayed batch takes the same path and stages the same files
        if (range.isPresent() && range.get().messages() <= SMALL_BATCH_MESSAGES) {
            return writeSmall(batch, batchId, queryId, range.get()).withRangeDuration(rangeDuration);
        }
        if (flattening == null) {
            flattening = SmallBatchFiles.Flattening.plan(batch.sparkSession(), batch.schema(), schemaVersions);
        }
        if (flattening.isPresent()) {
            return writeOnePass(batch, batchId, queryId).withRangeDuration(rangeDuration);
        }
        long started = System.nanoTime();
        Dataset<Row> validated = EventValidation.validate(batch, schemaVersions).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<LakeTable, Long> rows = countPerTable(validated);
            Row oldest = validated.agg(functions.min(EventValidation.KAFKA_TIMESTAMP)).first();
            Duration parsed = Duration.ofNanos(System.nanoTime() - started);
            Map<LakeTable, BatchFileCommitter.Committed> committed = writeTables(rows, batchId,
                    table -> writeTable(validated, table, batchId, queryId));
            return new BatchOutcome(batchId, rows, Duration.ofNanos(System.nanoTime() - started), parsed, committed,
                    oldest.isNullAt(0) ? Optional.empty() : Optional.of(oldest.getTimestamp(0).toInstant())).withRangeDuration(rangeDuration);
        }
        finally {
            validated.unpersist(false);
        }
    }

    /** A large batch: one Spark job stages every table's files (see {@link OnePassBatchFiles}), then the driver commits them. */
    private BatchOutcome writeOnePass(Dataset<Row> batch, long batchId, String queryId) throws Exception {
        long started = System.nanoTime();
        if (onePass == null || !onePass.plannedFor(batch.sparkSession(), batch.schema())) {
            onePass = OnePassBatchFiles.prepare(batch.sparkSession(), batch.schema(), flattening.get());
        }
        Map<LakeTable, Path> staging = new EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            staging.put(table, committer.prepareStaging(table, batchId));
        }
        List<OnePassBatchFiles.StagedFile> files = onePass.write(batch, staging);
        Map<LakeTable, Long> rows = OnePassBatchFiles.rowsPerTable(files);
        Map<LakeTable, Map<String, List<Path>>> staged = new EnumMap<>(LakeTable.class);
        for (OnePassBatchFiles.StagedFile file : files) {
            staged.computeIfAbsent(file.table(), table -> new java.util.TreeMap<>())
                    .computeIfAbsent(file.partition(), partition -> new java.util.ArrayList<>()).add(new Path(file.path()));
        }
        // the job read, parsed, validated and staged the rows: what follows is the commit
        Duration stagedDuration = Duration.ofNanos(System.nanoTime() - started);
        Map<LakeTable, BatchFileCommitter.Committed> committed = writeTables(rows, batchId, table -> {
            BatchFileCommitter.Committed tableCommitted = committer.commitStaged(table, batchId, queryId, staged.get(table));
            registration.partitionsCommitted(table, tableCommitted.partitions());
            return tableCommitted;
        });
        return new BatchOutcome(batchId, rows, Duration.ofNanos(System.nanoTime() - started), stagedDuration, committed,
                OnePassBatchFiles.oldestKafkaTimestamp(files));
    }

    /** A small batch: one Kafka read, then every table's files from the driver (see {@link SmallBatchFiles}). */
    private BatchOutcome writeSmall(Dataset<Row> batch, long batchId, String queryId, KafkaRange range) throws Exception {
        long started = System.nanoTime();
        if (flattening == null) {
            flattening = SmallBatchFiles.Flattening.plan(batch.sparkSession(), batch.schema(), schemaVersions);
        }
        // the same offsets give the same records either way: the driver's read hands back a record for every offset, or nothing
        java.util.Optional<List<org.apache.spark.sql.catalyst.InternalRow>> messages = flattening.isPresent()
                ? messageReader.read(batchId, range, batch.schema()) : java.util.Optional.empty();
        Map<LakeTable, Map<String, List<org.apache.spark.sql.catalyst.InternalRow>>> perTable = messages.isPresent()
                ? SmallBatchFiles.rowsPerTable(messages.get(), flattening.get())
                : SmallBatchFiles.rowsPerTable(batch, schemaVersions, flattening);
        Map<LakeTable, Long> rows = SmallBatchFiles.counts(perTable);
        Duration parsed = Duration.ofNanos(System.nanoTime() - started);
        Map<LakeTable, BatchFileCommitter.Committed> committed = writeTables(rows, batchId, table -> {
            long tableStarted = System.nanoTime();
            Path staging = committer.prepareStaging(table, batchId);
            long prepared = System.nanoTime();
            Set<String> partitions = SmallBatchFiles.writeStaged(batch.sparkSession(), table, perTable.get(table), staging);
            long written = System.nanoTime();
            Map<String, List<Path>> staged = new java.util.TreeMap<>();
            for (String partition : partitions) {
                staged.put(partition, List.of(BatchFileCommitter.stagedFile(staging, partition, SmallBatchFiles.STAGED_FILE)));
            }
            BatchFileCommitter.Committed tableCommitted = committer.commitStaged(table, batchId, queryId, staged);
            registration.partitionsCommitted(table, tableCommitted.partitions());
            if (LOG.isDebugEnabled()) {
                LOG.debug("Batch {}, {}: staging {} ms, files {} ms, commit {} ms", batchId, table.tableName(),
                        TimeUnit.NANOSECONDS.toMillis(prepared - tableStarted), TimeUnit.NANOSECONDS.toMillis(written - prepared),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
            }
            return tableCommitted;
        });
        return new BatchOutcome(batchId, rows, Duration.ofNanos(System.nanoTime() - started), parsed, committed,
                SmallBatchFiles.oldestKafkaTimestamp(perTable));
    }

    @FunctionalInterface
    private interface TableWrite {
        BatchFileCommitter.Committed write(LakeTable table) throws Exception;
    }

    /** Writes and commits every table that has rows, up to three at a time. */
    private static Map<LakeTable, BatchFileCommitter.Committed> writeTables(Map<LakeTable, Long> rows, long batchId, TableWrite write)
            throws Exception {
        List<LakeTable> tables = rows.keySet().stream().filter(table -> rows.get(table) > 0).toList();
        Map<LakeTable, BatchFileCommitter.Committed> committed = new EnumMap<>(LakeTable.class);
        if (tables.size() == 1) {
            committed.put(tables.get(0), write.write(tables.get(0)));
            return committed;
        }
        ExecutorService writers = Executors.newFixedThreadPool(Math.max(1, Math.min(tables.size(), 3)),
                runnable -> new Thread(runnable, "lake-batch-" + batchId));
        try {
            Map<LakeTable, Future<BatchFileCommitter.Committed>> results = new EnumMap<>(LakeTable.class);
            for (LakeTable table : tables) {
                results.put(table, writers.submit(() -> write.write(table)));
            }
            for (Map.Entry<LakeTable, Future<BatchFileCommitter.Committed>> result : results.entrySet()) {
                committed.put(result.getKey(), unwrap(result.getValue()));
            }
        }
        finally {
            writers.shutdownNow();
        }
        return committed;
    }

    private BatchFileCommitter.Committed commitTable(LakeTable table, long batchId, String queryId) throws Exception {
        BatchFileCommitter.Committed committed = committer.commit(table, batchId, queryId);
        registration.partitionsCommitted(table, committed.partitions());
        return committed;
    }

    private BatchFileCommitter.Committed writeTable(Dataset<Row> validated, LakeTable table, long batchId, String queryId) throws Exception {
        String staging = committer.prepareStaging(table, batchId).toString();
        // One write task per table and batch: the files a batch produces, and so their final
        // names, are the same on every attempt of the batch.
        TableRows.rowsFor(validated, table)
                .coalesce(1)
                .write()
                .mode(SaveMode.Overwrite)
                .partitionBy(LakeTable.PARTITION_COLUMN.name())
                .parquet(staging);
        return commitTable(table, batchId, queryId);
    }

    private static Map<LakeTable, Long> countPerTable(Dataset<Row> validated) {
        Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            rows.put(table, 0L);
        }
        for (Row row : validated.groupBy(EventValidation.LAKE_TABLE).count().collectAsList()) {
            LakeTable table = LakeTable.byTableName(row.getString(0))
                    .orElseThrow(() -> new IllegalStateException("Routed to an unknown table: " + row.getString(0)));
            rows.put(table, row.getLong(1));
        }
        return rows;
    }

    private static <T> T unwrap(Future<T> future) throws Exception {
        try {
            return future.get();
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
