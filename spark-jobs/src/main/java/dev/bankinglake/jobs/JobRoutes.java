package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.service.http.ServiceHttp;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The jobs API over HTTP: {@code POST /jobs}, {@code GET /jobs}, {@code GET /jobs/{id}}, {@code DELETE /jobs/{id}}. */
public final class JobRoutes implements ServiceHttp.Routes {
    public static final String JOBS = "/jobs";
    private static final Duration SYNC_LIMIT = Duration.ofMinutes(30);

    private final JobRunner runner;
    private final Clock clock;

    public JobRoutes(JobRunner runner, Clock clock) {
        this.runner = requireNonNull(runner, "runner is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void register(Javalin app) {
        app.post(JOBS, ctx -> answer(ctx, submit(ctx)));
        app.get(JOBS, ctx -> answer(ctx, guarded(null, () -> {
            List<Map<String, Object>> jobs = runner.recent().stream().map(this::payload).toList();
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("jobs", jobs);
            payload.put("routes", runner.router().routes().values().stream().map(route -> Map.of("name", route.name(),
                    "description", route.description(), "defaults", route.defaults(), "parameters", route.parameters())).toList());
            return JobAnswer.of(200, true, payload, List.of(), null);
        })));
        app.get(JOBS + "/{id}", ctx -> answer(ctx, guarded(null, () -> {
            JobExecution execution = runner.execution(ctx.pathParam("id"));
            return JobAnswer.forExecution(execution, payload(execution)).withStatus(200);
        })));
        app.delete(JOBS + "/{id}", ctx -> answer(ctx, guarded(null, () -> {
            JobExecution execution = runner.cancel(ctx.pathParam("id"));
            return JobAnswer.forExecution(execution, payload(execution)).withStatus(200);
        })));
    }

    private JobAnswer submit(Context ctx) {
        long length = ctx.contentLength();
        if (length > JobRequest.MAX_BYTES) {
            return JobAnswer.refused(new JobRequestException(413, "Request too large: " + length + " bytes (at most " + JobRequest.MAX_BYTES + ")"), null);
        }
        JobRequest request;
        try {
            request = JobRequest.parse(ctx.bodyAsBytes(), JobRequest.Mode.SYNC);
        }
        catch (JobRequestException e) {
            return JobAnswer.refused(e, null);
        }
        return guarded(request.toJson(), () -> run(runner, request, clock));
    }

    /** Submits and, for a sync request, waits for the result; shared with the MQTT bridge. */
    static JobAnswer run(JobRunner runner, JobRequest request, Clock clock) throws InterruptedException {
        JobExecution execution = runner.submit(request);
        if (request.mode() == JobRequest.Mode.ASYNC) {
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("id", execution.id());
            payload.put("state", execution.state().name().toLowerCase(java.util.Locale.ROOT));
            payload.put("location", JOBS + "/" + execution.id());
            return JobAnswer.of(202, true, payload, List.of(), request.toJson());
        }
        try {
            execution.done().get(SYNC_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException | TimeoutException e) {
            // still running: the caller gets its id and can poll
        }
        return JobAnswer.forExecution(execution, execution.toJson(clock.instant(), runner.sparkWork(execution)));
    }

    private Map<String, Object> payload(JobExecution execution) {
        return execution.toJson(clock.instant(), runner.sparkWork(execution));
    }

    @FunctionalInterface
    private interface Action {
        JobAnswer run() throws Exception;
    }

    private static JobAnswer guarded(Object request, Action action) {
        try {
            return action.run();
        }
        catch (JobRequestException e) {
            return JobAnswer.refused(e, request);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return JobAnswer.of(503, false, null, List.of("Interrupted: the service is stopping"), request);
        }
        catch (Exception e) {
            return JobAnswer.of(500, false, null, List.of("Internal error: " + e), request);
        }
    }

    private static void answer(Context ctx, JobAnswer answer) {
        ctx.status(answer.status()).json(answer.body());
    }
}
