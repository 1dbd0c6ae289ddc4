package dev.bankinglake.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.jobs.JobContext;
import dev.bankinglake.jobs.JobRequestException;
import dev.bankinglake.jobs.LakeJob;
import dev.bankinglake.lake.CurrentLocations;
import dev.bankinglake.lake.EventValidation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Does the lake hold every event, once? Reads the topic up to the offsets the ingest query has
 * committed, validates it with the lake's own contract, and compares per event type with the rows
 * of the tables: events missing from their table, event_ids present more than once, and likewise
 * the rejected messages against rejected_events (by partition and offset). A healthy lake gives 0
 * and 0. A valid event still only in rejected_events (accepted by a newer contract, not yet
 * replayed) is missing from its table and counted as awaiting replay.
 */
public final class AuditJob implements LakeJob {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "lake_table";
    private static final String ID = "event_id";
    private static final String TYPE = "event_type";

    @Override
    public void check(Map<String, String> parameters) {
        parseMaxIds(parameters.getOrDefault("max_ids", "100"));
    }

    @Override
    public Map<String, Object> run(JobContext context, Map<String, String> parameters) throws Exception {
        int maxIds = parseMaxIds(parameters.getOrDefault("max_ids", "100"));
        Optional<Map<Integer, Long>> committed = context.committedOffsets();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("topic", context.eventsTopic());
        if (committed.isEmpty()) {
            result.put("offsets", Map.of());
            result.put("note", "the ingest query has committed no batch yet: nothing to audit");
            result.put("missing", 0);
            result.put("duplicated", 0);
            return result;
        }
        Map<String, Long> ending = new TreeMap<>();
        committed.get().forEach((partition, offset) -> ending.put(Integer.toString(partition), offset));
        result.put("offsets", ending);

        Dataset<Row> topic = context.spark().read().format("kafka")
                .option("kafka.bootstrap.servers", context.kafkaBootstrap())
                .option("subscribe", context.eventsTopic())
                .option("startingOffsets", "earliest")
                .option("endingOffsets", JSON.writeValueAsString(Map.of(context.eventsTopic(), ending)))
                .option("failOnDataLoss", "false")
                .load();
        Dataset<Row> validated = EventValidation.validate(topic, context.schemaVersions())
                .select(col(EventValidation.KAFKA_PARTITION), col(EventValidation.KAFKA_OFFSET), col(EventValidation.LAKE_TABLE).as(TABLE),
                        EventValidation.field(EventField.EVENT_ID).as(ID), EventValidation.field(EventField.EVENT_TYPE).as(TYPE))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> onTopic = validated.filter(col(TABLE).notEqual(lit(LakeTable.REJECTED_EVENTS.tableName())));
            Dataset<Row> rejectedOnTopic = validated.filter(col(TABLE).equalTo(lit(LakeTable.REJECTED_EVENTS.tableName())))
                    .select(EventValidation.KAFKA_PARTITION, EventValidation.KAFKA_OFFSET);

            Dataset<Row> inLake = null;
            for (LakeTable table : LakeTable.values()) {
                if (!table.isEventTable()) {
                    continue;
                }
                Dataset<Row> rows = read(context, table).select(col(ID), col(TYPE), lit(table.tableName()).as(TABLE));
                inLake = inLake == null ? rows : inLake.unionByName(rows);
            }
            inLake = inLake.persist(StorageLevel.MEMORY_AND_DISK());
            Dataset<Row> rejectedInLake = read(context, LakeTable.REJECTED_EVENTS)
                    .filter(col(EventValidation.KAFKA_TOPIC).equalTo(lit(context.eventsTopic())))
                    .select(EventValidation.KAFKA_PARTITION, EventValidation.KAFKA_OFFSET);
            try {
                Dataset<Row> missing = onTopic.join(inLake, onTopic.col(ID).equalTo(inLake.col(ID)).and(onTopic.col(TABLE).equalTo(inLake.col(TABLE))), "left_anti");
                Dataset<Row> duplicated = inLake.groupBy(TABLE, TYPE, ID).agg(count(lit(1)).as("copies")).filter(col("copies").gt(1));
                Dataset<Row> topicIds = onTopic.select(col(ID).as("topic_event_id")).distinct();

                Map<String, Long> topicPerType = countsByType(onTopic);
                Map<String, Long> lakePerType = countsByType(inLake.join(topicIds, inLake.col(ID).equalTo(topicIds.col("topic_event_id")), "left_semi"));
                Map<String, Long> missingPerType = countsByType(missing);
                Map<String, Long> duplicatedPerType = countsByType(duplicated);
                Map<String, Object> perType = new LinkedHashMap<>();
                long missingTotal = 0;
                long duplicatedTotal = 0;
                for (EventType type : EventType.values()) {
                    String name = type.wireName();
                    Map<String, Object> figures = new LinkedHashMap<>();
                    figures.put("table", type.table().tableName());
                    figures.put("on_topic", topicPerType.getOrDefault(name, 0L));
                    figures.put("in_lake", lakePerType.getOrDefault(name, 0L));
                    figures.put("missing", missingPerType.getOrDefault(name, 0L));
                    figures.put("duplicated", duplicatedPerType.getOrDefault(name, 0L));
                    missingTotal += missingPerType.getOrDefault(name, 0L);
                    duplicatedTotal += duplicatedPerType.getOrDefault(name, 0L);
                    perType.put(name, figures);
                }
                long awaitingReplay = missing.join(rejectedInLake,
                        missing.col(EventValidation.KAFKA_PARTITION).equalTo(rejectedInLake.col(EventValidation.KAFKA_PARTITION))
                                .and(missing.col(EventValidation.KAFKA_OFFSET).equalTo(rejectedInLake.col(EventValidation.KAFKA_OFFSET))), "left_semi").count();

                Dataset<Row> rejectedMissing = rejectedOnTopic.except(rejectedInLake);
                Dataset<Row> rejectedDuplicated = rejectedInLake.groupBy(EventValidation.KAFKA_PARTITION, EventValidation.KAFKA_OFFSET)
                        .agg(count(lit(1)).as("copies")).filter(col("copies").gt(1));
                Map<String, Object> rejected = new LinkedHashMap<>();
                rejected.put("on_topic", rejectedOnTopic.count());
                rejected.put("missing", rejectedMissing.count());
                rejected.put("duplicated", rejectedDuplicated.count());
                rejected.put("missing_offsets", rejectedMissing.orderBy(EventValidation.KAFKA_PARTITION, EventValidation.KAFKA_OFFSET).limit(maxIds)
                        .collectAsList().stream().map(row -> row.getInt(0) + ":" + row.getLong(1)).toList());

                result.put("event_types", perType);
                result.put("missing", missingTotal);
                result.put("duplicated", duplicatedTotal);
                result.put("awaiting_replay", awaitingReplay);
                result.put("missing_event_ids", ids(missing, maxIds));
                result.put("duplicated_event_ids", ids(duplicated.select(ID).distinct(), maxIds));
                result.put("rejected", rejected);
                result.put("max_ids", maxIds);
                return result;
            }
            finally {
                inLake.unpersist(false);
            }
        }
        finally {
            validated.unpersist(false);
        }
    }

    /**
     * A lake table as its committed files hold it (an empty table when it has none yet): each
     * partition from its current location, so a compacted partition is read once, from its new files.
     */
    public static Dataset<Row> read(JobContext context, LakeTable table) throws java.io.IOException {
        return CurrentLocations.read(context.spark(), context.committer().layout(), table);
    }

    private static Map<String, Long> countsByType(Dataset<Row> rows) {
        Map<String, Long> counts = new TreeMap<>();
        for (Row row : rows.groupBy(TYPE).count().collectAsList()) {
            counts.put(row.isNullAt(0) ? "?" : row.getString(0), row.getLong(1));
        }
        return counts;
    }

    private static List<String> ids(Dataset<Row> rows, int limit) {
        return rows.select(ID).orderBy(ID).limit(limit).collectAsList().stream().map(row -> row.getString(0)).toList();
    }

    static int parseMaxIds(String value) {
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 0 && parsed <= 10_000) {
                return parsed;
            }
        }
        catch (NumberFormatException e) {
            // refused below
        }
        throw new JobRequestException(400, "Invalid parameter max_ids: '" + value + "' (must be a whole number, 0 to 10000)");
    }
}
