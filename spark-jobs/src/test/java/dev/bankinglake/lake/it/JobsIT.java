package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.service.LakeService;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On-demand jobs on the lake service, over HTTP and MQTT: audit, replay of rejected events, cancellation, bad requests. */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO, Service.MOSQUITTO})
class JobsIT {
    private static final Instant START = Instant.parse("2026-11-20T10:00:00.000Z");

    private static Map<String, String> mqtt(LocalStack stack, LakeTestSupport lake) {
        return Map.of("MQTT_URI", stack.environment().get("MQTT_URI"), "MQTT_REQUEST_TOPIC", requestTopic(lake),
                "MQTT_REPLY_TOPIC", replyTopic(lake), "MQTT_WINDOWS_TOPIC", windowsTopic(lake));
    }

    // topics of this run's own, under the prefixes of the broker's ACL (local-stack/conf/mosquitto/acl)
    private static String requestTopic(LakeTestSupport lake) {
        return "lake/jobs/requests/it-" + lake.run;
    }

    private static String replyTopic(LakeTestSupport lake) {
        return "lake/jobs/replies/it-" + lake.run;
    }

    private static String windowsTopic(LakeTestSupport lake) {
        return "lake/windows/it-" + lake.run;
    }

    private static MqttTestClient mqttClient(LocalStack stack, LakeTestSupport lake) throws Exception {
        return new MqttTestClient(stack.environment().get("MQTT_URI"), "lake-operator", stack.mqttPassword("lake-operator"),
                requestTopic(lake), replyTopic(lake), windowsTopic(lake));
    }

    @Test
    void auditFindsNothingOnAHealthyLakeAndNamesTheEventsOfADeletedFileOverHttpAndMqtt(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "audit");
        lake.createTopic(2);
        JobProcess service = lake.job("service", mqtt(stack, lake));
        try (EventStream stream = new EventStream(lake, START, 30, 10); MqttTestClient mqtt = mqttClient(stack, lake)) {
            stream.begin(Duration.ofMillis(20));
            stream.awaitAllSent(Duration.ofMinutes(1));
            service.start();
            LakeAssertions.assertExactlyOnce(lake, stream, "service log " + service.log());
            await("window updates on MQTT").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> mqtt.windowUpdates().stream().anyMatch(update -> update.has("window_start") && update.has("figures")));

            JsonNode overHttp = service.post("/jobs", "{\"job\": \"audit\", \"external_id\": \"http-1\"}");
            assertThat(overHttp.path("success").asBoolean()).as("answer %s", overHttp).isTrue();
            assertThat(overHttp.path("request").path("external_id").asText()).isEqualTo("http-1");
            JsonNode result = overHttp.path("payload").path("result");
            assertThat(result.path("missing").asLong()).as("missing in %s", result).isZero();
            assertThat(result.path("duplicated").asLong()).as("duplicated in %s", result).isZero();
            assertThat(result.path("rejected").path("missing").asLong()).isZero();
            assertThat(result.path("rejected").path("on_topic").asLong()).isEqualTo(stream.produced(LakeTable.REJECTED_EVENTS));
            long onTopic = 0;
            for (EventType type : EventType.values()) {
                onTopic += result.path("event_types").path(type.wireName()).path("on_topic").asLong();
            }
            assertThat(onTopic).isEqualTo(stream.producedEvents());

            mqtt.send("{\"job\": \"audit\", \"external_id\": \"mqtt-1\"}");
            JsonNode overMqtt = mqtt.finalReply("mqtt-1", Duration.ofMinutes(2));
            assertThat(overMqtt.path("success").asBoolean()).as("reply %s", overMqtt).isTrue();
            assertThat(overMqtt.path("payload").path("result").path("missing").asLong()).isZero();
            assertThat(overMqtt.path("payload").path("result").path("duplicated").asLong()).isZero();

            // one committed file goes missing: the audit names exactly its events
            String file = lake.query("select distinct \"$path\" as path from " + lake.table(LakeTable.CASH_TRANSACTIONS)).get(0).get("path");
            List<String> lost = lake.query("select event_id from " + lake.table(LakeTable.CASH_TRANSACTIONS) + " where \"$path\" = '" + file + "'")
                    .stream().map(row -> row.get("event_id")).sorted().toList();
            assertThat(lost).isNotEmpty();
            assertThat(lake.fileSystem().delete(new Path(file), false)).as("deleted %s", file).isTrue();

            JsonNode afterLoss = service.post("/jobs", "{\"job\": \"audit\", \"parameters\": {\"max_ids\": 1000}}").path("payload").path("result");
            assertThat(afterLoss.path("missing").asLong()).isEqualTo(lost.size());
            assertThat(afterLoss.path("duplicated").asLong()).isZero();
            assertThat(texts(afterLoss.path("missing_event_ids"))).containsExactlyElementsOf(lost);
            mqtt.send("{\"job\": \"audit\", \"parameters\": {\"max_ids\": 1000}, \"external_id\": \"mqtt-2\"}");
            JsonNode lossOverMqtt = mqtt.finalReply("mqtt-2", Duration.ofMinutes(2)).path("payload").path("result");
            assertThat(texts(lossOverMqtt.path("missing_event_ids"))).containsExactlyElementsOf(lost);

            assertBadRequestsAreRefusedOverBothTransports(service, mqtt);
            assertOnlyTheOperatorChangesAnything(stack, lake, service, mqtt);
            assertSecretsStayOutOfProcessesLogsAndTheLake(stack, lake, service);
        }
        finally {
            if (service.isAlive()) {
                service.stop();
            }
        }
    }

    /**
     * Every mutating route answers 401 without the operator token, with a wrong one or another
     * scheme, and changes nothing; over MQTT an anonymous client or a wrong password is refused
     * at connect, and a viewer's request is dropped by the broker's ACL: it never runs, while the
     * operator's next request gets its reply.
     */
    private static void assertOnlyTheOperatorChangesAnything(LocalStack stack, LakeTestSupport lake, JobProcess service, MqttTestClient operator)
            throws Exception {
        List<String[]> mutating = List.of(
                new String[] {"POST", "/jobs", "{\"job\": \"audit\", \"external_id\": \"no-token-1\"}"},
                new String[] {"DELETE", "/jobs/00000000-0000-0000-0000-000000000000", null},
                new String[] {"POST", "/pipeline/ingest/stop", null},
                new String[] {"POST", "/pipeline/ingest/restart", null});
        List<String> wrongCredentials = new ArrayList<>();
        wrongCredentials.add(null);
        wrongCredentials.add("Bearer wrong-token-0123456789abcdef");
        wrongCredentials.add("Bearer " + stack.operatorToken() + "x");
        wrongCredentials.add("Basic " + stack.operatorToken());
        for (String[] route : mutating) {
            for (String authorization : wrongCredentials) {
                HttpResponse<String> answer = service.client().request(route[0], route[1], route[2], authorization);
                assertThat(answer.statusCode()).as("%s %s with Authorization %s", route[0], route[1], authorization == null ? "(none)" : "(wrong)")
                        .isEqualTo(401);
                assertThat(answer.body()).contains("\"status\":401").contains("Unauthorized");
                assertThat(answer.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value -> assertThat(value).startsWith("Bearer"));
            }
        }
        assertThat(service.status("/health")).as("ingestion still runs after the refused stops").isEqualTo(200);
        assertThat(service.client().request("GET", "/jobs").body()).as("GET /jobs").doesNotContain("no-token-1");
        assertThat(Files.readString(service.log())).as("the service log").contains("Refused POST /jobs").doesNotContain(stack.operatorToken());

        String uri = stack.environment().get("MQTT_URI");
        MqttClient anonymous = new MqttClient(uri, "lake-it-anonymous-" + lake.run, new MemoryPersistence());
        assertThatThrownBy(() -> anonymous.connect(new MqttConnectOptions())).as("an anonymous MQTT client").isInstanceOf(MqttSecurityException.class);
        anonymous.close();
        MqttClient wrongPassword = new MqttClient(uri, "lake-it-wrong-" + lake.run, new MemoryPersistence());
        MqttConnectOptions wrong = new MqttConnectOptions();
        wrong.setUserName("lake-operator");
        wrong.setPassword("not-the-password".toCharArray());
        assertThatThrownBy(() -> wrongPassword.connect(wrong)).as("a wrong MQTT password").isInstanceOf(MqttSecurityException.class);
        wrongPassword.close();

        MqttClient viewer = new MqttClient(uri, "lake-it-viewer-" + lake.run, new MemoryPersistence());
        MqttConnectOptions asViewer = new MqttConnectOptions();
        asViewer.setUserName("lake-viewer");
        asViewer.setPassword(stack.mqttPassword("lake-viewer").toCharArray());
        viewer.connect(asViewer);
        MqttMessage request = new MqttMessage("{\"job\": \"audit\", \"external_id\": \"viewer-1\"}".getBytes(StandardCharsets.UTF_8));
        request.setQos(1);
        viewer.publish(requestTopic(lake), request);
        viewer.disconnect();
        viewer.close();
        operator.send("{\"job\": \"audit\", \"parameters\": {\"max_ids\": 0}, \"external_id\": \"after-viewer\"}");
        assertThat(operator.finalReply("after-viewer", Duration.ofMinutes(2)).path("success").asBoolean()).isTrue();
        assertThat(operator.replies()).as("replies on the reply topic").noneMatch(reply -> "viewer-1".equals(reply.path("external_id").asText(null)));
        assertThat(service.client().request("GET", "/jobs").body()).as("GET /jobs").doesNotContain("viewer-1");
    }

    /**
     * After the token and the MQTT passwords have been used over both transports: no process's
     * command line (what {@code ps} shows) holds one of them, nor any log or rendered configuration
     * file of the stack or of this service, nor any row of the lineage table.
     */
    private static void assertSecretsStayOutOfProcessesLogsAndTheLake(LocalStack stack, LakeTestSupport lake, JobProcess service) throws Exception {
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("operator token", stack.operatorToken());
        for (String user : List.of("lake-service", "lake-operator", "lake-viewer")) {
            secrets.put("MQTT password of " + user, stack.mqttPassword(user));
        }
        for (String user : List.of("lake-operator", "lake-analytics", "lake-viewer")) {
            secrets.put("Presto password of " + user, stack.prestoPassword(user));
        }
        java.nio.file.Path secretsDir = java.nio.file.Path.of(stack.environment().get("LAKE_SECRETS_DIR"));
        // Presto reads these two from its configuration alone (it has no other way): they are in the
        // rendered conf/presto, which only its owner may open, and nowhere else
        Map<String, String> prestoServerSecrets = Map.of(
                "Presto key store password", LocalStack.secret(secretsDir.resolve("presto-keystore.password")),
                "Presto internal shared secret", LocalStack.secret(secretsDir.resolve("presto-internal.secret")));
        secrets.putAll(prestoServerSecrets);
        assertThat(secrets.values()).allSatisfy(secret -> assertThat(secret).hasSizeGreaterThanOrEqualTo(16));
        java.nio.file.Path prestoConf = stack.stateDir().resolve("conf/presto");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(prestoConf)))
                .as("permissions of %s", prestoConf).isEqualTo("rwx------");

        List<String> seen = new ArrayList<>();
        try (var processes = Files.list(java.nio.file.Path.of("/proc"))) {
            for (java.nio.file.Path process : processes.filter(path -> path.getFileName().toString().matches("\\d+")).toList()) {
                String commandLine;
                try {
                    commandLine = new String(Files.readAllBytes(process.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
                }
                catch (IOException gone) {
                    continue;
                }
                seen.add(commandLine);
                secrets.forEach((name, secret) -> assertThat(commandLine).as("command line of %s (%s)", process, name).doesNotContain(secret));
            }
        }
        assertThat(seen).as("command lines read").anySatisfy(line -> assertThat(line).contains(LakeService.class.getName()));

        List<java.nio.file.Path> files = new ArrayList<>();
        for (java.nio.file.Path folder : List.of(stack.logDir(), stack.stateDir().resolve("conf"), service.log().getParent())) {
            if (Files.isDirectory(folder)) {
                try (var walk = Files.walk(folder)) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        assertThat(files).as("log and configuration files").contains(service.log()).hasSizeGreaterThan(5);
        for (java.nio.file.Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            boolean prestoConfiguration = file.startsWith(prestoConf);
            secrets.forEach((name, secret) -> {
                if (!(prestoConfiguration && prestoServerSecrets.containsKey(name))) {
                    assertThat(text).as("%s (%s)", file, name).doesNotContain(secret);
                }
            });
        }

        List<Map<String, String>> lineage = lake.query("select * from hive." + lake.database + "." + ServiceTable.LAKE_BATCHES.tableName());
        assertThat(lineage).as("lineage rows").isNotEmpty();
        for (Map<String, String> row : lineage) {
            secrets.forEach((name, secret) -> assertThat(row.toString()).as("lineage row (%s)", name).doesNotContain(secret));
        }
    }

    private static void assertBadRequestsAreRefusedOverBothTransports(JobProcess service, MqttTestClient mqtt) throws Exception {
        Map<String, String> refusals = new HashMap<>();
        refusals.put("{\"job\": \"vacuum\", \"external_id\": \"bad-1\"}", "Unknown job 'vacuum' (known: audit, compact, replay-rejected)");
        refusals.put("{\"job\": \"audit\", \"parameters\": {\"limit\": 3}, \"external_id\": \"bad-2\"}", "Unknown parameter 'limit' for job 'audit' (allowed: max_ids)");
        refusals.put("{\"job\": \"audit\", \"parameters\": {\"max_ids\": \"many\"}, \"external_id\": \"bad-3\"}",
                "Invalid parameter max_ids: 'many' (must be a whole number, 0 to 10000)");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            HttpResponse<String> answer = service.client().request("POST", "/jobs", refusal.getKey());
            assertThat(answer.statusCode()).as(refusal.getKey()).isEqualTo(400);
            assertThat(answer.body()).contains("\"success\":false").contains(refusal.getValue());
            mqtt.send(refusal.getKey());
            String externalId = refusal.getKey().replaceAll(".*\"external_id\": \"([^\"]+)\".*", "$1");
            JsonNode reply = mqtt.finalReply(externalId, Duration.ofSeconds(30));
            assertThat(reply.path("status").asInt()).isEqualTo(400);
            assertThat(reply.path("errors").get(0).asText()).isEqualTo(refusal.getValue());
        }
        HttpResponse<String> malformed = service.client().request("POST", "/jobs", "{\"job\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.body()).contains("\"success\":false").contains("Malformed JSON");
        String oversized = "{\"job\": \"audit\", \"external_id\": \"" + "x".repeat(20_000) + "\"}";
        HttpResponse<String> tooLarge = service.client().request("POST", "/jobs", oversized);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("Request too large");

        mqtt.send("{\"job\": ");
        assertThat(mqtt.anonymousReply(0, Duration.ofSeconds(30)).path("errors").get(0).asText()).startsWith("Malformed JSON");
        mqtt.send(oversized);
        assertThat(mqtt.anonymousReply(1, Duration.ofSeconds(30)).path("errors").get(0).asText()).startsWith("Request too large");

        assertThat(service.status("/health")).as("the service keeps serving").isEqualTo(200);
        assertThat(service.post("/jobs", "{\"job\": \"audit\", \"parameters\": {\"max_ids\": 0}}").path("success").asBoolean()).isTrue();
    }

    @Test
    void replayRejectedMovesEventsANewerContractAcceptsExactlyOnceThroughAKillNine(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "replay");
        lake.createTopic(2);
        SampleEvents samples = new SampleEvents(11);
        Map<LakeTable, Long> valid = new EnumMap<>(LakeTable.class);
        List<String> newer = new ArrayList<>();
        int malformed = 0;
        try (KafkaProducer<String, String> producer = lake.producer()) {
            for (int index = 0; index < 240; index++) {
                EventType type = samples.nextType();
                ObjectNode event = samples.event(type, START.plusSeconds(index));
                if (index % 8 == 3) {
                    // what a newer API writes: schema version 2, which this lake does not read yet
                    event.put("schema_version", 2);
                    newer.add(event.path("event_id").asText());
                    valid.merge(type.table(), 1L, Long::sum);
                }
                else if (index % 31 == 5) {
                    producer.send(new ProducerRecord<>(lake.topic, "{\"broken\": ")).get();
                    malformed++;
                    continue;
                }
                else {
                    valid.merge(type.table(), 1L, Long::sum);
                }
                producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(event))).get();
            }
        }
        long rejected = newer.size() + malformed;
        JobProcess first = lake.job("v1", Map.of("SUPPORTED_SCHEMA_VERSIONS", "1"));
        first.start();
        await("the newer events to be rejected").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> lake.prestoCount(LakeTable.REJECTED_EVENTS) == rejected);
        first.stop();

        // the lake deploys the newer contract; a replay moves what it now accepts, once
        JobProcess second = lake.job("v2", Map.of("SUPPORTED_SCHEMA_VERSIONS", "1,2"));
        second.start();
        JsonNode accepted = second.post("/jobs", "{\"job\": \"replay-rejected\", \"mode\": \"async\"}");
        String id = accepted.path("payload").path("id").asText();
        await("the replay's Spark work to start").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> second.get("/jobs/" + id).path("payload").path("spark").path("jobs").asInt() > 0);
        second.kill();

        JobProcess third = lake.job("v2-again", Map.of("SUPPORTED_SCHEMA_VERSIONS", "1,2"));
        try {
            third.start();
            JsonNode rerun = third.post("/jobs", "{\"job\": \"replay-rejected\"}").path("payload").path("result");
            assertThat(rerun.path("moved").asLong() + rerun.path("already_in_table").asLong()).as("rerun %s", rerun).isEqualTo(newer.size());
            assertThat(rerun.path("stayed").asLong()).isEqualTo(malformed);
            assertThat(rerun.path("stayed_reasons").fieldNames().next()).startsWith("invalid JSON");
            JsonNode again = third.post("/jobs", "{\"job\": \"replay-rejected\"}").path("payload").path("result");
            assertThat(again.path("moved").asLong()).as("a second run adds nothing: %s", again).isZero();
            assertThat(again.path("already_in_table").asLong()).isEqualTo(newer.size());

            for (LakeTable table : LakeTable.values()) {
                if (table.isEventTable()) {
                    assertThat(lake.prestoCount(table)).as("rows of %s", table.tableName()).isEqualTo(valid.getOrDefault(table, 0L));
                }
            }
            String allIds = List.of(LakeTable.values()).stream().filter(LakeTable::isEventTable)
                    .map(table -> "select event_id from " + lake.table(table)).collect(Collectors.joining(" union all "));
            Map<String, String> ids = lake.query("select count(*) as total, count(distinct event_id) as distinct_ids from (" + allIds + ")").get(0);
            assertThat(ids.get("total")).isEqualTo(ids.get("distinct_ids"));
            assertThat(lake.count("select count(*) from (" + allIds + ") where event_id in ('" + String.join("','", newer) + "')"))
                    .as("each replayed event once").isEqualTo(newer.size());
            JsonNode audit = third.post("/jobs", "{\"job\": \"audit\"}").path("payload").path("result");
            assertThat(audit.path("missing").asLong()).as("audit %s", audit).isZero();
            assertThat(audit.path("duplicated").asLong()).isZero();
        }
        finally {
            if (third.isAlive()) {
                third.stop();
            }
        }
    }

    @Test
    void anAsyncAuditIsCancelledAndIngestionKeepsCommittingWhileAJobRuns(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "cancel");
        lake.createTopic(2);
        JobProcess service = lake.job("service", Map.of("MAX_OFFSETS_PER_TRIGGER", "20000"));
        int events = 60_000;
        try {
            produceFast(lake, events);
            service.start();
            await("a first batch").atMost(Duration.ofMinutes(4)).until(() -> service.batchesLogged() >= 1);

            JsonNode accepted = service.post("/jobs", "{\"job\": \"audit\", \"mode\": \"async\", \"external_id\": \"to-cancel\"}");
            assertThat(accepted.path("payload").path("state").asText()).isEqualTo("running");
            String id = accepted.path("payload").path("id").asText();
            await("the audit's Spark work to run").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> service.get("/jobs/" + id).path("payload").path("spark").path("active_jobs").asInt() > 0);
            HttpResponse<String> delete = service.client().request("DELETE", "/jobs/" + id);
            assertThat(delete.statusCode()).as(delete.body()).isEqualTo(200);
            assertThat(delete.body()).contains("\"state\":\"cancelled\"").contains("\"external_id\":\"to-cancel\"");
            assertThat(service.get("/jobs/" + id).path("payload").path("state").asText()).isEqualTo("cancelled");
            await("the cancelled audit's Spark jobs to stop").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> service.get("/jobs/" + id).path("payload").path("spark").path("active_jobs").asInt() == 0);

            long batchBefore = service.get("/batches?limit=1").path("batches").get(0).path("batch_id").asLong();
            JsonNode audit = service.post("/jobs", "{\"job\": \"audit\"}");
            assertThat(audit.path("success").asBoolean()).as("audit %s", audit).isTrue();
            Instant auditStart = Instant.parse(audit.path("payload").path("timings").path("submitted_at").asText());
            Instant auditEnd = Instant.parse(audit.path("payload").path("timings").path("finished_at").asText());
            JsonNode batches = service.get("/batches?limit=1000").path("batches");
            long committedDuringAudit = 0;
            for (JsonNode batch : batches) {
                Instant committedAt = Instant.parse(batch.path("committed_at").asText());
                if (batch.path("batch_id").asLong() > batchBefore && committedAt.isAfter(auditStart) && committedAt.isBefore(auditEnd)) {
                    committedDuringAudit++;
                }
            }
            System.out.println("figures: audit of " + events + " events took " + Duration.between(auditStart, auditEnd).toMillis()
                    + " ms; ingestion committed " + committedDuringAudit + " batch(es) meanwhile");
            assertThat(committedDuringAudit).as("batches committed while the audit ran (%s to %s)", auditStart, auditEnd).isPositive();
        }
        finally {
            if (service.isAlive()) {
                service.stop();
            }
        }
    }

    private static void produceFast(LakeTestSupport lake, int events) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, lake.stack.kafkaBootstrap());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        SampleEvents samples = new SampleEvents(5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            for (int index = 0; index < events; index++) {
                producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(samples.event(samples.nextType(), START.plusMillis(index)))));
            }
            producer.flush();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
