package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.lineage.LineageStore;
import io.javalin.http.ServiceUnavailableResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * What the service is doing, for its HTTP surface: the phase of the service, its queries, the lock
 * it holds and the registration backlog. Filled in as the service starts; read by any thread.
 */
public final class ServiceStatus {
    /** The service's own life, apart from its queries. */
    public enum Phase { STARTING, RUNNING, STOPPING, FAILED }

    private final Instant startedAt;
    private final List<SupervisedQuery> queries = new CopyOnWriteArrayList<>();
    private volatile Phase phase = Phase.STARTING;
    private volatile String phaseReason = "Spark session, lock and queries not ready yet";
    private volatile Supplier<Boolean> sessionUp = () -> false;
    private volatile Supplier<Integer> pendingPartitions = () -> 0;
    private volatile LakeLock.Holder lockHolder;
    private volatile LineageStore lineage;
    private volatile SupervisedQuery ingest;
    private final Map<String, Supplier<Map<String, Object>>> sections = new java.util.concurrent.ConcurrentSkipListMap<>();

    public ServiceStatus(Instant startedAt) {
        this.startedAt = requireNonNull(startedAt, "startedAt is null");
    }

    public void locked(LakeLock.Holder holder) {
        lockHolder = requireNonNull(holder, "holder is null");
    }

    public void sessionStarted(Supplier<Boolean> up, Supplier<Integer> pending, LineageStore store) {
        sessionUp = requireNonNull(up, "up is null");
        pendingPartitions = requireNonNull(pending, "pending is null");
        lineage = requireNonNull(store, "store is null");
    }

    public void addQuery(SupervisedQuery query, boolean isIngest) {
        queries.add(requireNonNull(query, "query is null"));
        if (isIngest) {
            ingest = query;
        }
    }

    /** Another feature's part of {@code /pipeline}, under {@code name} (e.g. the windows). */
    public void addSection(String name, Supplier<Map<String, Object>> section) {
        sections.put(requireNonNull(name, "name is null"), requireNonNull(section, "section is null"));
    }

    public synchronized void phase(Phase next, String reason) {
        phase = requireNonNull(next, "next is null");
        phaseReason = requireNonNull(reason, "reason is null");
    }

    /** Moves to {@code next} only from {@code expected}: a stop or a failure that came meanwhile stays. Returns whether it moved. */
    public synchronized boolean advance(Phase expected, Phase next, String reason) {
        if (phase != requireNonNull(expected, "expected is null")) {
            return false;
        }
        phase(next, reason);
        return true;
    }

    public Phase phase() {
        return phase;
    }

    public Optional<LineageStore> lineage() {
        return Optional.ofNullable(lineage);
    }

    public Optional<SupervisedQuery> query(String name) {
        return queries.stream().filter(query -> query.name().equals(name)).findFirst();
    }

    public List<String> queryNames() {
        return queries.stream().map(SupervisedQuery::name).toList();
    }

    /** The id of the ingest query (stable for its checkpoint), once it has started. */
    public Optional<String> ingestQueryId() {
        return Optional.ofNullable(ingest).flatMap(query -> query.snapshot().id()).map(UUID::toString);
    }

    public void requireSessionUp() {
        if (phase != Phase.RUNNING || !sessionUp.get()) {
            throw new ServiceUnavailableResponse("The lake service is " + phase.name().toLowerCase() + ": " + phaseReason);
        }
    }

    /** Healthy only while the session is up and every query that should run is active. */
    public Map<String, Object> health() {
        List<String> problems = new ArrayList<>();
        if (phase != Phase.RUNNING) {
            problems.add("service " + phase.name().toLowerCase() + ": " + phaseReason);
        }
        else if (!sessionUp.get()) {
            problems.add("the Spark session is stopped");
        }
        Map<String, String> states = new LinkedHashMap<>();
        for (SupervisedQuery query : queries) {
            SupervisedQuery.Snapshot snapshot = query.snapshot();
            states.put(query.name(), snapshot.state().label());
            if (!snapshot.healthy()) {
                problems.add("query " + query.name() + " is " + snapshot.state().label()
                        + snapshot.lastFailure().map(failure -> " (last failure: " + failure + ")").orElse(""));
            }
        }
        if (phase == Phase.RUNNING && queries.isEmpty()) {
            problems.add("no query registered");
        }
        Map<String, Object> health = new LinkedHashMap<>();
        health.put("healthy", problems.isEmpty());
        health.put("status", problems.isEmpty() ? "up" : "down");
        if (!problems.isEmpty()) {
            health.put("reason", String.join("; ", problems));
        }
        health.put("queries", states);
        return health;
    }

    public Map<String, Object> pipeline() {
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("service", Map.of("phase", phase.name().toLowerCase(), "reason", phaseReason, "started_at", startedAt.toString(),
                "session_up", sessionUp.get()));
        pipeline.put("lock", lockHolder == null ? Map.of() : lockHolder);
        pipeline.put("metastore", Map.of("pending_partitions", pendingPartitions.get()));
        pipeline.put("queries", queries.stream().map(query -> queryJson(query.snapshot())).toList());
        sections.forEach((name, section) -> pipeline.put(name, section.get()));
        return pipeline;
    }

    public Map<String, Object> queryJson(SupervisedQuery.Snapshot snapshot) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", snapshot.name());
        json.put("id", snapshot.id().map(UUID::toString).orElse(null));
        json.put("run_id", snapshot.runId().map(UUID::toString).orElse(null));
        json.put("state", snapshot.state().label());
        json.put("last_progress", snapshot.lastProgress().map(progress -> QueryProgressView.toJson(progress, snapshot.lastRates())).orElse(null));
        json.put("last_committed_batch", snapshot.lastCommittedBatch().orElse(null));
        json.put("restarts", snapshot.restarts());
        Map<String, Object> failure = new LinkedHashMap<>();
        snapshot.lastFailure().ifPresent(message -> failure.put("message", message));
        snapshot.lastFailureAt().ifPresent(at -> failure.put("at", at.toString()));
        json.put("last_failure", failure.isEmpty() ? null : failure);
        json.put("next_restart_at", snapshot.nextRestartAt().map(Instant::toString).orElse(null));
        return json;
    }
}
