package dev.bankinglake.api.events;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Sends each event to the topic and waits for the acknowledgement before returning. */
public final class KafkaEventSink implements EventSink, AutoCloseable {
    /** Beyond delivery.timeout.ms the producer has always completed the send, one way or the other. */
    private static final Duration COMPLETION_MARGIN = Duration.ofSeconds(2);

    private final Producer<String, String> producer;
    private final String topic;
    private final Duration timeout;

    public KafkaEventSink(Producer<String, String> producer, String topic, Duration timeout) {
        this.producer = requireNonNull(producer, "producer is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    @Override
    public void publish(Event event) {
        try {
            Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, event.key(), event.value()));
            ack.get(timeout.plus(COMPLETION_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            throw failed(event, e.getCause());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(event, e);
        }
        catch (TimeoutException | RuntimeException e) {
            throw failed(event, e);
        }
    }

    private EventDeliveryException failed(Event event, Throwable cause) {
        return new EventDeliveryException("Kafka did not acknowledge the " + event.type().wireName()
                + " event on topic '" + topic + "' within " + timeout.toMillis() + " ms: " + cause, cause);
    }

    @Override
    public void close() {
        producer.close(timeout);
    }
}
