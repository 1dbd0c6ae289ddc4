package dev.bankinglake.lake.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.bench.SampleEvents;
import dev.bankinglake.stack.LocalStack;
import dev.bankinglake.stack.LocalStackExtension;
import dev.bankinglake.stack.RequiresServices;
import dev.bankinglake.stack.Service;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kill -9 at any moment, restart: every event is in its table exactly once, as Presto sees it. */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
class KillRestartIT {
    private static final int TICKS = 240;
    private static final int EVENTS_PER_TICK = 10;
    private static final int MALFORMED_EVERY = 97;

    @Test
    void everyEventIsVisibleExactlyOnceAfterRepeatedKillNine(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "kill");
        lake.createTopic(2);
        Map<LakeTable, AtomicInteger> produced = new EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            produced.put(table, new AtomicInteger());
        }
        AtomicInteger ticks = new AtomicInteger();
        AtomicReference<Exception> producerFailure = new AtomicReference<>();
        SampleEvents samples = new SampleEvents(2026);
        Instant start = Instant.parse("2026-11-20T23:59:00.000Z");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, String> producer = lake.producer()) {
            // a continuous stream over about a minute, crossing midnight so batches touch two partitions
            ScheduledFuture<?> stream = scheduler.scheduleAtFixedRate(() -> {
                int tick = ticks.get();
                if (tick >= TICKS) {
                    return;
                }
                try {
                    for (int index = 0; index < EVENTS_PER_TICK; index++) {
                        int sequence = tick * EVENTS_PER_TICK + index;
                        if (sequence % MALFORMED_EVERY == 0) {
                            producer.send(new ProducerRecord<>(lake.topic, "{\"not\": \"closed\"")).get();
                            produced.get(LakeTable.REJECTED_EVENTS).incrementAndGet();
                            continue;
                        }
                        EventType type = samples.nextType();
                        producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(samples.event(type, start.plusMillis(sequence * 50L))))).get();
                        produced.get(type.table()).incrementAndGet();
                    }
                    ticks.incrementAndGet();
                }
                catch (Exception e) {
                    producerFailure.compareAndSet(null, e);
                }
            }, 0, 250, TimeUnit.MILLISECONDS);

            JobProcess job = lake.job("job", Map.of("MAX_OFFSETS_PER_TRIGGER", "150", "TRIGGER_INTERVAL", "500 ms"));
            job.start();

            // 1: in the middle of a batch, while its files are in staging
            awaitStagedFiles(lake, job);
            job.kill();
            job.start();
            // 2: right after a batch was committed and logged
            await("a batch of the second launch").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> job.batchesLogged() >= 2);
            job.kill();
            job.start();
            // 3: in the middle of a batch again
            awaitStagedFiles(lake, job);
            job.kill();
            job.start();

            await("the producer to send every event").atMost(Duration.ofMinutes(3))
                    .until(() -> ticks.get() >= TICKS || producerFailure.get() != null);
            stream.cancel(false);
            assertThat(producerFailure.get()).as("producer failure").isNull();

            long expectedEvents = produced.entrySet().stream().filter(entry -> entry.getKey().isEventTable())
                    .mapToLong(entry -> entry.getValue().get()).sum();
            String allEventIds = List.of(LakeTable.values()).stream().filter(LakeTable::isEventTable)
                    .map(table -> "select event_id from " + lake.table(table))
                    .collect(Collectors.joining(" union all "));
            await("every event to be visible in Presto (job log " + job.log() + ")")
                    .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        for (LakeTable table : LakeTable.values()) {
                            assertThat(lake.prestoCount(table)).as("rows of %s", table.tableName())
                                    .isEqualTo(produced.get(table).get());
                        }
                    });
            Map<String, String> ids = lake.query("select count(*) as total, count(distinct event_id) as distinct_ids from ("
                    + allEventIds + ")").get(0);
            assertThat(Long.parseLong(ids.get("total"))).isEqualTo(expectedEvents);
            assertThat(Long.parseLong(ids.get("distinct_ids"))).as("distinct event ids").isEqualTo(expectedEvents);
            assertThat(lake.count("select count(*) from (select distinct kafka_partition, kafka_offset from "
                    + lake.table(LakeTable.REJECTED_EVENTS) + ")")).isEqualTo(produced.get(LakeTable.REJECTED_EVENTS).get());
            assertThat(lake.lakeFiles()).as("only committed batch files are visible")
                    .filteredOn(file -> !file.startsWith("_"))
                    .allMatch(file -> file.matches("[a-z_]+/dt=\\d{4}-\\d{2}-\\d{2}/batch-\\d{19}-[0-9a-f-]{36}-\\d{5}\\.snappy\\.parquet"),
                            "named batch-<id>-<query>-<n>.snappy.parquet");
            job.stop();
        }
        finally {
            scheduler.shutdownNow();
        }
    }

    private static void awaitStagedFiles(LakeTestSupport lake, JobProcess job) {
        FileSystem fileSystem;
        try {
            fileSystem = lake.fileSystem();
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Path staging = new Path(lake.lakeRoot + "/_staging");
        await("a batch to be in staging (job log " + job.log() + ")").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
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
