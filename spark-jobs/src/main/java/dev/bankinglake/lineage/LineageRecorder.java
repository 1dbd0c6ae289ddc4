package dev.bankinglake.lineage;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.LakeBatchWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns a committed batch into its lineage row: offsets from Spark's offset log, what was written
 * from the writer's outcome. Runs inside the batch, so lineage and data commit together.
 */
public final class LineageRecorder implements LakeBatchWriter.CommitHook {
    private final CheckpointOffsets offsets;
    private final LineageStore store;
    private final Function<String, String> runIdOfQuery;
    private final Clock clock;

    /** {@code runIdOfQuery} maps a query id to the id of its current run. */
    public LineageRecorder(CheckpointOffsets offsets, LineageStore store, Function<String, String> runIdOfQuery, Clock clock) {
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.store = requireNonNull(store, "store is null");
        this.runIdOfQuery = requireNonNull(runIdOfQuery, "runIdOfQuery is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void batchCommitted(LakeBatchWriter.BatchOutcome outcome, String queryId) throws Exception {
        CheckpointOffsets.BatchOffsets range = offsets.offsets(outcome.batchId());
        Map<String, Integer> files = new TreeMap<>();
        Map<String, List<String>> partitions = new TreeMap<>();
        for (Map.Entry<LakeTable, BatchFileCommitter.Committed> entry : outcome.committed().entrySet()) {
            BatchFileCommitter.Committed committed = entry.getValue();
            files.put(entry.getKey().tableName(), committed.filesRenamed() + committed.filesAlreadyPresent());
            partitions.put(entry.getKey().tableName(), new ArrayList<>(new java.util.TreeSet<>(committed.partitions())));
        }
        long total = outcome.duration().toMillis();
        long parse = outcome.parseDuration().toMillis();
        store.record(new BatchLineage(outcome.batchId(), queryId, runIdOfQuery.apply(queryId), range.topic(), range.start(), range.end(),
                outcome.rows(), files, partitions, total, parse, total - parse, range.batchTime(), clock.instant()));
    }
}
