package dev.bankinglake.cluster;

import static dev.bankinglake.cluster.ClusterTraffic.acknowledgedIds;
import static dev.bankinglake.cluster.ClusterTraffic.statuses;
import static dev.bankinglake.cluster.ClusterTraffic.users;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.stack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Spark worker is killed (kill -9) while the lake service's driver streams on the standalone
 * cluster and a task runs on its executor (its log shows the task started and not finished): the
 * executor goes with the worker, the task runs again on the other worker's executor, and the lake
 * holds every acknowledged event exactly once, from the same driver.
 */
class SparkWorkerLossClusterIT {
    private static final Pattern RUNNING = Pattern.compile("Running (task \\S+ in stage \\S+ \\(TID (\\d+)\\))");
    private static final Pattern FINISHED = Pattern.compile("Finished task \\S+ in stage \\S+ \\(TID (\\d+)\\)");

    private final ClusterTraffic traffic = new ClusterTraffic(LocalStack.sharedCluster());

    @AfterEach
    void bringTheWorkerBack() {
        traffic.stack().script("start", "spark");
    }

    @Test
    void aWorkerKilledMidStreamLosesAndDuplicatesNothing() throws Exception {
        String masterJson = "http://127.0.0.1:" + traffic.setting("SPARK_MASTER_WEBUI_PORT") + "/json/";
        await("the lake service holds an executor on each of the two workers (the master's cores in use)")
                .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                .until(() -> traffic.getJson(masterJson).path("coresused").asInt() == 2);
        long driver = traffic.runningPid("streaming");
        String prefix = "sparkworker-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<String> users = users(prefix, 10);
        List<String> accounts = traffic.openAccounts(users);

        AtomicReference<String> taskInFlight = new AtomicReference<>();
        List<ClusterTraffic.Answer> answers = traffic.depositsWhile(users, 2, Duration.ofMillis(100), Duration.ofSeconds(30),
                Duration.ofSeconds(5), () -> {
                    taskInFlight.set(awaitTaskInFlight(executorLog("spark-worker-1")));
                    traffic.killHard("spark-worker-1");
                });

        assertThat(taskInFlight.get()).as("a task ran on the killed worker's executor when it was killed").isNotNull();
        System.out.println("spark worker loss: killed while " + taskInFlight.get() + " ran on it");
        assertThat(statuses(answers)).as("the API does not depend on Spark").containsOnly(200);
        JsonNode master = traffic.getJson(masterJson);
        assertThat(master.path("aliveworkers").asInt()).as("the master saw the worker go").isEqualTo(1);
        traffic.awaitExactlyInLake(prefix, accounts, acknowledgedIds(answers), Duration.ofMinutes(4));
        assertThat(traffic.runningPid("streaming")).as("the same driver went on, without a restart").isEqualTo(driver);
        assertThat(traffic.lakeServiceHealth()).isEqualTo(200);
    }

    /** The log of the lake service's executor on WORKER: the newest executor folder of its newest application. */
    private Path executorLog(String worker) {
        Path work = traffic.stack().stateDir().resolve("data/spark").resolve(worker).resolve("work");
        try (Stream<Path> logs = Files.find(work, 3, (path, attributes) -> path.getFileName().toString().equals("stderr"))) {
            return logs.max(Comparator.comparing(path -> path.toFile().lastModified()))
                    .orElseThrow(() -> new AssertionError("no executor log under " + work));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until the executor's log shows a task it started and has not finished, so that the kill
     * takes a running task with it; returns that task ("task 1.0 in stage 7.0 (TID 12)"), or null
     * if none was seen within 20 s.
     */
    private static String awaitTaskInFlight(Path log) {
        AtomicReference<String> task = new AtomicReference<>();
        try {
            await("a task running on the executor of " + log).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        task.set(runningTask(log));
                        return task.get() != null;
                    });
        }
        catch (ConditionTimeoutException e) {
            return null;
        }
        return task.get();
    }

    /** The last task the executor's log shows started and not finished, or null. */
    private static String runningTask(Path log) throws IOException {
        Set<String> finished = new HashSet<>();
        String running = null;
        List<String> lines = Files.readAllLines(log);
        for (String line : lines) {
            Matcher finish = FINISHED.matcher(line);
            if (finish.find()) {
                finished.add(finish.group(1));
            }
        }
        for (String line : lines) {
            Matcher start = RUNNING.matcher(line);
            if (start.find() && !finished.contains(start.group(2))) {
                running = start.group(1);
            }
        }
        return running;
    }
}
