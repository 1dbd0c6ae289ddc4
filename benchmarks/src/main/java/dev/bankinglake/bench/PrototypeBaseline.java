package dev.bankinglake.bench;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.EventValidation;
import dev.bankinglake.lake.LakeSession;
import dev.bankinglake.service.LakeServiceConfig;
import dev.bankinglake.lake.TableRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prototype's design, kept only as the benchmark's baseline: four independent streaming
 * queries, each reading the whole topic, keeping one table's event types and writing with Spark's
 * plain file sink. Runs until every query has read BENCH_EVENTS messages, then stops.
 * Environment as the job (KAFKA_BOOTSTRAP, EVENTS_TOPIC, LAKE_ROOT, CHECKPOINT_DIR, ...) plus BENCH_EVENTS.
 */
public final class PrototypeBaseline {
    private static final Logger LOG = LoggerFactory.getLogger(PrototypeBaseline.class);

    private PrototypeBaseline() {
    }

    public static void main(String[] args) throws Exception {
        LakeServiceConfig config = LakeServiceConfig.fromEnvironment(System.getenv());
        long expected = Long.parseLong(System.getenv().getOrDefault("BENCH_EVENTS", "1000000"));
        long timeoutSeconds = Long.parseLong(System.getenv().getOrDefault("BENCH_TIMEOUT_SECONDS", "1800"));
        SparkSession spark = LakeSession.withLakeSettings(SparkSession.builder())
                .appName("prototype-baseline")
                .master(config.sparkMaster())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20")
                .getOrCreate();
        config.hadoopConfDir().ifPresent(dir -> {
            spark.sparkContext().hadoopConfiguration().addResource(new org.apache.hadoop.fs.Path(dir, "core-site.xml"));
            spark.sparkContext().hadoopConfiguration().addResource(new org.apache.hadoop.fs.Path(dir, "hdfs-site.xml"));
        });

        Map<UUID, AtomicLong> rowsRead = new ConcurrentHashMap<>();
        spark.streams().addListener(new StreamingQueryListener() {
            @Override
            public void onQueryStarted(QueryStartedEvent event) {
            }

            @Override
            public void onQueryProgress(QueryProgressEvent event) {
                rowsRead.computeIfAbsent(event.progress().id(), id -> new AtomicLong()).addAndGet(event.progress().numInputRows());
            }

            @Override
            public void onQueryTerminated(QueryTerminatedEvent event) {
            }
        });

        long started = System.nanoTime();
        List<StreamingQuery> queries = new ArrayList<>();
        for (LakeTable table : LakeTable.values()) {
            if (!table.isEventTable()) {
                continue;
            }
            Dataset<Row> events = spark.readStream().format("kafka")
                    .option("kafka.bootstrap.servers", config.kafkaBootstrap())
                    .option("subscribe", config.eventsTopic())
                    .option("startingOffsets", "earliest")
                    .option("failOnDataLoss", "false")
                    .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
                    .load();
            queries.add(TableRows.rowsFor(EventValidation.validate(events), table)
                    .writeStream()
                    .queryName("baseline-" + table.tableName())
                    .format("parquet")
                    .partitionBy(LakeTable.PARTITION_COLUMN.name())
                    .option("path", config.lakeRoot() + "/" + table.tableName())
                    .option("checkpointLocation", config.checkpointDir() + "/" + table.tableName())
                    .trigger(Trigger.ProcessingTime(config.triggerInterval().toMillis(), TimeUnit.MILLISECONDS))
                    .start());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        boolean drained = false;
        while (!drained && System.nanoTime() < deadline) {
            drained = rowsRead.size() == queries.size()
                    && rowsRead.values().stream().allMatch(read -> read.get() >= expected);
            for (StreamingQuery query : queries) {
                if (query.exception().isDefined()) {
                    throw new IllegalStateException("Baseline query " + query.name() + " failed", query.exception().get());
                }
            }
            if (!drained) {
                queries.get(0).awaitTermination(200);
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        for (StreamingQuery query : queries) {
            query.stop();
        }
        spark.stop();
        if (!drained) {
            throw new IllegalStateException("Baseline did not read " + expected + " messages per query within " + timeoutSeconds + " s");
        }
        LOG.info("BASELINE drained {} messages x {} queries in {} s since the queries started", expected, queries.size(),
                String.format("%.1f", seconds));
    }
}
