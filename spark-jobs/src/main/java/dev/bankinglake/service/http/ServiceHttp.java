package dev.bankinglake.service.http;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.lineage.BatchLineage;
import dev.bankinglake.lineage.LineageStore;
import dev.bankinglake.service.IngestMetrics;
import dev.bankinglake.service.ServiceStatus;
import dev.bankinglake.service.SupervisedQuery;
import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.ServiceUnavailableResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lake service's HTTP surface: health, the queries and their control, batch lineage and
 * Prometheus metrics. Every answer is JSON, errors included ({@link JsonErrors}).
 */
public final class ServiceHttp {
    public static final String HEALTH = "/health";
    public static final String PIPELINE = "/pipeline";
    public static final String BATCHES = "/batches";
    public static final String METRICS = "/metrics";
    private static final int DEFAULT_LIMIT = 20;

    /** More routes on the same server, from the service's other features (windows, jobs). */
    @FunctionalInterface
    public interface Routes {
        void register(Javalin app);
    }

    private final ServiceStatus status;
    private final IngestMetrics metrics;
    private final List<Routes> features;
    private final OperatorToken operatorToken;

    /** Without an operator token: every route that changes something answers 401. */
    public ServiceHttp(ServiceStatus status, IngestMetrics metrics) {
        this(status, metrics, List.of(), OperatorToken.none());
    }

    public ServiceHttp(ServiceStatus status, IngestMetrics metrics, List<Routes> features, OperatorToken operatorToken) {
        this.status = requireNonNull(status, "status is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.features = List.copyOf(features);
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
    }

    public Javalin create() {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrors.JettyHandler()));
        });
        JsonErrors.install(app);
        operatorToken.install(app);
        app.get(HEALTH, this::health);
        app.get(PIPELINE, ctx -> ctx.json(status.pipeline()));
        app.get(PIPELINE + "/{query}", ctx -> ctx.json(status.queryJson(query(ctx).snapshot())));
        app.post(PIPELINE + "/{query}/stop", ctx -> control(ctx, "stop"));
        app.post(PIPELINE + "/{query}/start", ctx -> control(ctx, "start"));
        app.post(PIPELINE + "/{query}/restart", ctx -> control(ctx, "restart"));
        app.get(BATCHES, this::batches);
        app.get(BATCHES + "/{id}", this::batch);
        app.get(METRICS, ctx -> ctx.contentType(IngestMetrics.CONTENT_TYPE).result(metrics.scrape()));
        features.forEach(feature -> feature.register(app));
        return app;
    }

    private void health(Context ctx) {
        Map<String, Object> health = status.health();
        ctx.status(Boolean.TRUE.equals(health.get("healthy")) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(health);
    }

    private SupervisedQuery query(Context ctx) {
        String name = ctx.pathParam("query");
        return status.query(name).orElseThrow(() -> new NotFoundResponse("Unknown query: '" + name + "' (known: "
                + String.join(", ", status.queryNames()) + ")"));
    }

    private void control(Context ctx, String action) throws Exception {
        SupervisedQuery query = query(ctx);
        status.requireSessionUp();
        switch (action) {
            case "stop" -> query.stop();
            case "start" -> query.start();
            default -> query.restart();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("action", action);
        answer.put("query", status.queryJson(query.snapshot()));
        ctx.json(answer);
    }

    private void batches(Context ctx) throws Exception {
        String raw = ctx.queryParam("limit");
        int limit = DEFAULT_LIMIT;
        if (raw != null) {
            try {
                limit = Integer.parseInt(raw.trim());
            }
            catch (NumberFormatException e) {
                throw new BadRequestResponse("Invalid limit: '" + raw + "' (must be a whole number, 1 to " + LineageStore.MAX_LIMIT + ")");
            }
            if (limit < 1 || limit > LineageStore.MAX_LIMIT) {
                throw new BadRequestResponse("Invalid limit: " + limit + " (must be 1 to " + LineageStore.MAX_LIMIT + ")");
            }
        }
        List<Map<String, Object>> batches = store().recent(limit).stream().map(BatchLineage::toJson).toList();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("limit", limit);
        answer.put("batches", batches);
        ctx.json(answer);
    }

    private void batch(Context ctx) throws Exception {
        String raw = ctx.pathParam("id");
        long id;
        try {
            id = Long.parseLong(raw);
        }
        catch (NumberFormatException e) {
            throw new BadRequestResponse("Invalid batch id: '" + raw + "' (must be a whole number)");
        }
        if (id < 0) {
            throw new BadRequestResponse("Invalid batch id: " + id + " (must not be negative)");
        }
        BatchLineage found = store().byId(id, status.ingestQueryId())
                .orElseThrow(() -> new NotFoundResponse("No committed batch " + id + " in the lineage"));
        ctx.json(found.toJson());
    }

    private LineageStore store() {
        return status.lineage().orElseThrow(() -> new ServiceUnavailableResponse("The lineage is not available yet: the service is starting"));
    }
}
