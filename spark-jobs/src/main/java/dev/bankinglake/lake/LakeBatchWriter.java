package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.metastore.PartitionRegistration;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.storage.StorageLevel;

/**
 * The body of each micro-batch: the topic's rows are read and validated once, then every table's
 * share is written to staging and committed under deterministic names, and the new partitions are
 * handed to the metastore registration.
 */
public final class LakeBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private static final long serialVersionUID = 1L;

    /** Spark sets this local property on the thread that runs a streaming query's batches. */
    static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    /** What one batch wrote: rows per table, and the files and partitions committed per table. */
    public record BatchOutcome(long batchId, Map<LakeTable, Long> rows, Duration duration, Duration parseDuration,
            Map<LakeTable, BatchFileCommitter.Committed> committed) {
        public BatchOutcome {
            rows = Map.copyOf(rows);
            requireNonNull(duration, "duration is null");
            requireNonNull(parseDuration, "parseDuration is null");
            committed = Map.copyOf(committed);
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

    /** How many Kafka messages a batch holds, when that can be told before reading it. */
    @FunctionalInterface
    public interface BatchSize {
        java.util.OptionalLong messages(long batchId) throws Exception;

        BatchSize UNKNOWN = batchId -> java.util.OptionalLong.empty();
    }

    /** Batches of at most this many messages are written from the driver ({@link SmallBatchFiles}). */
    public static final long SMALL_BATCH_MESSAGES = 1_000;

    private final transient BatchFileCommitter committer;
    private final transient PartitionRegistration registration;
    private final transient CommitHook commitHook;
    private final transient java.util.Set<Integer> schemaVersions;
    private final transient BatchSize batchSize;
    // planned at the first small batch, used by every later one (batches run one at a time)
    private transient java.util.Optional<SmallBatchFiles.Flattening> flattening;
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
        this(committer, registration, commitHook, schemaVersions, BatchSize.UNKNOWN);
    }

    /** {@code batchSize}: tells small batches apart, which are written from the driver without write jobs. */
    public LakeBatchWriter(BatchFileCommitter committer, PartitionRegistration registration, CommitHook commitHook,
            java.util.Set<Integer> schemaVersions, BatchSize batchSize) {
        this.committer = requireNonNull(committer, "committer is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.commitHook = requireNonNull(commitHook, "commitHook is null");
        this.schemaVersions = java.util.Set.copyOf(schemaVersions);
        this.batchSize = requireNonNull(batchSize, "batchSize is null");
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
            commitHook.batchCommitted(outcome, queryId);
            outcomes.put(batchId, outcome);
        }
        finally {
            batchLock.unlock();
        }
    }

    /** Writes one batch; {@code queryId} keeps the file names of different checkpoints apart. */
    public BatchOutcome write(Dataset<Row> batch, long batchId, String queryId) throws Exception {
        java.util.OptionalLong messages = batchSize.messages(batchId);
        // the same offsets give the same size, so a replayed batch takes the same path and stages the same files
        if (messages.isPresent() && messages.getAsLong() <= SMALL_BATCH_MESSAGES) {
            return writeSmall(batch, batchId, queryId);
        }
        long started = System.nanoTime();
        Dataset<Row> validated = EventValidation.validate(batch, schemaVersions).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<LakeTable, Long> rows = countPerTable(validated);
            Duration parsed = Duration.ofNanos(System.nanoTime() - started);
            Map<LakeTable, BatchFileCommitter.Committed> committed = writeTables(rows, batchId,
                    table -> writeTable(validated, table, batchId, queryId));
            return new BatchOutcome(batchId, rows, Duration.ofNanos(System.nanoTime() - started), parsed, committed);
        }
        finally {
            validated.unpersist(false);
        }
    }

    /** A small batch: one Kafka read, then every table's files from the driver (see {@link SmallBatchFiles}). */
    private BatchOutcome writeSmall(Dataset<Row> batch, long batchId, String queryId) throws Exception {
        long started = System.nanoTime();
        if (flattening == null) {
            flattening = SmallBatchFiles.Flattening.plan(batch.sparkSession(), batch.schema(), schemaVersions);
        }
        Map<LakeTable, List<org.apache.spark.sql.catalyst.InternalRow>> perTable = SmallBatchFiles.rowsPerTable(batch, schemaVersions, flattening);
        Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);
        perTable.forEach((table, tableRows) -> rows.put(table, (long) tableRows.size()));
        Duration parsed = Duration.ofNanos(System.nanoTime() - started);
        Map<LakeTable, BatchFileCommitter.Committed> committed = writeTables(rows, batchId, table -> {
            SmallBatchFiles.writeStaged(batch.sparkSession(), table, perTable.get(table), committer.prepareStaging(table, batchId));
            return commitTable(table, batchId, queryId);
        });
        return new BatchOutcome(batchId, rows, Duration.ofNanos(System.nanoTime() - started), parsed, committed);
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
