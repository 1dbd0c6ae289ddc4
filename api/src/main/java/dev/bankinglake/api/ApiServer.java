package dev.bankinglake.api;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.api.events.EventFactory;
import dev.bankinglake.api.events.KafkaEventSink;
import dev.bankinglake.api.events.KafkaSettings;
import dev.bankinglake.api.events.KafkaTopic;
import dev.bankinglake.api.events.StateRebuild;
import dev.bankinglake.api.game.Bank;
import dev.bankinglake.api.game.Market;
import dev.bankinglake.api.http.HttpApi;
import dev.bankinglake.api.http.Metrics;
import dev.bankinglake.api.http.ServiceStatus;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The banking game service. Starting it opens the HTTP port at once (so {@code /health} can say
 * why it is not ready), then rebuilds every account from the events topic; game routes answer
 * 503 until that rebuild is complete.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY_BACKOFF = Duration.ofSeconds(5);

    private final ApiConfig config;
    private final Bank bank;
    private final Metrics metrics = new Metrics();
    private final KafkaEventSink sink;
    private final KafkaTopic topic;
    private final ServiceStatus status;
    private final Javalin app;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread rebuild;

    public ApiServer(ApiConfig config, Clock clock) {
        this.config = requireNonNull(config, "config is null");
        requireNonNull(clock, "clock is null");
        this.bank = new Bank(Market.withDefaultAssets(clock));
        KafkaProducer<String, String> producer = new KafkaProducer<>(KafkaSettings.producer(config.kafkaBootstrap(), config.kafkaTimeout(), config.kafkaLinger()));
        metrics.bindKafkaProducer(producer);
        this.sink = new KafkaEventSink(producer, config.eventsTopic(), config.kafkaTimeout());
        Duration probe = config.kafkaTimeout().compareTo(PROBE_TIMEOUT) < 0 ? config.kafkaTimeout() : PROBE_TIMEOUT;
        this.topic = new KafkaTopic(Admin.create(KafkaSettings.admin(config.kafkaBootstrap(), probe)), config.eventsTopic(), probe);
        this.status = new ServiceStatus(topic::clusterReachable);
        this.app = new HttpApi(bank, EventFactory.randomIds(clock), sink, status, metrics, config.maxBodyBytes()).create();
        this.rebuild = new Thread(this::rebuildUntilDone, "state-rebuild");
        this.rebuild.setDaemon(true);
    }

    public static void main(String[] args) {
        ApiConfig config;
        try {
            config = ApiConfig.fromEnvironment(System.getenv());
        }
        catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        ApiServer server = new ApiServer(config, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "api-shutdown"));
        server.start();
    }

    public ApiServer start() {
        app.start(config.host(), config.port());
        log.info("Listening on {}:{}; rebuilding state from topic '{}' at {}", config.host(), app.port(),
                config.eventsTopic(), config.kafkaBootstrap());
        rebuild.start();
        return this;
    }

    /** The bound HTTP port (useful when configured as 0). */
    public int port() {
        return app.port();
    }

    public boolean rebuilt() {
        return status.rebuilt();
    }

    public Bank bank() {
        return bank;
    }

    public Metrics metrics() {
        return metrics;
    }

    private void rebuildUntilDone() {
        Duration backoff = Duration.ofMillis(500);
        Duration stallTimeout = config.kafkaTimeout().multipliedBy(3);
        while (closed.getCount() > 0) {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    KafkaSettings.rebuildConsumer(config.kafkaBootstrap(), config.kafkaTimeout()))) {
                topic.ensureExists();
                bank.clear();
                StateRebuild.replay(consumer, config.eventsTopic(), bank, stallTimeout);
                status.markRebuilt();
                log.info("Ready: {} accounts rebuilt; accepting requests", bank.accounts().size());
                return;
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            catch (RuntimeException e) {
                log.warn("State rebuild failed, retrying in {} ms: {}", backoff.toMillis(), e.toString());
            }
            try {
                if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY_BACKOFF) > 0 ? MAX_RETRY_BACKOFF : backoff.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        rebuild.interrupt();
        app.stop();
        // Before the producer closes, so the binder stops reading the producer's metrics first.
        metrics.close();
        sink.close();
        topic.close();
        log.info("Stopped");
    }
}
