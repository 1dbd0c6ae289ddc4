package dev.bankinglake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.bankinglake.contract.EventField;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.HeaderField;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.EventValidation;
import dev.bankinglake.lake.LakeSchemas;
import dev.bankinglake.lake.TableRows;
import dev.bankinglake.service.LakeService;
import dev.bankinglake.service.LakeServiceConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw Spark ceiling of the streaming benchmark: what Spark alone does with the same backlog
 * and the lake service's own session settings, with none of the lake's guarantees. One streaming
 * query reads the topic as the service does; each micro-batch is parsed once with
 * {@code from_json} and the contract's schema, routed by {@code event_type}, and written with one
 * partitioned Parquet write per event table, straight into the table folder: no validation, no
 * rejected rows, no staging, no commit, no lineage, no metastore. Runs until the query has read
 * BENCH_EVENTS messages. Environment as the service (KAFKA_BOOTSTRAP, EVENTS_TOPIC, LAKE_ROOT,
 * CHECKPOINT_DIR, MAX_OFFSETS_PER_TRIGGER, TRIGGER_INTERVAL, ...) plus BENCH_EVENTS.
 */
public final class SparkCeiling {
    private static final Logger LOG = LoggerFactory.getLogger(SparkCeiling.class);

    private SparkCeiling() {
    }

    public static void main(String[] args) throws Exception {
        LakeServiceConfig config = LakeServiceConfig.fromEnvironment(System.getenv());
        long expected = Long.parseLong(System.getenv().getOrDefault("BENCH_EVENTS", "1000000"));
        long timeoutSeconds = Long.parseLong(System.getenv().getOrDefault("BENCH_TIMEOUT_SECONDS", "1800"));
        SparkSession spark = LakeService.sessionBuilder(config, "spark-ceiling").getOrCreate();
        config.hadoopConfDir().ifPresent(dir -> {
            spark.sparkContext().hadoopConfiguration().addResource(new org.apache.hadoop.fs.Path(dir, "core-site.xml"));
            spark.sparkContext().hadoopConfiguration().addResource(new org.apache.hadoop.fs.Path(dir, "hdfs-site.xml"));
        });

        AtomicLong read = new AtomicLong();
        spark.streams().addListener(new StreamingQueryListener() {
            @Override
            public void onQueryStarted(QueryStartedEvent event) {
            }

            @Override
            public void onQueryProgress(QueryProgressEvent event) {
                read.addAndGet(event.progress().numInputRows());
            }

            @Override
            public void onQueryTerminated(QueryTerminatedEvent event) {
            }
        });

        long started = System.nanoTime();
        Dataset<Row> events = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrap())
                .option("subscribe", config.eventsTopic())
                .option("startingOffsets", "earliest")
                .option("failOnDataLoss", "false")
                .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
                .load();
        String lakeRoot = config.lakeRoot();
        VoidFunction2<Dataset<Row>, Long> writeBatch = (batch, batchId) -> {
            Dataset<Row> parsed = parse(batch).persist(StorageLevel.MEMORY_AND_DISK());
            try {
                for (LakeTable table : LakeTable.values()) {
                    if (table.isEventTable()) {
                        TableRows.rowsFor(parsed, table).write().mode(SaveMode.Append)
                                .partitionBy(LakeTable.PARTITION_COLUMN.name())
                                .parquet(lakeRoot + "/" + table.tableName());
                    }
                }
            }
            finally {
                parsed.unpersist(false);
            }
        };
        StreamingQuery query = events.writeStream()
                .queryName("spark-ceiling")
                .option("checkpointLocation", config.checkpointDir())
                .trigger(Trigger.ProcessingTime(config.triggerInterval().toMillis(), TimeUnit.MILLISECONDS))
                .foreachBatch(writeBatch)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (read.get() < expected && System.nanoTime() < deadline) {
            if (query.exception().isDefined()) {
                throw new IllegalStateException("The ceiling's query failed", query.exception().get());
            }
            query.awaitTermination(200);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        query.stop();
        spark.stop();
        if (read.get() < expected) {
            throw new IllegalStateException("The ceiling read " + read.get() + " of " + expected + " messages within " + timeoutSeconds + " s");
        }
        LOG.info("CEILING drained {} messages in {} s since the query started", expected, String.format("%.1f", seconds));
    }

    /**
     * The columns {@link TableRows} flattens from, without any check: the Kafka lineage, the raw
     * value, the event parsed with the contract's types, its time and the table its type goes to.
     */
    static Dataset<Row> parse(Dataset<Row> kafkaRows) {
        Column event = col(EventValidation.EVENT);
        Column eventType = event.getField(EventField.EVENT_TYPE.jsonName());
        Column table = lit(null).cast(DataTypes.StringType);
        for (EventType type : EventType.values()) {
            table = when(eventType.equalTo(lit(type.wireName())), lit(type.table().tableName())).otherwise(table);
        }
        return kafkaRows
                .select(
                        col("topic").as(EventValidation.KAFKA_TOPIC),
                        col("partition").as(EventValidation.KAFKA_PARTITION),
                        col("offset").as(EventValidation.KAFKA_OFFSET),
                        col("timestamp").as(EventValidation.KAFKA_TIMESTAMP),
                        col("value").cast(DataTypes.StringType).as(EventValidation.RAW_VALUE))
                .withColumn(EventValidation.EVENT, from_json(col(EventValidation.RAW_VALUE), contractSchema(), Map.of()))
                .withColumn(EventValidation.EVENT_TIME, event.getField(EventField.EVENT_TIME.jsonName()))
                .withColumn(EventValidation.LAKE_TABLE, table);
    }

    /** The event schema exactly as the contract types it (headers as a struct of text fields). */
    static StructType contractSchema() {
        StructType schema = new StructType();
        for (EventField field : EventField.all()) {
            DataType type;
            if (field == EventField.HEADERS) {
                StructType headers = new StructType();
                for (HeaderField header : List.copyOf(HeaderField.all())) {
                    headers = headers.add(header.fieldName(), DataTypes.StringType, true);
                }
                type = headers;
            }
            else {
                type = LakeSchemas.sparkType(field.type());
            }
            schema = schema.add(field.jsonName(), type, true);
        }
        return schema;
    }
}
