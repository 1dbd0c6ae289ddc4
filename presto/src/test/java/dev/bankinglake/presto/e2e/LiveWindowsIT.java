package dev.bankinglake.presto.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bankinglake.contract.EventType;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Live windows over the real stack: the built API and the built lake service, each in its own JVM on
 * this test's own topic, lake root, checkpoints and Hive database, with short windows (10 s buckets,
 * 20 s trade windows sliding by 10 s, a 2 s watermark delay) so that windows close within seconds.
 */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveWindowsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final long BUCKET_MS = 10_000;
    private static final long SLIDE_MS = 10_000;
    private static final int WINDOWS_PER_TRADE = 2;
    private static final int SQL_MAX_ROWS = 50;
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

    private static LocalStack stack;
    private static String run;
    private static String topic;
    private static String database;
    private static ServiceProcess api;
    private static ServiceProcess lake;
    private static KafkaProducer<String, String> producer;
    private static final List<String> figures = new ArrayList<>();

    @BeforeAll
    static void startApiAndLakeService(LocalStack localStack) throws Exception {
        stack = localStack;
        run = "windows_" + UUID.randomUUID().toString().substring(0, 8);
        topic = "it-" + run.replace('_', '-');
        database = run;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer = new KafkaProducer<>(properties);

        Path repo = stack.repoRoot();
        int apiPort = freePort();
        Map<String, String> apiEnvironment = new HashMap<>(Map.of("API_PORT", String.valueOf(apiPort), "API_HOST", "127.0.0.1",
                "KAFKA_BOOTSTRAP", stack.kafkaBootstrap(), "EVENTS_TOPIC", topic));
        api = new ServiceProcess(run + "-api", repo.resolve("api"), "lake-api", "dev.bankinglake.api.ApiServer", List.of("-Xmx256m"),
                apiEnvironment, apiPort);

        int lakePort = freePort();
        Map<String, String> lakeEnvironment = new HashMap<>(stack.environment());
        // on-demand jobs over MQTT are another test's business
        lakeEnvironment.keySet().removeIf(name -> name.startsWith("MQTT"));
        String root = stack.hdfsUri() + "/it/" + run;
        lakeEnvironment.putAll(Map.ofEntries(
                Map.entry("EVENTS_TOPIC", topic),
                Map.entry("LAKE_ROOT", root + "/lake"),
                Map.entry("CHECKPOINT_DIR", root + "/checkpoint"),
                Map.entry("HIVE_DATABASE", database),
                Map.entry("LAKE_SERVICE_PORT", String.valueOf(lakePort)),
                Map.entry("PRESTO_URL", "https://127.0.0.1:" + stack.environment().get("PRESTO_PORT")),
                Map.entry("SPARK_MASTER", "local[2]"),
                Map.entry("TRIGGER_INTERVAL", "500 ms"),
                Map.entry("WATERMARK_DELAY", "2 seconds"),
                Map.entry("WINDOW_BUCKET", BUCKET_MS / 1000 + " seconds"),
                Map.entry("TRADE_WINDOW", WINDOWS_PER_TRADE * SLIDE_MS / 1000 + " seconds"),
                Map.entry("TRADE_SLIDE", SLIDE_MS / 1000 + " seconds"),
                Map.entry("WINDOWS_TOPIC", topic + "-windows"),
                Map.entry("ANALYTICS_SQL_MAX_ROWS", String.valueOf(SQL_MAX_ROWS)),
                Map.entry("ANALYTICS_SQL_TIMEOUT", "3 seconds"),
                Map.entry("SPARK_LOCAL_IP", "127.0.0.1")));
        List<String> jvm = new ArrayList<>(List.of("-Xmx768m"));
        for (String line : Files.readAllLines(repo.resolve("spark-jobs/jvm-options.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                jvm.add(line.trim());
            }
        }
        lake = new ServiceProcess(run + "-lake", repo.resolve("spark-jobs"), "lake-spark-jobs", "dev.bankinglake.service.LakeService", jvm,
                lakeEnvironment, lakePort);
        api.start();
        lake.start();
    }

    @AfterAll
    static void stopServices() throws Exception {
        if (lake != null) {
            lake.stop();
        }
        if (api != null) {
            api.stop();
        }
        if (producer != null) {
            producer.close();
        }
        figures.forEach(line -> System.out.println("figures: " + line));
    }

    // ------------------------------------------------------------------ the stream

    @Test
    @Order(1)
    void theStreamDeliversTheUpdateOfAnEventWithinThreeSecondsOfTheApisAnswer() throws Exception {
        JsonNode health = json(lake.get("/health"));
        assertThat(health.path("queries").path("windows").asText()).isEqualTo("active");
        try (EventStream stream = EventStream.open(lake.url() + "/analytics/stream")) {
            await("the stream's first pipeline event").atMost(Duration.ofSeconds(30)).until(() -> stream.count("pipeline") > 0);
            assertThat(api.post("/open_account/", "{\"user_id\": \"sse\", \"full_name\": \"Sam Sender\"}").statusCode()).isEqualTo(201);
            await("the windows query to emit the account opening").atMost(Duration.ofMinutes(2))
                    .until(() -> stream.windows().anyMatch(update -> update.path("key").asText().equals("open_account")));

            long sentAt = System.nanoTime();
            HttpResponse<String> deposit = api.post("/deposit/", "{\"user_id\": \"sse\", \"amount\": \"12.34\"}");
            long answeredAt = System.nanoTime();
            assertThat(deposit.statusCode()).isIn(200, 201);
            AtomicReference<EventStream.Event> update = new AtomicReference<>();
            await("the deposit's window update on the stream").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        stream.events().stream().filter(event -> event.name().equals("window") && event.receivedAt() >= sentAt
                                && event.data().path("key").asText().equals("make_deposit")).findFirst().ifPresent(update::set);
                        return update.get() != null;
                    });
            double seconds = (update.get().receivedAt() - answeredAt) / 1e9;
            String inLake = "select count(*) from " + table("cash_transactions") + " where user_id = 'sse' and amount = 12.34";
            await("the deposit in the lake").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> count(inLake) == 1);
            double toLake = (System.nanoTime() - answeredAt) / 1e9;
            figures.add(String.format("an event with no window closing: API 200 to the lake (a Presto count, polled every 100 ms) %.2f s, "
                    + "to its window update on /analytics/stream %.2f s", toLake, seconds));
            assertThat(seconds).as("seconds from the API's 200 to the update on the stream").isLessThanOrEqualTo(3.0);
            assertThat(update.get().data().path("figures").path("total_amount").decimalValue()).isEqualByComparingTo("12.34");
            assertThat(update.get().data().path("final").asBoolean()).isFalse();
        }
    }

    // ------------------------------------------------------------------ read-only SQL

    @Test
    @Order(2)
    void sqlRefusesWritesCapsRowsAndStopsALongQuery() throws Exception {
        await("the window tables in the metastore").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> sql("select count(*) from event_counts").statusCode() == 200);
        Map<String, String> writes = Map.of(
                "INSERT", "insert into event_counts select * from event_counts",
                "CREATE", "create table windows_copy as select * from event_counts",
                "DROP", "drop table event_counts",
                "DELETE", "delete from event_counts",
                // the writable catalog named outright: Presto's access control keeps the analytics user out of it
                "INSERT into hive", "insert into " + table("event_counts") + " select * from event_counts",
                "CREATE in hive", "create table " + table("windows_copy") + " as select * from event_counts",
                "DROP in hive", "drop table " + table("event_counts"),
                "SELECT from hive", "select count(*) from " + table("event_counts"));
        for (Map.Entry<String, String> write : writes.entrySet()) {
            HttpResponse<String> answer = sql(write.getValue());
            assertThat(answer.statusCode()).as("%s: %s", write.getKey(), answer.body()).isEqualTo(400);
            assertThat(json(answer).path("error").asText()).as(write.getKey()).startsWith("Presto refused the query: Access Denied: Cannot");
        }
        HttpResponse<String> typo = sql("selec 1");
        assertThat(typo.statusCode()).isEqualTo(400);
        assertThat(json(typo).path("error").asText()).contains("mismatched input 'selec'");

        JsonNode capped = json(sql("select x from unnest(sequence(1, 500)) as t(x) order by x"));
        assertThat(capped.path("rows")).hasSize(SQL_MAX_ROWS);
        assertThat(capped.path("truncated").asBoolean()).isTrue();
        assertThat(capped.path("rows").get(0).path("x").asLong()).isEqualTo(1);

        long started = System.nanoTime();
        HttpResponse<String> endless = sql("select count(*) from unnest(sequence(1, 10000)) a(x) cross join unnest(sequence(1, 10000)) b(y) "
                + "cross join unnest(sequence(1, 10000)) c(z)");
        double seconds = (System.nanoTime() - started) / 1e9;
        figures.add(String.format("a query past the 3 s limit answered 400 after %.1f s: %s", seconds, json(endless).path("error").asText()));
        assertThat(endless.statusCode()).isEqualTo(400);
        assertThat(json(endless).path("error").asText()).contains("exceeded").contains("3.00s");
        assertThat(seconds).isLessThan(30);

        await("the deposit in cash_transactions").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .until(() -> json(lake.get("/analytics/tables/cash_transactions?limit=1")).path("rows").size() == 1);
        JsonNode newest = json(lake.get("/analytics/tables/cash_transactions?limit=1"));
        assertThat(newest.path("rows").get(0).path("user_id").asText()).isEqualTo("sse");
        assertThat(newest.path("rows").get(0).path("event_time").asText()).endsWith("Z");
        assertThat(lake.get("/analytics/tables/cash_transactions?limit=x").statusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ late data

    @Test
    @Order(3)
    void anEventOlderThanTheWatermarkIsInItsRawTableAndCountedLate() throws Exception {
        long lateBefore = json(lake.get("/pipeline")).path("windows").path("late_rows").asLong();
        assertThat(json(lake.get("/pipeline")).path("windows").path("watermark").asText()).as("a watermark is set").isNotEmpty();
        String eventId = UUID.randomUUID().toString();
        ObjectNode late = new SampleEvents(11).event(EventType.MAKE_DEPOSIT, eventId, Instant.now().minus(Duration.ofMinutes(5)));
        producer.send(new ProducerRecord<>(topic, SampleEvents.toJson(late))).get();
        // a fresh event right after it moves the stream on
        api.get("/return_price");

        await("the late event in the late count of /pipeline").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> json(lake.get("/pipeline")).path("windows").path("late_rows").asLong() >= lateBefore + 1);
        String metrics = lake.get("/metrics").body();
        assertThat(metrics).containsPattern("(?m)^lake_windows_late_rows_total(\\{[^}]*\\})? [1-9]");
        await("the late event in cash_transactions").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> count("select count(*) from " + table("cash_transactions") + " where event_id = '" + eventId + "'") == 1);
        Instant bucket = Instant.ofEpochMilli(Instant.parse(late.path("event_time").asText()).toEpochMilli() / BUCKET_MS * BUCKET_MS);
        JsonNode windows = json(lake.get("/analytics/counts?event_type=make_deposit&from=" + bucket + "&to=" + bucket.plusMillis(BUCKET_MS)));
        assertThat(windows.path("windows")).as("no window holds the late event").isEmpty();
    }

    // ------------------------------------------------------------------ the dashboard

    @Test
    @Order(4)
    void theDashboardShowsTheLiveWindowOfAnEventTheTestSent() throws Exception {
        assertThat(CHROMEDRIVER).as("chromedriver (Debian package chromium-driver; scripts/setup.sh installs it)").isExecutable();
        assertThat(CHROMIUM).as("chromium (Debian package chromium; scripts/setup.sh installs it)").isExecutable();
        Path profile = Files.createTempDirectory("lake-dashboard-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(lake.url() + "/");
            await("the dashboard to show the pipeline").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> browser.findElement(By.id("phase")).getText().equals("running"));
            String asset = "browser_" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode trade = new SampleEvents(13).event(EventType.BUY_ASSET, Instant.now());
            trade.put("asset_name", asset);
            producer.send(new ProducerRecord<>(topic, SampleEvents.toJson(trade))).get();
            await("the dashboard to show the trade's live window").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !browser.findElements(By.cssSelector("#windows tr[data-table='trade_windows'][data-key='" + asset + "']")).isEmpty());
            // the tables are drawn again on every update: read a row once it is found and still there
            await("the trade's row").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(browser.findElement(By.cssSelector("#windows tr[data-table='trade_windows'][data-key='" + asset + "']"))
                            .getText()).contains("trades 1").contains("units_bought " + trade.path("number_of").asLong()));
            Object chartAssets = ((JavascriptExecutor) browser).executeScript(
                    "return window.lakeDashboard.tradesChart.data.datasets.map(function (d) { return d.label; });");
            assertThat(((List<?>) chartAssets).stream().map(String::valueOf).toList()).contains(asset);
            await("the windows query's row").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(browser.findElement(By.cssSelector("#queries tr[data-query='windows']")).getText()).contains("active"));
            assertTheHistoryChartsShowTheServicesOwnFigures((JavascriptExecutor) browser);
            Path screenshot = Paths.get("target", "it-logs", "dashboard.png");
            Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot, StandardCopyOption.REPLACE_EXISTING);
            figures.add("dashboard screenshot: " + screenshot.toAbsolutePath());
        }
        finally {
            browser.quit();
        }
    }

    /**
     * The dashboard's history charts against the service's own answers: each batch the page charts
     * has the rows of /batches and the rows/s of /analytics/history; each per-bucket count it charts
     * for a final window is that window's count in /analytics/counts.
     */
    private static void assertTheHistoryChartsShowTheServicesOwnFigures(JavascriptExecutor page) throws Exception {
        await("the dashboard's batch history").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> ((Number) page.executeScript("return window.lakeDashboard.history.length")).intValue() > 0
                        && Boolean.TRUE.equals(page.executeScript("return window.lakeDashboard.windowsLoaded === true")));
        List<?> charted = (List<?>) page.executeScript("var d = window.lakeDashboard; return d.history.map(function (b, i) {"
                + " return [b.batch_id, b.rows, d.historyChart.data.datasets[0].data[i], d.historyChart.data.labels[i],"
                + " d.historyChart.data.datasets[3].data[i]]; });");
        Map<Long, JsonNode> batches = new TreeMap<>();
        for (JsonNode batch : json(lake.get("/batches?limit=1000")).path("batches")) {
            batches.put(batch.path("batch_id").asLong(), batch);
        }
        Map<Long, JsonNode> history = new TreeMap<>();
        for (JsonNode batch : json(lake.get("/analytics/history")).path("batches")) {
            history.put(batch.path("batch_id").asLong(), batch);
        }
        for (Object point : charted) {
            List<?> values = (List<?>) point;
            long id = ((Number) values.get(0)).longValue();
            long rows = 0;
            for (JsonNode tableRows : batches.get(id).path("rows")) {
                rows += tableRows.asLong();
            }
            assertThat(((Number) values.get(1)).longValue()).as("rows of batch %d on the page against /batches", id).isEqualTo(rows);
            assertThat(((Number) values.get(2)).doubleValue()).as("rows/s of batch %d on the chart against /analytics/history", id)
                    .isEqualTo(history.get(id).path("input_rows_per_second").asDouble());
            assertThat((String) values.get(3)).as("time of batch %d on the chart", id)
                    .isEqualTo(batches.get(id).path("batch_time").asText().substring(11, 19));
            JsonNode endToEnd = history.get(id).path("end_to_end_ms");
            if (endToEnd.isNull()) {
                assertThat(values.get(4)).as("end-to-end delay of batch %d on the chart: none in /analytics/history", id).isNull();
            }
            else {
                assertThat(((Number) values.get(4)).doubleValue()).as("end-to-end delay of batch %d on the chart against /analytics/history", id)
                        .isEqualTo(endToEnd.asLong() / 1000.0);
            }
        }
        List<?> minutes = (List<?>) page.executeScript("return Array.from(window.lakeDashboard.minutes.entries());");
        Map<String, Long> counted = new TreeMap<>();
        for (JsonNode window : json(lake.get("/analytics/counts")).path("windows")) {
            if (window.path("final").asBoolean()) {
                counted.put(window.path("window_start").asText() + "|" + window.path("event_type").asText(), window.path("events").asLong());
            }
        }
        int compared = 0;
        for (Object entry : minutes) {
            List<?> pair = (List<?>) entry;
            Long events = counted.get((String) pair.get(0));
            if (events != null) {
                assertThat(((Number) pair.get(1)).longValue()).as("events of %s on the per-bucket chart against /analytics/counts", pair.get(0))
                        .isEqualTo(events);
                compared++;
            }
        }
        figures.add("dashboard history: " + charted.size() + " batches against /batches and /analytics/history, " + compared
                + " final buckets against /analytics/counts");
        assertThat(compared).as("final buckets on the page").isPositive();
    }

    // ------------------------------------------------------------------ windows close by the clock

    @Test
    @Order(5)
    void eventsInOneBucketThenSilenceTheBucketIsFinalSoonAfterItsEndPlusTheDelay() throws Exception {
        Instant bucket = Instant.ofEpochMilli((System.currentTimeMillis() / BUCKET_MS + 1) * BUCKET_MS);
        await("the next bucket to begin").atMost(Duration.ofSeconds(15)).until(() -> !Instant.now().isBefore(bucket));
        String user = "quiet_" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(api.post("/open_account/", "{\"user_id\": \"" + user + "\", \"full_name\": \"Quiet Q\"}").statusCode()).isEqualTo(201);
        for (String amount : List.of("1.10", "2.20", "3.30")) {
            assertThat(api.post("/deposit/", "{\"user_id\": \"" + user + "\", \"amount\": \"" + amount + "\"}").statusCode()).isIn(200, 201);
        }
        Instant end = bucket.plusMillis(BUCKET_MS);
        assertThat(Instant.now()).as("the events all fell in one bucket").isBefore(end);
        String range = "event_type=make_deposit&from=" + bucket + "&to=" + end;
        Instant due = end.plusSeconds(2);
        try (EventStream stream = EventStream.open(lake.url() + "/analytics/stream")) {
            // silence from here: only the clock moves the watermark past the bucket
            await("the clock's tick for the bucket").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        String tick = json(lake.get("/pipeline")).path("windows").path("last_tick").asText("");
                        return !tick.isEmpty() && !Instant.parse(tick).isBefore(due);
                    });
            double tickAfterDue = Duration.between(due, Instant.now()).toMillis() / 1000.0;
            // one event the moment the clock ticked, while the windows query closes the bucket: how long
            // until it is in the lake (the ingest query reads no ticks) and on the stream (behind the close)
            long sentAt = System.nanoTime();
            assertThat(api.post("/deposit/", "{\"user_id\": \"" + user + "\", \"amount\": \"4.40\"}").statusCode()).isIn(200, 201);
            long answeredAt = System.nanoTime();
            AtomicReference<EventStream.Event> newEvent = new AtomicReference<>();
            await("the bucket final, by the clock").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .until(() -> json(lake.get("/analytics/counts?" + range)).path("windows").path(0).path("final").asBoolean());
            double afterDue = Duration.between(due, Instant.now()).toMillis() / 1000.0;
            await("the new event's window update on the stream").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        stream.events().stream().filter(event -> event.name().equals("window") && event.receivedAt() >= sentAt
                                && event.data().path("key").asText().equals("make_deposit")
                                && Instant.parse(event.data().path("window_start").asText()).equals(end)).findFirst().ifPresent(newEvent::set);
                        return newEvent.get() != null;
                    });
            double toStream = (newEvent.get().receivedAt() - answeredAt) / 1e9;
            String inLake = "select count(*) from " + table("cash_transactions") + " where user_id = '" + user + "' and amount = 4.40";
            await("the new event in the lake").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> count(inLake) == 1);
            double toLake = (System.nanoTime() - answeredAt) / 1e9;
            figures.add(String.format("events in one bucket, then silence: the clock ticked %.2f s and the bucket was final %.2f s after the bucket's "
                    + "end plus the 2 s watermark delay (500 ms trigger)", tickAfterDue, afterDue));
            figures.add(String.format("an event sent as the clock ticked: API 200 to the lake (a Presto count, polled every 100 ms) %.2f s, "
                    + "to its window update on the stream %.2f s", toLake, toStream));
            // one windows batch: the one that reads the tick closes the bucket
            assertThat(afterDue).as("seconds after the bucket's end plus the watermark delay until it is final").isLessThan(15.0);
            await("the final update on /analytics/stream").atMost(Duration.ofSeconds(30))
                    .until(() -> stream.windows().anyMatch(update -> update.path("final").asBoolean() && update.path("key").asText().equals("make_deposit")
                            && Instant.parse(update.path("window_start").asText()).equals(bucket)));
        }
        JsonNode onTopic = finalOnTheWindowsTopic("event_counts|" + bucket + "|make_deposit");
        assertThat(onTopic.path("figures").path("events").asLong()).as("the final update on the windows topic: %s", onTopic).isEqualTo(3);
        JsonNode window = json(lake.get("/analytics/counts?" + range)).path("windows").path(0);
        assertThat(window.path("events").asLong()).as("events of %s", window).isEqualTo(3);
        assertThat(window.path("total_amount").decimalValue()).as("total_amount of %s", window).isEqualByComparingTo("6.60");
        await("the bucket in event_counts, once, equal to a Presto recount").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().untilAsserted(() -> assertThat(recountEvents(bucket, end).get(bucket.toEpochMilli() + "|make_deposit"))
                        .isNotNull()
                        .isEqualTo(windowsOf(json(lake.get("/analytics/counts?" + range)), "event_type", "events", "total_amount")
                                .get(bucket.toEpochMilli() + "|make_deposit")));
        assertThat(count("select count(*) from " + table("event_counts") + " where event_type = 'make_deposit' and to_unixtime(window_start) = "
                + bucket.getEpochSecond())).as("rows of the bucket in event_counts").isEqualTo(1);
    }

    // ------------------------------------------------------------------ final windows = a recount of the raw tables

    @Test
    @Order(6)
    void finalWindowsEqualAPrestoRecountOfTheRawTablesAndAreHeldOnceAfterAKillNine() throws Exception {
        String[] users = {"ann", "bob", "cid"};
        for (String user : users) {
            assertThat(api.post("/open_account/", "{\"user_id\": \"" + user + "\", \"full_name\": \"User " + user + "\"}").statusCode()).isEqualTo(201);
            assertThat(api.post("/deposit/", "{\"user_id\": \"" + user + "\", \"amount\": \"100000\"}").statusCode()).isIn(200, 201);
        }
        Instant from = Instant.ofEpochMilli((System.currentTimeMillis() / BUCKET_MS + 1) * BUCKET_MS);
        await("the first bucket of the mix to begin").atMost(Duration.ofSeconds(15)).until(() -> !Instant.now().isBefore(from));

        // a known mix through the API for about 30 s; the lake service is killed -9 and started again in the middle
        Random random = new Random(10);
        AtomicInteger accepted = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ScheduledExecutorService mix = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger ticks = new AtomicInteger();
        mix.scheduleAtFixedRate(() -> {
            if (ticks.incrementAndGet() > 120 || failure.get() != null) {
                return;
            }
            try {
                String user = users[random.nextInt(users.length)];
                String asset = random.nextBoolean() ? "stock_a" : "bond_a";
                HttpResponse<String> answer = switch (random.nextInt(5)) {
                    case 0 -> api.post("/deposit/", "{\"user_id\": \"" + user + "\", \"amount\": \"" + (1 + random.nextInt(500)) + "." + random.nextInt(10) + "5\"}");
                    case 1 -> api.post("/withdraw/", "{\"user_id\": \"" + user + "\", \"amount\": \"" + (1 + random.nextInt(20)) + ".10\"}");
                    case 2 -> api.post("/buy_asset/", "{\"user_id\": \"" + user + "\", \"asset_name\": \"" + asset + "\", \"number_of\": " + (1 + random.nextInt(3)) + "}");
                    case 3 -> api.post("/sell_asset/", "{\"user_id\": \"" + user + "\", \"asset_name\": \"" + asset + "\", \"number_of\": 1}");
                    default -> api.get("/return_asset_price/" + asset);
                };
                if (answer.statusCode() < 300) {
                    accepted.incrementAndGet();
                }
            }
            catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        // while the mix runs: what /pipeline and /metrics say of each new ingest batch
        List<JsonNode> samples = new CopyOnWriteArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> {
            try {
                JsonNode progress = ingestProgress();
                String metrics = lake.get("/metrics").body();
                JsonNode again = ingestProgress();
                if (progress != null && again != null && progress.path("batch_id").asLong() == again.path("batch_id").asLong()) {
                    Matcher gauge = Pattern.compile("(?m)^lake_input_rows_per_second(?:\\{[^}]*\\})? (\\S+)$").matcher(metrics);
                    ObjectNode sample = progress.deepCopy();
                    sample.put("metrics_input_rows_per_second", gauge.find() ? Double.parseDouble(gauge.group(1)) : -1);
                    samples.add(sample);
                }
            }
            catch (InterruptedException e) {
                // the sampler is being stopped: not a failure of the mix
                Thread.currentThread().interrupt();
            }
            catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, 100, 150, TimeUnit.MILLISECONDS);
        try {
            await("half of the mix").atMost(Duration.ofMinutes(1)).until(() -> ticks.get() >= 50);
            sampler.shutdownNow();
            assertRatesAgreeWithTheBatches(samples);
            long lastBatchBefore = json(lake.get("/batches?limit=1")).path("batches").path(0).path("batch_id").asLong();
            long killedAt = System.nanoTime();
            lake.kill();
            lake.start();
            figures.add(String.format("kill -9 of the lake service mid-run, healthy again after %.1f s", (System.nanoTime() - killedAt) / 1e9));
            // the dashboard's last hour survives the restart: the batches before it come back from the lineage table
            await("the batch history from before the kill, from the lineage table").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        JsonNode restored = json(lake.get("/analytics/history")).path("batches");
                        for (JsonNode batch : restored) {
                            if (batch.path("batch_id").asLong() == lastBatchBefore) {
                                return batch.path("source").asText().equals("lineage");
                            }
                        }
                        return false;
                    });
            await("the whole mix").atMost(Duration.ofMinutes(2)).until(() -> ticks.get() > 120 || failure.get() != null);
        }
        finally {
            mix.shutdownNow();
            sampler.shutdownNow();
        }
        assertThat(failure.get()).as("requests of the mix").isNull();
        Instant to = Instant.ofEpochMilli((System.currentTimeMillis() / BUCKET_MS + 1) * BUCKET_MS);
        figures.add("mix: " + accepted.get() + " accepted requests from " + from + " to " + to);

        // then silence: no event moves the watermark; the windows close by the clock (WindowClock)
        String range = "from=" + from + "&to=" + to;
        long lateBefore = json(lake.get("/pipeline")).path("windows").path("late_rows").asLong();
        try (EventStream stream = EventStream.open(lake.url() + "/analytics/stream")) {
            // the last bucket ends at `to`; the last trade window (starting 10 s before `to`) 10 s later
            Instant lastTradeEnd = to.plusMillis(WINDOWS_PER_TRADE * SLIDE_MS - SLIDE_MS);
            await("every bucket of the mix final, by the clock").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> json(lake.get("/analytics/counts?" + range)).path("open_windows").asLong() == 0);
            double bucketAfterDue = Duration.between(to.plusSeconds(2), Instant.now()).toMillis() / 1000.0;
            await("every trade window of the mix final, by the clock").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> json(lake.get("/analytics/trades?" + range)).path("open_windows").asLong() == 0);
            double tradeAfterDue = Duration.between(lastTradeEnd.plusSeconds(2), Instant.now()).toMillis() / 1000.0;
            figures.add(String.format("silence after the mix: the last bucket final %.2f s, the last trade window %.2f s after its end "
                    + "plus the 2 s watermark delay", bucketAfterDue, tradeAfterDue));
            // no bound here: the windows query is still catching up after the kill -9 (see the test before for the bound)
            // the last bucket that holds events of the mix (the mix may end before the bucket before `to` begins)
            long lastBucket = 0;
            for (JsonNode window : json(lake.get("/analytics/counts?" + range)).path("windows")) {
                lastBucket = Math.max(lastBucket, Instant.parse(window.path("window_start").asText()).toEpochMilli());
            }
            long last = lastBucket;
            await("the final update of the last bucket (" + Instant.ofEpochMilli(last) + ") on /analytics/stream").atMost(Duration.ofSeconds(30))
                    .until(() -> stream.windows().anyMatch(update -> update.path("final").asBoolean() && update.path("table").asText().equals("event_counts")
                            && Instant.parse(update.path("window_start").asText()).toEpochMilli() == last));
        }
        await("every window from " + from + " to " + to + " final, and equal to a Presto recount of the raw tables")
                .atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    JsonNode counts = json(lake.get("/analytics/counts?" + range));
                    JsonNode trades = json(lake.get("/analytics/trades?" + range));
                    assertThat(counts.path("open_windows").asLong() + trades.path("open_windows").asLong()).as("open windows").isZero();
                    assertThat(windowsOf(counts, "event_type", "events", "total_amount")).isEqualTo(recountEvents(from, to));
                    assertThat(windowsOf(trades, "asset_name", "trades", "units_bought", "units_sold", "value_bought", "value_sold",
                            "avg_unit_price", "min_unit_price", "max_unit_price")).isEqualTo(recountTrades(from, to));
                });
        JsonNode counts = json(lake.get("/analytics/counts?from=" + from + "&to=" + to));
        Map<String, List<String>> windowsAfterTheMix = windowsOf(counts, "event_type", "events", "total_amount");
        figures.add("final windows compared with the recount: " + counts.path("windows").size() + " event_counts, "
                + json(lake.get("/analytics/trades?from=" + from + "&to=" + to)).path("windows").size() + " trade_windows");
        assertThat(counts.path("windows").size()).as("buckets x event types of the mix").isGreaterThan(6);

        for (String[] table : new String[][] {{"event_counts", "event_type"}, {"trade_windows", "asset_name"}}) {
            assertThat(count("select count(*) from (select window_start, " + table[1] + " from " + table(table[0]) + " group by 1, 2 having count(*) > 1)"))
                    .as("windows of %s held more than once", table[0]).isZero();
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap()))) {
            ConfigResource windowsTopic = new ConfigResource(ConfigResource.Type.TOPIC, topic + "-windows");
            assertThat(admin.describeConfigs(List.of(windowsTopic)).all().get().get(windowsTopic).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }

        // a later event for the last bucket, closed by the clock: counted late, in no window
        ObjectNode late = new SampleEvents(12).event(EventType.MAKE_DEPOSIT, UUID.randomUUID().toString(), to.minusMillis(500));
        producer.send(new ProducerRecord<>(topic, SampleEvents.toJson(late))).get();
        await("the event for a window closed by the clock counted late").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> json(lake.get("/pipeline")).path("windows").path("late_rows").asLong() >= lateBefore + 1);
        assertThat(windowsOf(json(lake.get("/analytics/counts?" + range)), "event_type", "events", "total_amount"))
                .as("the windows after the late event").isEqualTo(windowsAfterTheMix);
    }

    @Test
    @Order(7)
    void aRestartedServiceShowsTheOpenWindowsItShowedBefore() throws Exception {
        // nothing else is sent from here on: the windows change only if the restart loses them. The
        // deposit comes at the start of a bucket, so that its windows are still open at the kill; the
        // clock may close them once the service is back, with the figures they had.
        Instant bucket = Instant.ofEpochMilli((System.currentTimeMillis() / BUCKET_MS + 1) * BUCKET_MS);
        await("the next bucket to begin").atMost(Duration.ofSeconds(15)).until(() -> !Instant.now().isBefore(bucket));
        assertThat(api.post("/deposit/", "{\"user_id\": \"ann\", \"amount\": \"1.25\"}").statusCode()).isIn(200, 201);
        await("the deposit's open window").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> openWindows().stream().anyMatch(window -> window.contains("make_deposit")));
        List<String> before = withoutFinal(openWindows());

        lake.kill();
        lake.start();
        List<String> after = withoutFinal(allWindows());
        figures.add("open windows before a kill -9: " + before.size() + ", all of them shown with the same figures right after the restart");
        assertThat(after).as("windows right after the restart, open or closed since by the clock").containsAll(before);
    }

    /** The final update of a window on the windows topic, read from its beginning (at most 30 s). */
    private static JsonNode finalOnTheWindowsTopic(String key) throws Exception {
        Map<String, Object> properties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "live-windows-it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic + "-windows"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key()) && record.value() != null) {
                        JsonNode update = JSON.readTree(record.value());
                        if (update.path("final").asBoolean()) {
                            return update;
                        }
                    }
                }
            }
        }
        throw new AssertionError("no final update of " + key + " on " + topic + "-windows within 30 s");
    }

    /** The last progress of the ingest query in /pipeline, or null before its first batch. */
    private static JsonNode ingestProgress() throws Exception {
        for (JsonNode query : json(lake.get("/pipeline")).path("queries")) {
            if (query.path("name").asText().equals("ingest") && !query.path("last_progress").isNull()) {
                return query.path("last_progress");
            }
        }
        return null;
    }

    /**
     * Under a steady load of small batches: each sampled batch's rows in /pipeline are its rows in
     * /batches, its rows/s are those rows over the time since the batch before it in /batches
     * (within 10%), never 0 for a batch with rows, and /metrics says the same.
     */
    private static void assertRatesAgreeWithTheBatches(List<JsonNode> samples) throws Exception {
        Map<Long, JsonNode> batches = new TreeMap<>();
        for (JsonNode batch : json(lake.get("/batches?limit=500")).path("batches")) {
            batches.put(batch.path("batch_id").asLong(), batch);
        }
        Map<Long, JsonNode> sampled = new TreeMap<>();
        samples.forEach(sample -> sampled.putIfAbsent(sample.path("batch_id").asLong(), sample));
        int compared = 0;
        for (JsonNode sample : sampled.values()) {
            long id = sample.path("batch_id").asLong();
            JsonNode batch = batches.get(id);
            JsonNode previous = batches.get(id - 1);
            if (batch == null || previous == null) {
                continue;
            }
            long rows = 0;
            for (JsonNode tableRows : batch.path("rows")) {
                rows += tableRows.asLong();
            }
            double seconds = Duration.between(Instant.parse(previous.path("batch_time").asText()), Instant.parse(batch.path("batch_time").asText()))
                    .toMillis() / 1000.0;
            double expected = rows / seconds;
            double shown = sample.path("input_rows_per_second").asDouble();
            assertThat(sample.path("input_rows").asLong()).as("/pipeline's input_rows of batch %d against /batches", id).isEqualTo(rows);
            assertThat(shown).as("/pipeline's rows/s of batch %d (%d rows, %.3f s after batch %d)", id, rows, seconds, id - 1)
                    .isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(10));
            if (rows > 0) {
                assertThat(shown).as("rows/s of batch %d, which committed %d rows", id, rows).isPositive();
            }
            assertThat(sample.path("metrics_input_rows_per_second").asDouble()).as("/metrics' lake_input_rows_per_second at batch %d", id)
                    .isCloseTo(shown, org.assertj.core.data.Offset.offset(1e-6));
            compared++;
        }
        figures.add(String.format("rows/s of %d small batches in /pipeline and /metrics against /batches: all within 10%%", compared));
        assertThat(compared).as("sampled batches with their predecessor in /batches").isGreaterThanOrEqualTo(5);
    }

    /** Every window the analytics routes answer (the last hour), open or final, as sorted text. */
    /**
     * The windows a route answers with; retried while it answers an error (the service refuses a
     * Presto query past its time limit, as it may on two busy cores right after a restart).
     */
    private static JsonNode windowsOf(String route) {
        AtomicReference<JsonNode> answer = new AtomicReference<>();
        await("a 200 from " + route).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            HttpResponse<String> response = lake.get(route);
            if (response.statusCode() != 200) {
                return false;
            }
            answer.set(json(response).path("windows"));
            return true;
        });
        return answer.get();
    }

    private static List<String> allWindows() throws Exception {
        List<String> all = new ArrayList<>();
        for (String route : List.of("/analytics/counts", "/analytics/trades")) {
            for (JsonNode window : windowsOf(route)) {
                all.add(route + " " + window);
            }
        }
        all.sort(null);
        return all;
    }

    /** The windows' text without their "final" field. */
    private static List<String> withoutFinal(List<String> windows) {
        return windows.stream().map(window -> window.replaceAll(",?\"final\":(true|false)", "")).sorted().toList();
    }

    /** The open windows the analytics routes answer (the last hour), as sorted text. */
    private static List<String> openWindows() throws Exception {
        List<String> open = new ArrayList<>();
        for (String route : List.of("/analytics/counts", "/analytics/trades")) {
            for (JsonNode window : windowsOf(route)) {
                if (!window.path("final").asBoolean()) {
                    open.add(route + " " + window);
                }
            }
        }
        open.sort(null);
        return open;
    }

    /** window start (epoch ms) | key -> the figures, as text, of the windows of a route's answer; every one must be final. */
    private static Map<String, List<String>> windowsOf(JsonNode answer, String keyColumn, String... figureNames) {
        Map<String, List<String>> windows = new TreeMap<>();
        for (JsonNode window : answer.path("windows")) {
            assertThat(window.path("final").asBoolean()).as("final: %s", window).isTrue();
            List<String> values = new ArrayList<>();
            for (String figure : figureNames) {
                values.add(figure + "=" + text(window.path(figure)));
            }
            windows.put(Instant.parse(window.path("window_start").asText()).toEpochMilli() + "|" + window.path(keyColumn).asText(), values);
        }
        return windows;
    }

    private static Map<String, List<String>> recountEvents(Instant from, Instant to) throws Exception {
        String amountTypes = "'make_deposit', 'make_withdrawal', 'buy_asset', 'sell_asset'";
        String events = String.join(" union all ", List.of("asset_prices", "account_status", "asset_transactions", "cash_transactions").stream()
                .map(name -> "select event_type, event_time, " + (name.equals("account_status") ? "cast(null as decimal(18,2))" : "amount")
                        + " as amount from " + table(name)).toList());
        String sql = "select cast(floor(to_unixtime(event_time) * 1000 / " + BUCKET_MS + ") * " + BUCKET_MS + " as bigint) as bucket, event_type, "
                + "count(*) as events, sum(case when event_type in (" + amountTypes + ") then amount end) as total_amount "
                + "from (" + events + ") where to_unixtime(event_time) >= " + from.getEpochSecond() + " and to_unixtime(event_time) < "
                + to.getEpochSecond() + " group by 1, 2";
        Map<String, List<String>> windows = new TreeMap<>();
        query(sql, row -> windows.put(row.getLong("bucket") + "|" + row.getString("event_type"),
                List.of("events=" + row.getLong("events"), "total_amount=" + money(row.getBigDecimal("total_amount")))));
        return windows;
    }

    private static Map<String, List<String>> recountTrades(Instant from, Instant to) throws Exception {
        String start = "cast(floor(to_unixtime(event_time) * 1000 / " + SLIDE_MS + ") * " + SLIDE_MS + " - i * " + SLIDE_MS + " as bigint)";
        String windows = "select " + start + " as window_start, asset_name, event_type, number_of, amount, unit_price from "
                + table("asset_transactions") + " cross join unnest(sequence(0, " + (WINDOWS_PER_TRADE - 1) + ")) as k(i)";
        String sql = "select window_start, asset_name, count(*) as trades, "
                + "coalesce(sum(case when event_type = 'buy_asset' then number_of end), 0) as units_bought, "
                + "coalesce(sum(case when event_type = 'sell_asset' then number_of end), 0) as units_sold, "
                + "coalesce(sum(case when event_type = 'buy_asset' then amount end), 0) as value_bought, "
                + "coalesce(sum(case when event_type = 'sell_asset' then amount end), 0) as value_sold, "
                + "sum(unit_price) as sum_unit_price, min(unit_price) as min_unit_price, max(unit_price) as max_unit_price "
                + "from (" + windows + ") where window_start >= " + from.toEpochMilli() + " and window_start < " + to.toEpochMilli()
                + " group by 1, 2";
        Map<String, List<String>> recount = new TreeMap<>();
        query(sql, row -> {
            long trades = row.getLong("trades");
            BigDecimal average = row.getBigDecimal("sum_unit_price").divide(BigDecimal.valueOf(trades), 2, RoundingMode.HALF_UP);
            recount.put(row.getLong("window_start") + "|" + row.getString("asset_name"), List.of("trades=" + trades,
                    "units_bought=" + row.getLong("units_bought"), "units_sold=" + row.getLong("units_sold"),
                    "value_bought=" + money(row.getBigDecimal("value_bought")), "value_sold=" + money(row.getBigDecimal("value_sold")),
                    "avg_unit_price=" + money(average), "min_unit_price=" + money(row.getBigDecimal("min_unit_price")),
                    "max_unit_price=" + money(row.getBigDecimal("max_unit_price"))));
        });
        return recount;
    }

    // ------------------------------------------------------------------ helpers

    private static String text(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return "null";
        }
        return value.isIntegralNumber() ? String.valueOf(value.asLong()) : money(value.decimalValue());
    }

    private static String money(BigDecimal value) {
        return value == null ? "null" : value.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
    }

    private static String table(String name) {
        return "hive." + database + "." + name;
    }

    @FunctionalInterface
    private interface RowReader {
        void read(ResultSet row) throws Exception;
    }

    private static void query(String sql, RowReader reader) throws Exception {
        Properties properties = stack.prestoProperties("lake-viewer");
        properties.put("timeZoneId", "UTC");
        try (Connection connection = DriverManager.getConnection(stack.prestoJdbcUrl(), properties);
                Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                reader.read(rows);
            }
        }
    }

    private static long count(String sql) throws Exception {
        long[] value = new long[1];
        query(sql, row -> value[0] = row.getLong(1));
        return value[0];
    }

    private static HttpResponse<String> sql(String statement) throws Exception {
        return lake.get("/analytics/sql?q=" + URLEncoder.encode(statement, StandardCharsets.UTF_8));
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A client of /analytics/stream that keeps every event it receives, with the time it arrived. */
    private static final class EventStream implements AutoCloseable {
        record Event(String name, JsonNode data, long receivedAt) {
        }

        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final InputStream body;
        private final Thread reader;

        private EventStream(InputStream body) {
            this.body = body;
            this.reader = new Thread(this::read, "sse-reader");
            this.reader.setDaemon(true);
            this.reader.start();
        }

        static EventStream open(String url) throws Exception {
            HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            return new EventStream(response.body());
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String name = null;
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        name = line.substring("event:".length()).trim();
                    }
                    else if (line.startsWith("data:") && name != null) {
                        events.add(new Event(name, JSON.readTree(line.substring("data:".length()).trim()), System.nanoTime()));
                        name = null;
                    }
                }
            }
            catch (Exception e) {
                // closed
            }
        }

        List<Event> events() {
            return events;
        }

        long count(String name) {
            return events.stream().filter(event -> event.name().equals(name)).count();
        }

        java.util.stream.Stream<JsonNode> windows() {
            return events.stream().filter(event -> event.name().equals("window")).map(Event::data);
        }

        @Override
        public void close() throws Exception {
            body.close();
            reader.interrupt();
        }
    }
}
