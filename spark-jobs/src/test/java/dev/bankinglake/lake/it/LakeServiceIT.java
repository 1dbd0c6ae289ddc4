package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.service.LakeService;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lake service's promises over its HTTP surface: fencing, control, lineage, self-healing. */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
class LakeServiceIT {
    private static final Instant START = Instant.parse("2026-11-20T23:59:30.000Z");

    @Test
    void aSecondInstanceOnTheSameLakeRootRefusesAndTheFirstKeepsCommittingWithContiguousLineage(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "fence");
        lake.createTopic(2);
        JobProcess first = lake.job("first", Map.of("MAX_OFFSETS_PER_TRIGGER", "60", "TRIGGER_INTERVAL", "500 ms"));
        try (EventStream stream = new EventStream(lake, START, 120, 10)) {
            first.start();
            stream.begin(Duration.ofMillis(250));
            await("a first batch").atMost(Duration.ofMinutes(4)).until(() -> first.batchesLogged() >= 1);

            JobProcess second = lake.job("second", Map.of("CHECKPOINT_DIR", lake.checkpointDir + "-second"));
            second.launch();
            int exit = second.awaitExit(Duration.ofMinutes(2));
            assertThat(exit).as("exit code of the second instance (log %s)", second.log()).isEqualTo(LakeService.EXIT_LOCK_HELD);
            assertThat(second.logText()).contains("Refusing to start: Lake root " + lake.lakeRoot + " is in use by instance")
                    .contains("pid " + first.pid());
            int batchesBefore = first.batchesLogged();

            stream.awaitAllSent(Duration.ofMinutes(3));
            LakeAssertions.assertExactlyOnce(lake, stream, "first service's log " + first.log());
            assertThat(first.batchesLogged()).as("the first instance committed on").isGreaterThan(batchesBefore);
            assertThat(first.status("/health")).isEqualTo(200);

            LakeAssertions.assertContiguousLineage(lake, first.client(), stream);
        }
        finally {
            if (first.isAlive()) {
                first.stop();
            }
        }
    }

    @Test
    void stopStartAndRestartOverHttpWhileEventsFlowLoseNothing(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "control");
        lake.createTopic(2);
        JobProcess service = lake.job("service", Map.of("MAX_OFFSETS_PER_TRIGGER", "80", "TRIGGER_INTERVAL", "500 ms"));
        try (EventStream stream = new EventStream(lake, START, 120, 10)) {
            service.start();
            stream.begin(Duration.ofMillis(250));
            await("a first batch").atMost(Duration.ofMinutes(4)).until(() -> service.batchesLogged() >= 1);

            JsonNode stopped = service.post("/pipeline/ingest/stop");
            assertThat(stopped.path("query").path("state").asText()).isEqualTo("stopped");
            assertThat(service.get("/pipeline/ingest").path("state").asText()).isEqualTo("stopped");
            int logged = service.batchesLogged();
            await("events to pile up while stopped").atMost(Duration.ofSeconds(30)).until(() -> stream.ticksSent() >= 40);
            assertThat(service.batchesLogged()).as("no batch while stopped").isEqualTo(logged);

            JsonNode started = service.post("/pipeline/ingest/start");
            assertThat(started.path("query").path("state").asText()).isEqualTo("active");
            await("a batch after start").atMost(Duration.ofMinutes(1)).until(() -> service.batchesLogged() > logged);

            String runBefore = service.get("/pipeline/ingest").path("run_id").asText();
            JsonNode restarted = service.post("/pipeline/ingest/restart");
            assertThat(restarted.path("query").path("state").asText()).isEqualTo("active");
            assertThat(restarted.path("query").path("run_id").asText()).isNotEqualTo(runBefore);

            HttpResponse<String> unknown = service.request("POST", "/pipeline/nope/stop");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("\"error\":\"Unknown query: 'nope' (known: ingest").contains("\"status\":404");
            HttpResponse<String> badPath = service.request("GET", "/pipeline/%00");
            assertThat(badPath.statusCode()).isEqualTo(400);
            assertThat(badPath.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).contains("application/json"));

            stream.awaitAllSent(Duration.ofMinutes(3));
            LakeAssertions.assertExactlyOnce(lake, stream, "service log " + service.log());
            JsonNode pipeline = service.get("/pipeline");
            assertThat(pipeline.path("queries").get(0).path("restarts").asLong()).as("restarts after failures only").isZero();
            String metrics = service.request("GET", "/metrics").body();
            assertThat(metrics).contains("lake_batches_total").contains("lake_rows_total{table=\"asset_prices\"}")
                    .contains("lake_kafka_lag_offsets{partition=\"0\"}").contains("lake_query_restarts_total{query=\"ingest\"}")
                    .contains("lake_metastore_pending_partitions").contains("jvm_memory_used_bytes");
        }
        finally {
            if (service.isAlive()) {
                service.stop();
            }
        }
    }

    @Test
    void aQueryFailureIsHealedInProcess(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "heal");
        lake.createTopic(1);
        JobProcess service = lake.job("service", Map.of("MAX_OFFSETS_PER_TRIGGER", "80", "TRIGGER_INTERVAL", "500 ms",
                "QUERY_RESTART_MAX_BACKOFF", "4 seconds"));
        try (EventStream stream = new EventStream(lake, START, 80, 10)) {
            service.start();
            stream.begin(Duration.ofMillis(250));
            await("a first batch").atMost(Duration.ofMinutes(4)).until(() -> service.batchesLogged() >= 1);
            long pid = service.pid();

            stack.stop(Service.HDFS);
            try {
                await("the ingest query to fail while HDFS is away (log " + service.log() + ")").atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> !service.get("/pipeline/ingest").path("last_failure").isNull());
                assertThat(service.status("/health")).as("/health while the query is down").isEqualTo(503);
            }
            finally {
                stack.start(Service.HDFS);
            }
            await("the query to be restarted in the same JVM (log " + service.log() + ")").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> service.status("/health") == 200 && service.get("/pipeline/ingest").path("restarts").asLong() >= 1);
            assertThat(service.pid()).as("same JVM").isEqualTo(pid);
            JsonNode ingest = service.get("/pipeline/ingest");
            assertThat(ingest.path("state").asText()).isEqualTo("active");
            assertThat(ingest.path("last_failure").path("message").asText()).isNotBlank();

            stream.awaitAllSent(Duration.ofMinutes(3));
            LakeAssertions.assertExactlyOnce(lake, stream, "service log " + service.log());
            assertThat(service.request("GET", "/metrics").body()).containsPattern("lake_query_restarts_total\\{query=\"ingest\"\\} [1-9]");
        }
        finally {
            if (service.isAlive()) {
                service.stop();
            }
        }
    }
}
