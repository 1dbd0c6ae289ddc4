package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** One run of a job: its request, state, result or errors, and timings. */
public final class JobExecution {
    public enum State { RUNNING, SUCCEEDED, FAILED, CANCELLED }

    private final String id;
    private final JobRequest request;
    private final Map<String, String> parameters;
    private final Instant submittedAt;
    private final CompletableFuture<JobExecution> done = new CompletableFuture<>();
    private volatile State state = State.RUNNING;
    private volatile Instant finishedAt;
    private volatile Map<String, Object> result;
    private final List<String> errors = new ArrayList<>();
    private volatile Future<?> work;

    JobExecution(String id, JobRequest request, Map<String, String> parameters, Instant submittedAt) {
        this.id = requireNonNull(id, "id is null");
        this.request = requireNonNull(request, "request is null");
        this.parameters = Map.copyOf(parameters);
        this.submittedAt = requireNonNull(submittedAt, "submittedAt is null");
    }

    public String id() {
        return id;
    }

    public JobRequest request() {
        return request;
    }

    public State state() {
        return state;
    }

    /** The Spark job group of this run: cancelling it stops its Spark work. */
    public String sparkJobGroup() {
        return "lake-job-" + id;
    }

    public CompletableFuture<JobExecution> done() {
        return done;
    }

    void work(Future<?> future) {
        this.work = future;
    }

    Future<?> work() {
        return work;
    }

    synchronized boolean succeed(Map<String, Object> value, Instant at) {
        if (state != State.RUNNING) {
            return false;
        }
        result = value;
        state = State.SUCCEEDED;
        finish(at);
        return true;
    }

    synchronized boolean fail(String error, Instant at) {
        if (state != State.RUNNING) {
            return false;
        }
        errors.add(error);
        state = State.FAILED;
        finish(at);
        return true;
    }

    synchronized boolean cancel(Instant at) {
        if (state != State.RUNNING) {
            return false;
        }
        errors.add("Cancelled on request");
        state = State.CANCELLED;
        finish(at);
        return true;
    }

    private void finish(Instant at) {
        finishedAt = at;
        done.complete(this);
    }

    public synchronized List<String> errors() {
        return List.copyOf(errors);
    }

    /** The payload of the answer shape: id, state, result, timings and the Spark work of the run. */
    public synchronized Map<String, Object> toJson(Instant now, Map<String, Object> sparkWork) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("job", request.job());
        json.put("state", state.name().toLowerCase(java.util.Locale.ROOT));
        json.put("parameters", parameters);
        json.put("result", result);
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("submitted_at", submittedAt.toString());
        timings.put("finished_at", finishedAt == null ? null : finishedAt.toString());
        timings.put("duration_ms", Duration.between(submittedAt, finishedAt == null ? now : finishedAt).toMillis());
        json.put("timings", timings);
        json.put("spark", sparkWork);
        return json;
    }
}
