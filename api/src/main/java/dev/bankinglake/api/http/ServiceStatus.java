package dev.bankinglake.api.http;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/** Whether the API may serve the game: state rebuilt from the topic, and Kafka answering. */
public final class ServiceStatus {
    private final AtomicBoolean rebuilt = new AtomicBoolean();
    private final BooleanSupplier kafkaReachable;

    public ServiceStatus(BooleanSupplier kafkaReachable) {
        this.kafkaReachable = requireNonNull(kafkaReachable, "kafkaReachable is null");
    }

    public void markRebuilt() {
        rebuilt.set(true);
    }

    public boolean rebuilt() {
        return rebuilt.get();
    }

    public boolean kafkaReachable() {
        return kafkaReachable.getAsBoolean();
    }
}
