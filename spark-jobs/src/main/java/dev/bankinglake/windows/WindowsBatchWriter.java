package dev.bankinglake.windows;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.WindowTable;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.LakeSchemas;
import dev.bankinglake.table.PartitionRegistration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The body of each micro-batch of the windows query. The batch's window updates are computed once
 * (they are few: one row per window touched or closed), then
 * <ol>
 *   <li>the live windows take them first, and tell the SSE stream: a live update does not wait for files;</li>
 *   <li>the final windows are written to their lake tables like the ingest query's files: staged,
 *       then renamed to names derived from the batch id, so a batch replayed after a crash (same
 *       offsets, same state, same watermark, hence the same final windows) adds nothing; their
 *       partitions go to the metastore registration;</li>
 *   <li>every update, open and final, goes to the compacted windows topic.</li>
 * </ol>
 * A batch that fails after the first step is replayed: the stream and the topic may see its updates
 * twice (the same values), the lake tables never.
 */
final class WindowsBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private static final long serialVersionUID = 1L;
    private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    /** What one batch did. */
    record Outcome(long batchId, int openUpdates, int finalWindows, int filesRenamed, int filesAlreadyPresent, Duration duration) {
    }

    private final transient BatchFileCommitter committer;
    private final transient PartitionRegistration registration;
    private final transient WindowsTopic topic;
    private final transient LiveWindows live;
    private final transient Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();
    private final transient ReentrantLock batchLock = new ReentrantLock();

    WindowsBatchWriter(BatchFileCommitter committer, PartitionRegistration registration, WindowsTopic topic, LiveWindows live) {
        this.committer = requireNonNull(committer, "committer is null");
        this.registration = requireNonNull(registration, "registration is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.live = requireNonNull(live, "live is null");
    }

    ReentrantLock batchLock() {
        return batchLock;
    }

    Outcome takeOutcome(long batchId) {
        return outcomes.remove(batchId);
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
        String queryId = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        if (queryId == null) {
            throw new IllegalStateException("No streaming query id on this thread: the windows writer runs inside foreachBatch");
        }
        batchLock.lockInterruptibly();
        try {
            long started = System.nanoTime();
            List<WindowUpdate> updates = new ArrayList<>();
            for (Row row : batch.collectAsList()) {
                updates.add(WindowRows.fromOutputRow(row));
            }
            live.apply(updates);
            Map<WindowTable, List<WindowUpdate>> finals = new EnumMap<>(WindowTable.class);
            for (WindowUpdate update : updates) {
                if (update.isFinal()) {
                    finals.computeIfAbsent(update.table(), table -> new ArrayList<>()).add(update);
                }
            }
            int renamed = 0;
            int present = 0;
            for (Map.Entry<WindowTable, List<WindowUpdate>> table : finals.entrySet()) {
                BatchFileCommitter.Committed committed = writeFinals(batch.sparkSession(), table.getKey(), table.getValue(), batchId, queryId);
                renamed += committed.filesRenamed();
                present += committed.filesAlreadyPresent();
            }
            topic.publish(updates);
            int finalCount = finals.values().stream().mapToInt(List::size).sum();
            outcomes.put(batchId, new Outcome(batchId, updates.size() - finalCount, finalCount, renamed, present,
                    Duration.ofNanos(System.nanoTime() - started)));
        }
        finally {
            batchLock.unlock();
        }
    }

    private BatchFileCommitter.Committed writeFinals(SparkSession spark, WindowTable table, List<WindowUpdate> windows, long batchId,
            String queryId) throws Exception {
        List<Row> rows = windows.stream().map(WindowRows::toLakeRow).toList();
        String staging = committer.prepareStaging(table, batchId).toString();
        // one file per partition and batch: the same final names on every attempt of the batch
        spark.createDataFrame(rows, LakeSchemas.tableSchema(table))
                .coalesce(1)
                .write()
                .mode(SaveMode.Overwrite)
                .partitionBy(LakeTable.PARTITION_COLUMN.name())
                .parquet(staging);
        BatchFileCommitter.Committed committed = committer.commit(table, batchId, queryId);
        registration.partitionsCommitted(table, committed.partitions());
        return committed;
    }
}
