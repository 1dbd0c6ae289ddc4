package dev.bankinglake.lineage;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one committed micro-batch consumed and wrote: a row of {@code lake_batches}. Offsets are
 * per Kafka partition, end exclusive; files and partitions are per table name.
 */
public record BatchLineage(
        long batchId,
        String queryId,
        String runId,
        String topic,
        Map<Integer, Long> startOffsets,
        Map<Integer, Long> endOffsets,
        Map<LakeTable, Long> rows,
        Map<String, Integer> files,
        Map<String, List<String>> partitions,
        long durationMs,
        long parseMs,
        long writeMs,
        Instant batchTime,
        Instant committedAt) {

    public BatchLineage {
        requireNonNull(queryId, "queryId is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(topic, "topic is null");
        startOffsets = Map.copyOf(startOffsets);
        endOffsets = Map.copyOf(endOffsets);
        Map<LakeTable, Long> everyTable = new java.util.EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            everyTable.put(table, rows.getOrDefault(table, 0L));
        }
        rows = Map.copyOf(everyTable);
        files = Map.copyOf(files);
        Map<String, List<String>> copied = new TreeMap<>();
        partitions.forEach((table, values) -> copied.put(table, List.copyOf(values)));
        partitions = Map.copyOf(copied);
        requireNonNull(batchTime, "batchTime is null");
        requireNonNull(committedAt, "committedAt is null");
    }

    public long rows(LakeTable table) {
        return rows.getOrDefault(table, 0L);
    }

    /** Messages the batch consumed from the topic, from Spark's offsets. */
    public long offsetsConsumed() {
        long total = 0;
        for (Map.Entry<Integer, Long> partition : endOffsets.entrySet()) {
            total += partition.getValue() - startOffsets.getOrDefault(partition.getKey(), 0L);
        }
        return total;
    }

    /** Rows written to every topic table, rejected_events included. */
    public long rowsWritten() {
        return rows.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The JSON shape the HTTP API answers with. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("batch_id", batchId);
        json.put("query_id", queryId);
        json.put("run_id", runId);
        json.put("topic", topic);
        Map<String, Map<String, Long>> offsets = new TreeMap<>();
        for (Integer partition : new java.util.TreeSet<>(endOffsets.keySet())) {
            Map<String, Long> range = new LinkedHashMap<>();
            range.put("start", startOffsets.getOrDefault(partition, 0L));
            range.put("end", endOffsets.get(partition));
            offsets.put(Integer.toString(partition), range);
        }
        json.put("offsets", offsets);
        json.put("offsets_consumed", offsetsConsumed());
        Map<String, Long> rowsPerTable = new LinkedHashMap<>();
        for (LakeTable table : LakeTable.values()) {
            rowsPerTable.put(table.tableName(), rows(table));
        }
        json.put("rows", rowsPerTable);
        json.put("rejected_rows", rows(LakeTable.REJECTED_EVENTS));
        json.put("files", new TreeMap<>(files));
        json.put("partitions", new TreeMap<>(partitions));
        Map<String, Long> durations = new LinkedHashMap<>();
        durations.put("total_ms", durationMs);
        durations.put("parse_ms", parseMs);
        durations.put("write_ms", writeMs);
        json.put("durations", durations);
        json.put("batch_time", batchTime.toString());
        json.put("committed_at", committedAt.toString());
        return json;
    }
}
