package dev.bankinglake.analytics;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bankinglake.windows.LiveWindows;
import dev.bankinglake.windows.WindowUpdate;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /analytics/stream}: Server-Sent Events. A client gets every open window when it
 * connects, then every window update as the windows query emits it (event {@value #WINDOW_EVENT},
 * data: the update's JSON, as on the windows topic), and every few seconds the pipeline's state
 * (event {@value #PIPELINE_EVENT}). Events are sent from a thread of their own, so a slow client
 * never holds up a micro-batch.
 */
public final class WindowStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WindowStream.class);
    public static final String WINDOW_EVENT = "window";
    public static final String PIPELINE_EVENT = "pipeline";
    static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final Duration PIPELINE_EVERY = Duration.ofSeconds(2);

    private final LiveWindows live;
    private final Supplier<Map<String, Object>> pipeline;
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "analytics-sse");
        thread.setDaemon(true);
        return thread;
    });
    private final Runnable unsubscribe;

    public WindowStream(LiveWindows live, Supplier<Map<String, Object>> pipeline) {
        this.live = requireNonNull(live, "live is null");
        this.pipeline = requireNonNull(pipeline, "pipeline is null");
        this.unsubscribe = live.subscribe(this::updated);
        sender.scheduleWithFixedDelay(this::sendPipeline, PIPELINE_EVERY.toMillis(), PIPELINE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The SSE handler: keeps the client until it goes away. */
    public void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        execute(() -> {
            for (WindowUpdate update : live.open()) {
                client.sendEvent(WINDOW_EVENT, data(update));
            }
            client.sendEvent(PIPELINE_EVENT, json(pipeline.get()));
            clients.add(client);
        });
    }

    public int clients() {
        return clients.size();
    }

    /** The data of a window event: the update's JSON on one line. */
    static String data(WindowUpdate update) {
        return json(update.toJson());
    }

    private void updated(List<WindowUpdate> updates) {
        // Decided on the sender thread, after any snapshot queued before: a client that is still
        // getting its snapshot when the update comes is in the list by the time this runs.
        execute(() -> {
            if (clients.isEmpty()) {
                return;
            }
            List<String> events = updates.stream().map(WindowStream::data).toList();
            for (SseClient client : clients) {
                for (String event : events) {
                    if (client.terminated()) {
                        clients.remove(client);
                        break;
                    }
                    client.sendEvent(WINDOW_EVENT, event);
                }
            }
        });
    }

    private void sendPipeline() {
        if (clients.isEmpty()) {
            return;
        }
        try {
            String state = json(pipeline.get());
            for (SseClient client : clients) {
                if (client.terminated()) {
                    clients.remove(client);
                }
                else {
                    client.sendEvent(PIPELINE_EVENT, state);
                }
            }
        }
        catch (RuntimeException e) {
            LOG.warn("Sending the pipeline state to the stream failed", e);
        }
    }

    private void execute(Runnable task) {
        try {
            sender.execute(() -> {
                try {
                    task.run();
                }
                catch (RuntimeException e) {
                    LOG.warn("Sending window events failed", e);
                }
            });
        }
        catch (RejectedExecutionException e) {
            LOG.debug("The window stream is closed");
        }
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON", e);
        }
    }

    @Override
    public void close() {
        unsubscribe.run();
        sender.shutdownNow();
        clients.forEach(SseClient::close);
        clients.clear();
    }
}
