package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.analytics.AnalyticsHttp;
import dev.bankinglake.analytics.PrestoLogin;
import dev.bankinglake.compaction.CompactionConfig;
import dev.bankinglake.compaction.CompactionScheduler;
import dev.bankinglake.jobs.JobContext;
import dev.bankinglake.jobs.JobRouter;
import dev.bankinglake.jobs.JobRoutes;
import dev.bankinglake.jobs.JobRunner;
import dev.bankinglake.jobs.JobsConfig;
import dev.bankinglake.jobs.MqttJobBridge;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.DriverKafkaReader;
import dev.bankinglake.lake.KafkaRange;
import dev.bankinglake.lake.LakeBatchWriter;
import dev.bankinglake.lake.LakeSession;
import dev.bankinglake.lineage.CheckpointOffsets;
import dev.bankinglake.lineage.LineageRecorder;
import dev.bankinglake.lineage.LineageStore;
import dev.bankinglake.metastore.MetastoreRegistrar;
import dev.bankinglake.service.http.OperatorToken;
import dev.bankinglake.service.http.ServiceHttp;
import dev.bankinglake.windows.WindowsConfig;
import dev.bankinglake.windows.WindowsService;
import io.javalin.Javalin;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake service: one Spark driver JVM that owns the SparkSession, keeps the ingest query running
 * (events topic to the lake's tables, exactly once, registered in the metastore), records each
 * batch's lineage, and serves its status and controls over HTTP. One service per lake root: a
 * second one refuses to start ({@link LakeLock}). Configured by environment variables, see
 * {@link LakeServiceConfig}.
 */
public final class LakeService {
    private static final Logger LOG = LoggerFactory.getLogger(LakeService.class);

    /** Runs after a SIGTERM before Spark's own hooks (priority 50) stop the SparkContext. */
    private static final int SHUTDOWN_PRIORITY = 60;
    private static final Duration LOCK_CHECK_INTERVAL = Duration.ofSeconds(5);
    private static final Duration INITIAL_RESTART_BACKOFF = Duration.ofSeconds(1);
    /** How long the driver's read of a small batch may take before the batch is read by a Spark job. */
    private static final Duration SMALL_BATCH_READ_TIMEOUT = Duration.ofSeconds(2);

    /** Exit codes a supervisor can tell apart. */
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_CONFIGURATION = 2;
    public static final int EXIT_LOCK_HELD = 3;

    private final LakeServiceConfig config;
    private final JobsConfig jobsConfig;
    private final WindowsConfig windowsConfig;
    private final PrestoLogin prestoLogin;
    private final Clock clock;
    private final ServiceStatus status;
    private final IngestMetrics metrics = new IngestMetrics();
    private final BatchHistory history = BatchHistory.lastHour();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicInteger exitCode = new AtomicInteger();
    // two threads: a lock check stalled by HDFS must not delay a query's restart
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "lake-service-supervision");
        thread.setDaemon(true);
        return thread;
    });

    public LakeService(LakeServiceConfig config, JobsConfig jobsConfig, WindowsConfig windowsConfig, PrestoLogin prestoLogin, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        this.prestoLogin = requireNonNull(prestoLogin, "prestoLogin is null");
        this.jobsConfig = requireNonNull(jobsConfig, "jobsConfig is null");
        this.windowsConfig = requireNonNull(windowsConfig, "windowsConfig is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.status = new ServiceStatus(clock.instant());
    }

    public static void main(String[] args) {
        LakeServiceConfig config;
        JobsConfig jobsConfig;
        WindowsConfig windowsConfig;
        PrestoLogin prestoLogin;
        try {
            config = LakeServiceConfig.fromEnvironment(System.getenv());
            jobsConfig = JobsConfig.fromEnvironment(System.getenv());
            windowsConfig = WindowsConfig.fromEnvironment(System.getenv(), config.checkpointDir());
            // read again where used (the scheduler, the compact job); checked here so a bad setting stops the start
            CompactionConfig.fromEnvironment(System.getenv());
            prestoLogin = PrestoLogin.fromEnvironment(System.getenv());
        }
        catch (IllegalArgumentException e) {
            LOG.error("{}", e.getMessage());
            System.exit(EXIT_CONFIGURATION);
            return;
        }
        int code;
        try {
            code = new LakeService(config, jobsConfig, windowsConfig, prestoLogin, Clock.systemUTC()).run();
        }
        catch (LakeLock.HeldException e) {
            LOG.error("Refusing to start: {}", e.getMessage());
            code = EXIT_LOCK_HELD;
        }
        catch (Exception e) {
            LOG.error("The lake service failed", e);
            code = EXIT_FAILED;
        }
        // Spark leaves non-daemon threads behind; without this a failed service would leave a live
        // JVM that a supervisor cannot tell from a working one.
        System.exit(code);
    }

    /** Runs until SIGTERM, or until the service cannot go on; returns the exit code. */
    public int run() throws Exception {
        LOG.info("Starting with {}", config);
        Configuration hadoop = hadoopConfiguration();
        Path lakeRoot = new Path(config.lakeRoot());
        // an uncached client of its own: its lease on the lock file is the service's, not a Spark task's
        FileSystem lockFileSystem = FileSystem.newInstance(URI.create(config.lakeRoot()), hadoop);
        String address = LakeLock.hostName() + ":" + config.servicePort();
        LakeLock lock = LakeLock.acquire(lockFileSystem, lakeRoot, LakeLock.Holder.current(UUID.randomUUID().toString(), address, clock.instant()));
        LOG.info("Holding the lake lock of {} as {}", lakeRoot, lock.holder().describe());
        status.locked(lock.holder());

        JobRouter router = JobRouter.load(jobsConfig.routerFile());
        AtomicReference<JobContext> jobContext = new AtomicReference<>();
        JobRunner jobs = new JobRunner(router, () -> Optional.ofNullable(jobContext.get()), clock);
        WindowsService windows = new WindowsService(config, windowsConfig, metrics.registry(), clock);
        status.addSection(WindowsService.QUERY, windows::pipeline);
        AnalyticsHttp analytics = AnalyticsHttp.create(config, prestoLogin, windows, status::pipeline, history, clock);
        OperatorToken operatorToken = OperatorToken.fromFile(config.operatorTokenFile());
        Javalin http = new ServiceHttp(status, metrics, List.of(new JobRoutes(jobs, clock), analytics), operatorToken).create();
        http.start(config.bindAddress(), config.servicePort());
        LOG.info("Serving HTTP on {}:{}", config.bindAddress(), http.port());

        SparkSession spark = null;
        MetastoreRegistrar registrar = null;
        MqttJobBridge mqtt = null;
        CompactionScheduler compaction = null;
        DriverKafkaReader smallBatchReader = null;
        try {
            spark = session();
            config.hadoopConfDir().ifPresent(dir -> addHadoopConfiguration(hadoop, dir));
            Configuration sparkHadoop = spark.sparkContext().hadoopConfiguration();
            config.hadoopConfDir().ifPresent(dir -> addHadoopConfiguration(sparkHadoop, dir));
            FileSystem lakeFileSystem = lakeRoot.getFileSystem(sparkHadoop);
            BatchFileCommitter committer = new BatchFileCommitter(lakeFileSystem, lakeRoot);
            // this instance holds the lock and no batch runs yet: staging holds only abandoned attempts
            committer.clearStaging();
            registrar = new MetastoreRegistrar(config.metastoreUri(), config.hiveDatabase(), config.lakeRoot(), lakeFileSystem);
            registrar.start();

            LineageStore lineage = new LineageStore(lakeFileSystem, committer, registrar);
            Path checkpoint = new Path(config.checkpointDir());
            SparkSession session = spark;
            CheckpointOffsets offsets = new CheckpointOffsets(checkpoint.getFileSystem(sparkHadoop), checkpoint);
            LineageRecorder recorder = new LineageRecorder(offsets, lineage,
                    queryId -> session.streams().get(UUID.fromString(queryId)).runId().toString(), clock);
            // the batch's offsets from Spark's offset log, written before the batch runs
            smallBatchReader = new DriverKafkaReader(IngestQuery.kafkaParameters(config), SMALL_BATCH_READ_TIMEOUT);
            LakeBatchWriter writer = new LakeBatchWriter(committer, registrar, recorder, config.schemaVersions(), batchId -> {
                CheckpointOffsets.BatchOffsets range = offsets.offsets(batchId);
                return Optional.of(new KafkaRange(range.topic(), range.start(), range.end()));
            }, smallBatchReader);
            SupervisedQuery ingest = new IngestQuery(config, session, writer, offsets, metrics, history, INITIAL_RESTART_BACKOFF, scheduler, clock)
                    .supervised();
            MetastoreRegistrar registration = registrar;
            status.sessionStarted(() -> !session.sparkContext().isStopped(), () -> registration.pending().size(), lineage);
            // the dashboard's last hour from before this start, read beside the queries' start
            scheduler.execute(() -> restoreHistory(lineage));
            status.addQuery(ingest, true);
            metrics.bindQuery(ingest);
            metrics.bindRegistrationBacklog(() -> registration.pending().size());
            List<SupervisedQuery> queries = new java.util.ArrayList<>(List.of(ingest));
            windows.prepare(spark, committer, registrar, scheduler, INITIAL_RESTART_BACKOFF).ifPresent(query -> {
                status.addQuery(query, false);
                metrics.bindQuery(query);
                queries.add(query);
            });
            jobContext.set(new JobContext(spark, lakeFileSystem, lakeRoot, committer, registrar, config.kafkaBootstrap(), config.eventsTopic(),
                    checkpoint, config.schemaVersions(), "none"));
            // ingestion has no slack while its batches take longer than the trigger: open days' merges then wait for more files
            long triggerMillis = config.triggerInterval().toMillis();
            compaction = CompactionScheduler.start(CompactionConfig.fromEnvironment(System.getenv()), committer.layout(), jobs, clock,
                    () -> ingest.snapshot().lastProgress().map(progress -> progress.batchDuration() > triggerMillis).orElse(false));
            if (jobsConfig.mqttUri().isPresent()) {
                mqtt = new MqttJobBridge(jobsConfig, jobs, clock, "lake-service-" + lock.holder().instanceId());
                mqtt.start();
                // every window update, open and final, also goes to MQTT for applications that listen there
                MqttJobBridge bridge = mqtt;
                windows.live().subscribe(updates -> updates.forEach(update -> bridge.publish(bridge.windowsTopic(), update.toJson(), 0)));
            }

            ShutdownHookManager.get().addShutdownHook(() -> shutdown(queries), SHUTDOWN_PRIORITY, SupervisedQuery.STOP_WAIT.toSeconds() + 20, TimeUnit.SECONDS);
            scheduler.scheduleWithFixedDelay(() -> checkLock(lock, queries), LOCK_CHECK_INTERVAL.toMillis(), LOCK_CHECK_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
            // healthy only once every query has had its start: a query not started yet counts as not
            // wanted, and the windows query restores the live view from its topic before it starts
            status.phase(ServiceStatus.Phase.STARTING, "starting the streaming queries");
            queries.forEach(SupervisedQuery::start);
            status.advance(ServiceStatus.Phase.STARTING, ServiceStatus.Phase.RUNNING, "running");
            stopped.await();
            return exitCode.get();
        }
        finally {
            status.phase(ServiceStatus.Phase.STOPPING, "stopping");
            scheduler.shutdownNow();
            if (compaction != null) {
                compaction.close();
            }
            jobs.close();
            analytics.close();
            windows.close();
            if (mqtt != null) {
                mqtt.close();
            }
            if (registrar != null) {
                registrar.requestAttempt();
                registrar.close();
            }
            http.stop();
            lock.close();
            if (smallBatchReader != null) {
                smallBatchReader.close();
            }
            if (spark != null) {
                spark.stop();
            }
        }
    }

    private SparkSession session() {
        return sessionBuilder(config, "lake-service").getOrCreate();
    }

    /**
     * The service's session settings; public so that a benchmark's contestant runs with exactly
     * the same ones.
     */
    public static SparkSession.Builder sessionBuilder(LakeServiceConfig config, String appName) {
        return LakeSession.withLakeSettings(SparkSession.builder())
                .appName(appName)
                .master(config.sparkMaster())
                .config("spark.ui.enabled", "false")
                // executors reach the driver here: loopback, unless set as Spark's own system
                // properties (-Dspark.driver.host=...), as a driver on a standalone master must
                // when its executors run on other hosts or containers (docs/scale-out.md)
                .config("spark.driver.host", System.getProperty("spark.driver.host", "127.0.0.1"))
                .config("spark.driver.bindAddress", System.getProperty("spark.driver.bindAddress", "127.0.0.1"))
                .config("spark.sql.shuffle.partitions", "2")
                // on-demand jobs run in their own pool: ingestion keeps its share while they run
                .config("spark.scheduler.mode", "FAIR")
                .config("spark.sql.streaming.stopTimeout", String.valueOf(SupervisedQuery.STOP_WAIT.toMillis()))
                // Closing an HDFS file waits until the DataNode has reported its last block, asking
                // the NameNode again after this delay, doubled at each retry. The 400 ms default
                // cost ~400 ms per small file on a single-DataNode HDFS; four small files (offset
                // log, table, lineage row, commit log) make a 1-row batch. 5 ms and 10 retries
                // wait up to 5.1 s in all (20 ms and the default 5 retries: 620 ms).
                .config("spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "5")
                .config("spark.hadoop.dfs.client.block.write.locateFollowingBlock.retries", "10");
    }

    private void shutdown(List<SupervisedQuery> queries) {
        LOG.info("Stopping: waiting for the running batch to finish");
        status.phase(ServiceStatus.Phase.STOPPING, "stopping on request");
        for (SupervisedQuery query : queries) {
            try {
                query.stop();
            }
            catch (Exception e) {
                LOG.warn("Stopping the query {} failed", query.name(), e);
            }
        }
        stopped.countDown();
        LOG.info("Stopped");
    }

    /** Fencing: on evidence that another instance took the lake over, stop writing at once and exit. */
    /** The batches of the last hour before this start, from the lineage table; the history stays live-only if it cannot be read. */
    private void restoreHistory(LineageStore lineage) {
        try {
            int restored = history.restore(lineage.recent(LineageStore.MAX_LIMIT), clock.instant());
            LOG.info("Batch history: {} batch(es) of the last hour restored from the lineage table", restored);
        }
        catch (IOException | RuntimeException e) {
            LOG.warn("Batch history not restored from the lineage table: {}", e.toString());
        }
    }

    private void checkLock(LakeLock lock, List<SupervisedQuery> queries) {
        if (lock.stillHeld().orElse(true)) {
            return;
        }
        String reason = "lost the lake lock to another instance; stopping so that only one service writes the lake";
        LOG.error("Fenced: {}", reason);
        status.phase(ServiceStatus.Phase.FAILED, reason);
        queries.forEach(query -> query.fail(reason));
        exitCode.set(EXIT_LOCK_HELD);
        stopped.countDown();
    }

    private Configuration hadoopConfiguration() {
        Configuration hadoop = new Configuration();
        config.hadoopConfDir().ifPresent(dir -> addHadoopConfiguration(hadoop, dir));
        return hadoop;
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
