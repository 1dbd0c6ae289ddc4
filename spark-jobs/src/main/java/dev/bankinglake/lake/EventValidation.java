package dev.bankinglake.lake;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.when;

import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.EventContract;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import dev.bankinglake.contract.LakeTable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Parses the Kafka messages against the event contract and decides, per message, the table it
 * belongs to or why it is rejected. Nothing here can fail a batch: every malformed message
 * becomes a row with a {@link #REASON}.
 *
 * <p>Output columns: the Kafka lineage ({@link #KAFKA_TOPIC}, {@link #KAFKA_PARTITION},
 * {@link #KAFKA_OFFSET}, {@link #KAFKA_TIMESTAMP}), {@link #RAW_VALUE}, the parsed {@link #EVENT}
 * struct, the parsed {@link #EVENT_TIME}, {@link #REASON} (null for a valid event) and
 * {@link #LAKE_TABLE}, the name of the table the row goes to ({@code rejected_events} when invalid).
 */
public final class EventValidation {
    public static final String KAFKA_TOPIC = LakeTable.KAFKA_TOPIC.name();
    public static final String KAFKA_PARTITION = LakeTable.KAFKA_PARTITION.name();
    public static final String KAFKA_OFFSET = LakeTable.KAFKA_OFFSET.name();
    public static final String KAFKA_TIMESTAMP = LakeTable.KAFKA_TIMESTAMP.name();
    public static final String RAW_VALUE = LakeTable.RAW_VALUE.name();
    public static final String REASON = LakeTable.REASON.name();
    public static final String EVENT = "event";
    public static final String EVENT_TIME = "event_time_parsed";
    public static final String LAKE_TABLE = "lake_table";

    private static final String CORRUPT_RECORD = "_corrupt_record";
    private static final String LENIENT = "event_as_text";

    /**
     * Money is parsed wider than it is stored, so that a value with more decimals or digits than
     * decimal(18,2) holds is rejected instead of silently rounded.
     */
    private static final DataType PARSED_MONEY = DataTypes.createDecimalType(38, 18);
    private static final BigDecimal MONEY_LIMIT = BigDecimal.TEN.pow(ColumnType.MONEY_PRECISION - ColumnType.MONEY_SCALE);

    private static final String ISO_INSTANT =
            "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$";
    private static final String UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

    private static final Map<String, String> JSON_OPTIONS = Map.of(
            "mode", "PERMISSIVE",
            "columnNameOfCorruptRecord", CORRUPT_RECORD);

    private EventValidation() {
    }

    /** Validates rows shaped like Spark's Kafka source (value binary, topic, partition, offset, timestamp). */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows) {
        return validate(kafkaRows, Set.of(EventContract.SCHEMA_VERSION));
    }

    /** As {@link #validate(Dataset)}, accepting the given schema versions (a newer contract accepts more). */
    public static Dataset<Row> validate(Dataset<Row> kafkaRows, Set<Integer> schemaVersions) {
        if (schemaVersions.isEmpty()) {
            throw new IllegalArgumentException("No schema version to accept");
        }
        Dataset<Row> parsed = kafkaRows
                .select(
                        col("topic").as(KAFKA_TOPIC),
                        col("partition").as(KAFKA_PARTITION),
                        col("offset").as(KAFKA_OFFSET),
                        col("timestamp").as(KAFKA_TIMESTAMP),
                        col("value").cast(DataTypes.StringType).as(RAW_VALUE))
                .withColumn(EVENT, from_json(col(RAW_VALUE), typedSchema(), JSON_OPTIONS));

        Column corrupt = col(EVENT).getField(CORRUPT_RECORD);
        // The text-only parse runs only for messages the typed parse choked on, to tell
        // "not JSON at all" from "a field of the wrong type" and name the field.
        Column lenient = when(corrupt.isNotNull(), from_json(col(RAW_VALUE), lenientSchema(), JSON_OPTIONS));
        Column eventTime = field(EventField.EVENT_TIME).try_cast(DataTypes.TimestampType);

        return parsed
                .withColumn(LENIENT, lenient)
                .withColumn(EVENT_TIME, when(field(EventField.EVENT_TIME).rlike(ISO_INSTANT), eventTime))
                .withColumn(REASON, reason(schemaVersions))
                .withColumn(LAKE_TABLE, when(col(REASON).isNull(), tableOfEventType())
                        .otherwise(lit(LakeTable.REJECTED_EVENTS.tableName())))
                .drop(LENIENT);
    }

    /** The typed value of an event field in the output of {@link #validate}. */
    public static Column field(EventField field) {
        return col(EVENT).getField(field.jsonName());
    }

    /** The schema messages are parsed with: the contract's types, money wider, time as text. */
    static StructType typedSchema() {
        StructType schema = new StructType();
        for (EventField field : EventField.all()) {
            schema = schema.add(field.jsonName(), parsedType(field), true);
        }
        return schema.add(CORRUPT_RECORD, DataTypes.StringType, true);
    }

    private static DataType parsedType(EventField field) {
        if (field == EventField.HEADERS) {
            StructType headers = new StructType();
            for (HeaderField header : HeaderField.all()) {
                headers = headers.add(header.fieldName(), DataTypes.StringType, true);
            }
            return headers;
        }
        return switch (field.type()) {
            case MONEY -> PARSED_MONEY;
            // validated and converted separately, to insist on an ISO-8601 instant
            case TIMESTAMP -> DataTypes.StringType;
            default -> LakeSchemas.sparkType(field.type());
        };
    }

    private static StructType lenientSchema() {
        StructType schema = new StructType();
        for (EventField field : EventField.all()) {
            schema = schema.add(field.jsonName(), DataTypes.StringType, true);
        }
        return schema.add(CORRUPT_RECORD, DataTypes.StringType, true);
    }

    private static Column reason(Set<Integer> schemaVersions) {
        Column raw = col(RAW_VALUE);
        Column corrupt = col(EVENT).getField(CORRUPT_RECORD);
        Column lenient = col(LENIENT);
        Column notJson = col(EVENT).isNull()
                .or(corrupt.isNotNull().and(lenient.isNull().or(lenient.getField(CORRUPT_RECORD).isNotNull())));

        List<Column> wrongTypes = new ArrayList<>();
        for (EventField field : EventField.all()) {
            DataType parsed = parsedType(field);
            if (parsed.equals(DataTypes.StringType)) {
                continue; // any JSON value reads as text
            }
            String expected = field == EventField.HEADERS ? "a JSON object" : field.type().hiveType();
            wrongTypes.add(when(lenient.getField(field.jsonName()).isNotNull().and(field(field).isNull()),
                    lit(field.jsonName() + " (expected " + expected + ")")));
        }
        Column wrongTypeList = concat_ws(", ", wrongTypes.toArray(Column[]::new));

        Column eventType = field(EventField.EVENT_TYPE);
        Column knownType = eventType.isin((Object[]) wireNames(EnumSet.allOf(EventType.class)));

        List<Column> missing = new ArrayList<>();
        for (EventField field : EventField.all()) {
            Set<EventType> requiring = typesRequiring(field);
            Column required = EventContract.COMMON_REQUIRED_FIELDS.contains(field) ? lit(true)
                    : requiring.isEmpty() ? lit(false) : eventType.isin((Object[]) wireNames(requiring));
            missing.add(when(field(field).isNull().and(required), lit(field.jsonName())));
        }
        Column missingList = concat_ws(", ", missing.toArray(Column[]::new));

        Column eventId = field(EventField.EVENT_ID);
        Column eventTimeText = field(EventField.EVENT_TIME);
        List<Column> moneyProblems = new ArrayList<>();
        for (EventField field : EventField.all()) {
            if (field.type() == ColumnType.MONEY) {
                Column value = field(field);
                Column fits = value.equalTo(round(value, ColumnType.MONEY_SCALE))
                        .and(value.lt(lit(MONEY_LIMIT))).and(value.gt(lit(MONEY_LIMIT.negate())));
                moneyProblems.add(when(value.isNotNull().and(fits.unary_$bang()),
                        concat(lit("invalid " + field.jsonName() + " "), value.cast(DataTypes.StringType),
                                lit(" (must have at most " + ColumnType.MONEY_SCALE + " decimals and fit "
                                        + field.type().hiveType() + ")"))));
            }
        }

        // The first problem found wins, in the order a reader would check them.
        List<Column> checks = new ArrayList<>();
        checks.add(when(raw.isNull(), lit("empty message: the Kafka value is null")));
        checks.add(when(notJson, lit("invalid JSON: the message is not a JSON object")));
        checks.add(when(corrupt.isNotNull().and(wrongTypeList.notEqual(lit(""))),
                concat(lit("wrong type for field(s): "), wrongTypeList)));
        checks.add(when(corrupt.isNotNull(), lit("wrong type: the message does not match the event schema")));
        checks.add(when(eventType.isNotNull().and(knownType.unary_$bang()),
                concat(lit("unknown event_type '"), eventType, lit("'"))));
        checks.add(when(missingList.notEqual(lit("")), concat(lit("missing required field(s): "), missingList)));
        String accepted = new java.util.TreeSet<>(schemaVersions).toString().replaceAll("[\\[\\] ]", "");
        checks.add(when(field(EventField.SCHEMA_VERSION).isin(schemaVersions.toArray()).unary_$bang(),
                concat(lit("unsupported schema_version "), field(EventField.SCHEMA_VERSION).cast(DataTypes.StringType),
                        lit(" (this job reads " + accepted + ")"))));
        checks.add(when(eventId.rlike(UUID).unary_$bang(),
                concat(lit("invalid event_id '"), eventId, lit("' (must be a UUID)"))));
        checks.add(when(col(EVENT_TIME).isNull(),
                concat(lit("unparseable event_time '"), eventTimeText,
                        lit("' (must be ISO-8601 with a zone, e.g. 2026-11-20T22:08:28.123Z)"))));
        checks.addAll(moneyProblems);
        return coalesce(checks.toArray(Column[]::new));
    }

    private static Column tableOfEventType() {
        Column eventType = field(EventField.EVENT_TYPE);
        Column table = null;
        for (EventType type : EventType.values()) {
            Column condition = eventType.equalTo(lit(type.wireName()));
            table = table == null ? when(condition, lit(type.table().tableName()))
                    : table.when(condition, lit(type.table().tableName()));
        }
        return table.otherwise(lit(LakeTable.REJECTED_EVENTS.tableName()));
    }

    private static Set<EventType> typesRequiring(EventField field) {
        Set<EventType> types = EnumSet.noneOf(EventType.class);
        for (EventType type : EventType.values()) {
            if (type.requiredFields().contains(field)) {
                types.add(type);
            }
        }
        return types;
    }

    private static String[] wireNames(Set<EventType> types) {
        return types.stream().map(EventType::wireName).toArray(String[]::new);
    }
}
