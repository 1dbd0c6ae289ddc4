package dev.bankinglake.jobs.replay;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;

import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.jobs.DayRange;
import dev.bankinglake.jobs.JobContext;
import dev.bankinglake.jobs.JobRequestException;
import dev.bankinglake.jobs.LakeJob;
import dev.bankinglake.jobs.audit.AuditJob;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.EventValidation;
import dev.bankinglake.lake.TableRows;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-validates rows of rejected_events (all, or a {@code dt} range) with the lake's current
 * contract. Rows it now accepts are written to their tables; the rest stay, with their reason.
 * Exactly once, whatever happens: a row whose event_id its table already holds is not written
 * again, so a second run adds nothing, and a run killed half-way is finished by the next one. The
 * new files are staged and renamed like a batch's, so a reader never sees a partial file.
 * rejected_events itself is the quarantine log and is not rewritten: the events a replay moved are
 * the rows of rejected_events whose event_id is in its table.
 */
public final class ReplayRejectedJob implements LakeJob {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRejectedJob.class);
    private static final String STAGING = "replay";

    @Override
    public void check(Map<String, String> parameters) {
        DayRange.of(parameters);
    }

    @Override
    public Map<String, Object> run(JobContext context, Map<String, String> parameters) throws Exception {
        DayRange range = DayRange.of(parameters);
        Optional<LocalDate> from = range.from();
        Optional<LocalDate> to = range.to();
        Dataset<Row> rejected = AuditJob.read(context, LakeTable.REJECTED_EVENTS);
        String dt = LakeTable.PARTITION_COLUMN.name();
        if (from.isPresent()) {
            rejected = rejected.filter(col(dt).geq(lit(from.get().toString())));
        }
        if (to.isPresent()) {
            rejected = rejected.filter(col(dt).leq(lit(to.get().toString())));
        }
        Dataset<Row> asKafka = rejected.select(
                col(LakeTable.KAFKA_TOPIC.name()).as("topic"),
                col(LakeTable.KAFKA_PARTITION.name()).as("partition"),
                col(LakeTable.KAFKA_OFFSET.name()).as("offset"),
                col(LakeTable.KAFKA_TIMESTAMP.name()).as("timestamp"),
                col(LakeTable.RAW_VALUE.name()).cast(DataTypes.BinaryType).as("value"));
        Dataset<Row> validated = EventValidation.validate(asKafka, context.schemaVersions()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Map<String, Object> perTable = new LinkedHashMap<>();
            long moved = 0;
            long alreadyMoved = 0;
            String eventId = EventField.EVENT_ID.jsonName();
            for (LakeTable table : LakeTable.values()) {
                if (!table.isEventTable()) {
                    continue;
                }
                Dataset<Row> accepted = TableRows.rowsFor(validated, table).dropDuplicates(eventId).persist(StorageLevel.MEMORY_AND_DISK());
                try {
                    long acceptedRows = accepted.count();
                    if (acceptedRows == 0) {
                        continue;
                    }
                    Dataset<Row> present = AuditJob.read(context, table).select(col(eventId).as("present_event_id"));
                    Dataset<Row> fresh = accepted.join(present, accepted.col(eventId).equalTo(present.col("present_event_id")), "left_anti");
                    long written = write(context, table, fresh);
                    moved += written;
                    alreadyMoved += acceptedRows - written;
                    perTable.put(table.tableName(), Map.of("moved", written, "already_in_table", acceptedRows - written));
                }
                finally {
                    accepted.unpersist(false);
                }
            }
            Dataset<Row> stillRejected = validated.filter(col(EventValidation.LAKE_TABLE).equalTo(lit(LakeTable.REJECTED_EVENTS.tableName())));
            Map<String, Long> reasons = new LinkedHashMap<>();
            for (Row row : stillRejected.groupBy(EventValidation.REASON).count().orderBy(desc("count")).limit(10).collectAsList()) {
                reasons.put(row.getString(0), row.getLong(1));
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("moved", moved);
            result.put("stayed", stillRejected.count());
            result.put("already_in_table", alreadyMoved);
            result.put("tables", perTable);
            result.put("stayed_reasons", reasons);
            result.put("from_dt", from.map(LocalDate::toString).orElse(null));
            result.put("to_dt", to.map(LocalDate::toString).orElse(null));
            result.put("schema_versions", context.schemaVersions());
            return result;
        }
        finally {
            validated.unpersist(false);
        }
    }

    /** Stages the rows, then renames them into the table: visible all at once per file, never twice. */
    private static long write(JobContext context, LakeTable table, Dataset<Row> rows) throws Exception {
        Dataset<Row> toWrite = rows.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long count = toWrite.count();
            if (count == 0) {
                return 0;
            }
            Path staging = new Path(new Path(new Path(new Path(context.lakeRoot(), BatchFileCommitter.STAGING_FOLDER), STAGING), table.tableName()),
                    context.jobId());
            context.lakeFileSystem().delete(staging, true);
            toWrite.coalesce(1).write().mode(SaveMode.Overwrite).partitionBy(LakeTable.PARTITION_COLUMN.name()).parquet(staging.toString());
            BatchFileCommitter.Committed committed = context.committer().commit(table, 0, staging, "replay-" + context.jobId());
            context.registration().partitionsCommitted(table, committed.partitions());
            LOG.info("Replay {} moved {} row(s) into {} ({} file(s), partitions {})", context.jobId(), count, table.tableName(),
                    committed.filesRenamed(), committed.partitions());
            return count;
        }
        finally {
            toWrite.unpersist(false);
        }
    }
}
