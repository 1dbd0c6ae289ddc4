package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The lake service as operators run it, {@code scripts/stack.sh start streaming} under its
 * watchdog: {@code kill -9} at any moment while events flow, followed at once by
 * {@code stack.sh start streaming}, brings it back every time, and every event is in its table
 * exactly once as Presto sees it. The last kill takes the watchdog down too, so that start must
 * launch a new one over a dead (possibly zombie) pid.
 */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
class KillRestartIT {
    private static final Instant START = Instant.parse("2026-11-20T23:59:00.000Z");

    @Test
    void everyEventIsVisibleExactlyOnceAfterRepeatedKillNineAndStart(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "kill");
        lake.createTopic(2);
        Map<String, String> service = Map.of("EVENTS_TOPIC", lake.topic, "LAKE_ROOT", lake.lakeRoot, "CHECKPOINT_DIR", lake.checkpointDir,
                "HIVE_DATABASE", lake.database, "MAX_OFFSETS_PER_TRIGGER", "150", "TRIGGER_INTERVAL", "500 ms");
        ServiceClient client = new ServiceClient(stack.lakeServiceUrl(), stack.operatorToken());
        List<String> figures = new ArrayList<>();
        // a continuous stream over about a minute, crossing midnight so batches touch two partitions
        try (EventStream stream = new EventStream(lake, START, 240, 10)) {
            stack.script(service, "start", "streaming");
            stream.begin(Duration.ofMillis(250));

            // 1: in the middle of a batch, while its files are in staging; the watchdog restarts it
            awaitStagedFiles(lake);
            figures.add("kill -9 during a batch, watchdog: " + killAndStart(stack, service, client, false));
            // 2: right after a batch was committed
            long committed = client.get("/pipeline/ingest").path("last_committed_batch").asLong();
            await("a batch of the second launch").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> client.get("/pipeline/ingest").path("last_committed_batch").asLong(-1) > committed);
            figures.add("kill -9 after a commit, watchdog: " + killAndStart(stack, service, client, false));
            // 3: in the middle of a batch again, the watchdog killed too: stack.sh start must start both anew
            awaitStagedFiles(lake);
            figures.add("kill -9 of service and watchdog, stack.sh start: " + killAndStart(stack, service, client, true));

            stream.awaitAllSent(Duration.ofMinutes(3));
            LakeAssertions.assertExactlyOnce(lake, stream, "service log " + stack.logDir().resolve("streaming.log"));
            assertThat(lake.lakeFiles()).as("only committed batch files are visible")
                    .filteredOn(file -> !file.startsWith("_"))
                    .allMatch(file -> file.matches("[a-z_]+/dt=\\d{4}-\\d{2}-\\d{2}/batch-\\d{19}-[0-9a-f-]{36}-\\d{5}\\.snappy\\.parquet"),
                            "named batch-<id>-<query>-<n>.snappy.parquet");
            LakeAssertions.assertContiguousLineage(lake, client, stream);
            figures.forEach(line -> System.out.println("figures: crash to first batch committed again, " + line));
        }
        finally {
            stack.script("stop", "streaming");
        }
    }

    /** kill -9 of the service JVM (and its watchdog), then at once stack.sh start; seconds until a batch is committed again. */
    private static String killAndStart(LocalStack stack, Map<String, String> service, ServiceClient client, boolean watchdogToo)
            throws Exception {
        long pid = stack.pid("streaming").orElseThrow(() -> new IllegalStateException("no pid file of the lake service"));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("the lake service " + pid + " is not running"));
        long killedAt = System.nanoTime();
        if (watchdogToo) {
            long watchdog = stack.pid("streaming-watchdog").orElseThrow(() -> new IllegalStateException("no pid file of the watchdog"));
            ProcessHandle.of(watchdog).ifPresent(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
        stack.script(service, "start", "streaming");
        double healthy = seconds(killedAt);
        await("the restarted service to commit a batch").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                .until(() -> committedAgain(client, pid, stack));
        return String.format("%.1f s (healthy after %.1f s, new pid %d)", seconds(killedAt), healthy, stack.pid("streaming").orElse(-1));
    }

    private static boolean committedAgain(ServiceClient client, long killedPid, LocalStack stack) throws Exception {
        if (stack.pid("streaming").orElse(killedPid) == killedPid) {
            return false;
        }
        JsonNode ingest = client.get("/pipeline/ingest");
        return !ingest.path("last_committed_batch").isNull() && !ingest.path("last_committed_batch").isMissingNode();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void awaitStagedFiles(LakeTestSupport lake) throws IOException {
        FileSystem fileSystem = lake.fileSystem();
        Path staging = new Path(lake.lakeRoot + "/_staging");
        await("a batch to be in staging").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> hasParquetFile(fileSystem, staging));
    }

    private static boolean hasParquetFile(FileSystem fileSystem, Path folder) throws IOException {
        if (!fileSystem.exists(folder)) {
            return false;
        }
        RemoteIterator<LocatedFileStatus> files = fileSystem.listFiles(folder, true);
        while (files.hasNext()) {
            if (files.next().getPath().getName().endsWith(".parquet")) {
                return true;
            }
        }
        return false;
    }
}
