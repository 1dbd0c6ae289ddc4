package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.metastore.MetastoreRegistrar;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the events topic into the lake: one Kafka read per micro-batch, routed into the event
 * tables and {@code rejected_events}, committed exactly once as Presto sees it, and registered in
 * the Hive Metastore as partitions appear. Configured by environment variables, see
 * {@link StreamingJobConfig}.
 */
public final class StreamingJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
    public static final String QUERY_NAME = "lake-streaming";

    /** Runs after a SIGTERM before Spark's own hooks (priority 50) stop the SparkContext. */
    private static final int SHUTDOWN_PRIORITY = 60;
    private static final long STOP_WAIT_SECONDS = 60;

    private final StreamingJobConfig config;

    public StreamingJob(StreamingJobConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    public static void main(String[] args) {
        int exitCode;
        try {
            new StreamingJob(StreamingJobConfig.fromEnvironment(System.getenv())).run();
            exitCode = 0;
        }
        catch (Exception e) {
            LOG.error("The streaming job failed", e);
            exitCode = 1;
        }
        // Spark leaves non-daemon threads behind; without this a failed query would leave a live JVM
        // that a supervisor cannot tell from a working one.
        System.exit(exitCode);
    }

    /** Runs until the query stops (SIGTERM) or fails. */
    public void run() throws Exception {
        LOG.info("Starting with {}", config);
        SparkSession spark = LakeSession.withLakeSettings(SparkSession.builder())
                .appName(QUERY_NAME)
                .master(config.sparkMaster())
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.streaming.stopTimeout", String.valueOf(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS)))
                // cuts the ~400 ms stall per checkpoint file on a single-DataNode HDFS
                .config("spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20")
                .getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        config.hadoopConfDir().ifPresent(dir -> addHadoopConfiguration(hadoop, dir));

        Path lakeRoot = new Path(config.lakeRoot());
        FileSystem lakeFileSystem = lakeRoot.getFileSystem(hadoop);
        BatchFileCommitter committer = new BatchFileCommitter(lakeFileSystem, lakeRoot);
        // no batch runs yet, so whatever is in staging belongs to an attempt that will be redone
        committer.clearStaging();
        MetastoreRegistrar registrar = new MetastoreRegistrar(config.metastoreUri(), config.hiveDatabase(), config.lakeRoot(), lakeFileSystem);
        registrar.start();

        LakeBatchWriter writer = new LakeBatchWriter(committer, registrar);
        spark.streams().addListener(new BatchProgressLog(writer));

        Dataset<Row> events = spark.readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrap())
                .option("subscribe", config.eventsTopic())
                // only used on the very first start: later starts resume from the checkpoint
                .option("startingOffsets", "earliest")
                // Messages the broker deleted (retention) before the job read them are gone either
                // way; stopping the stream for it would stop the whole lake. Spark logs a warning.
                .option("failOnDataLoss", "false")
                .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
                .load();

        StreamingQuery query = events.writeStream()
                .queryName(QUERY_NAME)
                .option("checkpointLocation", config.checkpointDir())
                .trigger(Trigger.ProcessingTime(config.triggerInterval().toMillis(), TimeUnit.MILLISECONDS))
                .foreachBatch(writer)
                .start();

        ShutdownHookManager.get().addShutdownHook(() -> stop(query, writer, registrar), SHUTDOWN_PRIORITY,
                STOP_WAIT_SECONDS + 20, TimeUnit.SECONDS);
        try {
            query.awaitTermination();
        }
        finally {
            registrar.close();
            spark.stop();
        }
    }

    /** A clean stop: let the running batch finish, then stop the query before Spark goes down. */
    private static void stop(StreamingQuery query, LakeBatchWriter writer, MetastoreRegistrar registrar) {
        LOG.info("Stopping: waiting for the running batch to finish");
        boolean locked = false;
        try {
            locked = writer.batchLock().tryLock(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!locked) {
                LOG.warn("The running batch did not finish within {} s; stopping anyway (it is replayed at the next start)", STOP_WAIT_SECONDS);
            }
            query.stop();
        }
        catch (Exception e) {
            LOG.warn("Stopping the query failed", e);
        }
        finally {
            if (locked) {
                writer.batchLock().unlock();
            }
        }
        registrar.requestAttempt();
        registrar.close();
        LOG.info("Stopped");
    }

    private static void addHadoopConfiguration(Configuration hadoop, String dir) {
        for (String file : new String[] {"core-site.xml", "hdfs-site.xml"}) {
            File resource = new File(dir, file);
            if (resource.isFile()) {
                hadoop.addResource(new Path(resource.toURI()));
            }
            else {
                LOG.warn("HADOOP_CONF_DIR {} has no {}", dir, file);
            }
        }
    }
}
