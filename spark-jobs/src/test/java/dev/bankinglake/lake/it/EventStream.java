package dev.bankinglake.lake.it;

import static org.awaitility.Awaitility.await;

import dev.bankinglake.contract.EventType;
import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.lake.bench.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A bounded, steady stream of events (and a malformed message now and then) to a test's topic,
 * counting what it sent per table, so a test can compare the lake with it.
 */
final class EventStream implements AutoCloseable {
    private static final int MALFORMED_EVERY = 97;

    private final LakeTestSupport lake;
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final Map<LakeTable, AtomicInteger> produced = new EnumMap<>(LakeTable.class);
    private final AtomicInteger ticks = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final SampleEvents samples = new SampleEvents(2026);
    private final Instant start;
    private final int totalTicks;
    private final int eventsPerTick;

    EventStream(LakeTestSupport lake, Instant start, int totalTicks, int eventsPerTick) {
        this.lake = lake;
        this.producer = lake.producer();
        this.start = start;
        this.totalTicks = totalTicks;
        this.eventsPerTick = eventsPerTick;
        for (LakeTable table : LakeTable.values()) {
            produced.put(table, new AtomicInteger());
        }
    }

    /** Sends one tick every {@code period} until all ticks are sent. */
    EventStream begin(Duration period) {
        scheduler.scheduleAtFixedRate(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void tick() {
        int tick = ticks.get();
        if (tick >= totalTicks || failure.get() != null) {
            return;
        }
        try {
            for (int index = 0; index < eventsPerTick; index++) {
                int sequence = tick * eventsPerTick + index;
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
            failure.compareAndSet(null, e);
        }
    }

    int ticksSent() {
        return ticks.get();
    }

    /** Waits until every tick is sent; fails if the producer failed. */
    void awaitAllSent(Duration timeout) {
        await("the producer to send every event").atMost(timeout).until(() -> ticks.get() >= totalTicks || failure.get() != null);
        if (failure.get() != null) {
            throw new IllegalStateException("The producer failed", failure.get());
        }
    }

    long produced(LakeTable table) {
        return produced.get(table).get();
    }

    long producedEvents() {
        return produced.entrySet().stream().filter(entry -> entry.getKey().isEventTable()).mapToLong(entry -> entry.getValue().get()).sum();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        producer.close();
    }
}
