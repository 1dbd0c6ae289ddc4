package dev.bankinglake.windows;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import dev.bankinglake.contract.ColumnType;
import dev.bankinglake.contract.EventField;
import dev.bankinglake.lake.EventValidation;
import dev.bankinglake.lake.LakeSchemas;
import java.time.Duration;
import java.util.Set;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.util.LongAccumulator;

/**
 * The windows query's plan: the topic's messages go through the same validation as the lake's
 * ({@link EventValidation}, so a message is counted in a window exactly when it lands in an event
 * table), the valid events get an event-time watermark, and one stateful step
 * ({@link WindowFunction}) keeps both tables' open windows. The events the watermark has passed are
 * dropped and counted, by Spark before that step ({@code numRowsDroppedByWatermark}) or by the step
 * itself.
 */
public final class WindowAggregation {
    /** Every event goes to the one group: the open windows are few, and one state keeps them consistent. */
    private static final String GROUP = "windows";

    private WindowAggregation() {
    }

    /**
     * Window updates ({@link WindowRows#outputSchema()}) from rows shaped like Spark's Kafka source.
     * The rows of {@code clockTopic} (if not null) are ticks ({@link WindowClock}): their Kafka
     * timestamp is an event time that moves the watermark and adds to no window. {@code late} counts
     * the late events the stateful step drops itself (Spark's own drops are in its progress:
     * {@code numRowsDroppedByWatermark}).
     */
    public static Dataset<Row> windows(Dataset<Row> kafkaRows, Set<Integer> schemaVersions, String clockTopic, Duration watermarkDelay,
            WindowSpec counts, WindowSpec trades, LongAccumulator late) {
        Dataset<Row> events = validEvents(kafkaRows, schemaVersions, clockTopic)
                .withWatermark(WindowFunction.EVENT_TIME, watermarkDelay.toMillis() + " milliseconds");
        return events
                .groupByKey((MapFunction<Row, String>) row -> GROUP, Encoders.STRING())
                .flatMapGroupsWithState(new WindowFunction(counts, trades, watermarkDelay.toMillis(), late), OutputMode.Update(), Encoders.javaSerialization(OpenWindows.class),
                        Encoders.row(WindowRows.outputSchema()), GroupStateTimeout.EventTimeTimeout());
    }

    /**
     * The fields the windows need of every message, money as the lake stores it, and whether it is a
     * valid event; an invalid one has no event time, so the watermark neither moves for it nor counts
     * it as late, and {@link WindowFunction} skips it. Deliberately no filter: Spark would push it
     * below the validation's projections and evaluate the parse once per field it reads.
     */
    static Dataset<Row> validEvents(Dataset<Row> kafkaRows, Set<Integer> schemaVersions) {
        return validEvents(kafkaRows, schemaVersions, null);
    }

    /** As above; a row of {@code clockTopic} (if not null) is a tick: not valid, its event time its Kafka timestamp. */
    static Dataset<Row> validEvents(Dataset<Row> kafkaRows, Set<Integer> schemaVersions, String clockTopic) {
        Column tick = clockTopic == null ? lit(false) : col(EventValidation.KAFKA_TOPIC).equalTo(lit(clockTopic));
        Column valid = col(EventValidation.REASON).isNull().and(not(tick));
        return EventValidation.validate(kafkaRows, schemaVersions)
                .select(
                        valid.as(WindowFunction.VALID),
                        eventField(EventField.EVENT_TYPE).as(WindowFunction.EVENT_TYPE),
                        when(tick, col(EventValidation.KAFKA_TIMESTAMP)).when(valid, col(EventValidation.EVENT_TIME)).as(WindowFunction.EVENT_TIME),
                        eventField(EventField.ASSET_NAME).as(WindowFunction.ASSET_NAME),
                        eventField(EventField.NUMBER_OF).as(WindowFunction.NUMBER_OF),
                        money(EventField.UNIT_PRICE).as(WindowFunction.UNIT_PRICE),
                        money(EventField.AMOUNT).as(WindowFunction.AMOUNT));
    }

    private static Column eventField(EventField field) {
        return col(EventValidation.EVENT).getField(field.jsonName());
    }

    /** Validation already refused money that does not fit decimal(18,2), so the cast is exact. */
    private static Column money(EventField field) {
        return eventField(field).cast(LakeSchemas.sparkType(ColumnType.MONEY));
    }
}
