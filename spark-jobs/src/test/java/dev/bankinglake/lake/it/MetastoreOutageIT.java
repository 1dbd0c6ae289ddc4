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
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The metastore goes away while events flow; once it is back, every partition and row is visible. */
@ExtendWith(LocalStackExtension.class)
@RequiresServices({Service.KAFKA, Service.HDFS, Service.METASTORE, Service.PRESTO})
class MetastoreOutageIT {
    @Test
    void partitionsCommittedDuringAnOutageAreRegisteredWhenTheMetastoreReturns(LocalStack stack) throws Exception {
        LakeTestSupport lake = new LakeTestSupport(stack, "outage");
        lake.createTopic(1);
        SampleEvents samples = new SampleEvents(7);
        Map<LakeTable, Long> produced = new EnumMap<>(LakeTable.class);
        JobProcess job = lake.job("job", Map.of());
        try (KafkaProducer<String, String> producer = lake.producer()) {
            send(producer, lake, samples, produced, Instant.parse("2026-11-20T10:00:00.000Z"), 16);
            job.start();
            await("the first events in Presto (job log " + job.log() + ")").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> eventRows(lake) == 16);

            stack.stop(Service.METASTORE);
            try {
                send(producer, lake, samples, produced, Instant.parse("2026-11-22T10:00:00.000Z"), 24);
                producer.send(new ProducerRecord<>(lake.topic, "not an event")).get();
                produced.merge(LakeTable.REJECTED_EVENTS, 1L, Long::sum);
                await("the job to commit the new day's files while the metastore is down (job log " + job.log() + ")")
                        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> lake.lakeFiles().stream().filter(file -> file.contains("/dt=2026-11-22/"))
                                .map(file -> file.substring(0, file.indexOf('/'))).distinct().count() == 4
                                && job.logText().contains("unavailable"));
                assertThat(job.isAlive()).as("the job survives the outage").isTrue();
            }
            finally {
                stack.start(Service.METASTORE);
            }

            await("every partition and row in Presto after the metastore returned (job log " + job.log() + ")")
                    .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        for (LakeTable table : LakeTable.values()) {
                            assertThat(lake.prestoCount(table)).as("rows of %s", table.tableName())
                                    .isEqualTo(produced.getOrDefault(table, 0L));
                        }
                    });
            long newDay = 0;
            for (LakeTable table : LakeTable.values()) {
                if (table.isEventTable()) {
                    newDay += lake.count("select count(*) from " + lake.table(table) + " where dt = '2026-11-22'");
                }
            }
            assertThat(newDay).as("rows of the partitions created during the outage").isEqualTo(24);
            assertThat(job.isAlive()).isTrue();
        }
        finally {
            if (job.isAlive()) {
                job.stop();
            }
        }
    }

    /** Sends {@code count} events, one of every type first so that every table gets the day's partition. */
    private static void send(KafkaProducer<String, String> producer, LakeTestSupport lake, SampleEvents samples,
            Map<LakeTable, Long> produced, Instant time, int count) throws Exception {
        for (int index = 0; index < count; index++) {
            EventType type = index < EventType.values().length ? EventType.values()[index] : samples.nextType();
            producer.send(new ProducerRecord<>(lake.topic, SampleEvents.toJson(samples.event(type, time.plusSeconds(index))))).get();
            produced.merge(type.table(), 1L, Long::sum);
        }
    }

    private static long eventRows(LakeTestSupport lake) {
        long total = 0;
        for (LakeTable table : LakeTable.values()) {
            if (table.isEventTable()) {
                long rows = lake.prestoCount(table);
                if (rows < 0) {
                    return -1;
                }
                total += rows;
            }
        }
        return total;
    }
}
