package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs API over MQTT (Eclipse Paho): a request on the request topic, the same JSON as
 * {@code POST /jobs}, gets its answer on the reply topic in the same shape, with the request's
 * {@code external_id}, once the job is done (an {@code async} request also gets the acceptance at
 * once). A request the service refuses is answered at once with the reason. Connects in the
 * background and reconnects by itself: the service does not depend on the broker to start.
 */
public final class MqttJobBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttJobBridge.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QOS = 1;

    private final JobsConfig config;
    private final JobRunner runner;
    private final Clock clock;
    private final MqttAsyncClient client;
    private final ExecutorService handlers = Executors.newFixedThreadPool(2, daemon("mqtt-job-request"));
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(daemon("mqtt-connect"));

    public MqttJobBridge(JobsConfig config, JobRunner runner, Clock clock, String clientId) throws MqttException {
        this.config = requireNonNull(config, "config is null");
        this.runner = requireNonNull(runner, "runner is null");
        this.clock = requireNonNull(clock, "clock is null");
        String uri = config.mqttUri().orElseThrow(() -> new IllegalArgumentException("No MQTT_URI"));
        this.client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
    }

    public void start() {
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                LOG.info("MQTT connected to {}{}; taking job requests on '{}'", serverUri, reconnect ? " again" : "", config.requestTopic());
                try {
                    client.subscribe(config.requestTopic(), QOS);
                }
                catch (MqttException e) {
                    LOG.warn("Cannot subscribe to {}", config.requestTopic(), e);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("MQTT connection lost ({}); reconnecting", String.valueOf(cause));
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                byte[] payload = message.getPayload();
                // never on Paho's own thread: a sync job takes minutes
                handlers.execute(() -> handle(payload));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        connector.execute(this::connect);
    }

    private void connect() {
        if (client.isConnected()) {
            return;
        }
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(true);
        options.setCleanSession(true);
        options.setConnectionTimeout(5);
        options.setKeepAliveInterval(20);
        config.mqttUsername().ifPresent(options::setUserName);
        try {
            if (config.mqttPasswordFile().isPresent()) {
                options.setPassword(password(config.mqttPasswordFile().get()));
            }
            client.connect(options).waitForCompletion(10_000);
        }
        catch (MqttException | java.io.UncheckedIOException e) {
            // Paho reconnects by itself only after a first successful connection
            LOG.warn("MQTT broker {} not reachable ({}); trying again in 5 s", client.getServerURI(), e.getMessage());
            connector.schedule(this::connect, 5, TimeUnit.SECONDS);
        }
    }

    /** The first line of the password file; read at every connect, so a changed password needs no restart. */
    private static char[] password(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse("").trim().toCharArray();
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("Cannot read the MQTT password file " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean connected() {
        return client.isConnected();
    }

    void handle(byte[] payload) {
        JobRequest request;
        try {
            request = JobRequest.parse(payload, JobRequest.Mode.SYNC);
        }
        catch (JobRequestException e) {
            reply(JobAnswer.refused(e, null), null);
            return;
        }
        JobExecution execution;
        try {
            execution = runner.submit(request);
        }
        catch (JobRequestException e) {
            reply(JobAnswer.refused(e, request.toJson()), request);
            return;
        }
        if (request.mode() == JobRequest.Mode.ASYNC) {
            Map<String, Object> accepted = new LinkedHashMap<>();
            accepted.put("id", execution.id());
            accepted.put("state", "running");
            accepted.put("location", JobRoutes.JOBS + "/" + execution.id());
            reply(JobAnswer.of(202, true, accepted, List.of(), request.toJson()), request);
        }
        execution.done().thenAccept(done -> reply(JobAnswer.forExecution(done, done.toJson(clock.instant(), runner.sparkWork(done))), request));
    }

    private void reply(JobAnswer answer, JobRequest request) {
        Map<String, Object> body = new LinkedHashMap<>(answer.body());
        body.put("status", answer.status());
        body.put("external_id", request == null ? null : request.externalId().orElse(null));
        publish(config.replyTopic(), body, QOS);
    }

    /** Publishes a JSON message (window updates use this too); dropped with a log line while the broker is away. */
    public void publish(String topic, Object body, int qos) {
        try {
            MqttMessage message = new MqttMessage(JSON.writeValueAsBytes(body));
            message.setQos(qos);
            client.publish(topic, message);
        }
        catch (Exception e) {
            LOG.warn("Cannot publish to MQTT topic {}: {}", topic, e.toString());
        }
    }

    public String windowsTopic() {
        return config.windowsTopic();
    }

    @Override
    public void close() {
        connector.shutdownNow();
        handlers.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2_000);
            }
            client.close();
        }
        catch (MqttException e) {
            LOG.debug("Closing the MQTT client failed", e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
