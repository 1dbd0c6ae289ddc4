package dev.bankinglake.compaction;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.jobs.JobContext;
import dev.bankinglake.jobs.LakeJob;
import dev.bankinglake.service.LakeServiceConfig;
import dev.bankinglake.table.PartitionLayout;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code compact} job of the router: for every partition in scope, finishes what earlier runs
 * left (a switch to confirm, retired folders past their grace) and compacts the closed ones whose
 * files are worth rewriting ({@link Compactor}); with {@code open_min_files}, it also merges the
 * batch files of the days still open. The lake service submits it by itself when the
 * schedule finds work ({@link CompactionScheduler}); on demand it takes a table and a dt range
 * ({@link CompactionRequest}). Settings: {@link CompactionConfig}; the metastore and its database:
 * the service's own configuration.
 */
public final class CompactJob implements LakeJob {
    private static final Logger LOG = LoggerFactory.getLogger(CompactJob.class);

    private final Clock clock = Clock.systemUTC();

    @Override
    public void check(Map<String, String> parameters) {
        CompactionRequest.parse(parameters, clock.instant());
    }

    @Override
    public Map<String, Object> run(JobContext context, Map<String, String> parameters) throws Exception {
        Instant now = clock.instant();
        CompactionRequest request = CompactionRequest.parse(parameters, now);
        CompactionConfig config = CompactionConfig.fromEnvironment(System.getenv());
        LakeServiceConfig service = LakeServiceConfig.fromEnvironment(System.getenv());
        long target = request.targetFileSize().orElse(config.targetFileSize());
        PartitionLayout layout = context.committer().layout();
        List<PartitionOutcome> outcomes = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        try (MetastorePartitions metastore = new MetastorePartitions(service.metastoreUri(), service.hiveDatabase())) {
            Compactor compactor = new Compactor(context.spark(), layout, metastore, target, config.deleteGrace(), clock);
            for (TableDefinition table : request.tables()) {
                for (Map.Entry<String, LocalDate> partition : layout.days(table).entrySet()) {
                    String dt = partition.getKey();
                    LocalDate day = partition.getValue();
                    if (!request.covers(day)) {
                        continue;
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("compaction cancelled");
                    }
                    try {
                        Instant at = clock.instant();
                        PartitionOutcome outcome = request.mergesOpen(day, at, config.closeGrace())
                                ? compactor.merge(table, dt, request.openMinFiles().getAsInt())
                                : compactor.run(table, dt, request.compacts(day, at, config.closeGrace()));
                        if (request.explicitRange() || outcome.action() != PartitionOutcome.Action.UP_TO_DATE || !outcome.steps().isEmpty()) {
                            outcomes.add(outcome);
                        }
                    }
                    catch (Exception e) {
                        if (cancelled(e)) {
                            throw e;
                        }
                        LOG.warn("Compaction of {} dt={} failed; the partition is readable and exact as it is, the next run tries again",
                                table.tableName(), dt, e);
                        errors.add(table.tableName() + " dt=" + dt + ": " + e.getMessage());
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("Compaction failed for " + errors.size() + " partition(s) (" + Compactor.totals(outcomes).get("compacted")
                    + " compacted): " + String.join("; ", errors));
        }
        Map<String, Object> result = new LinkedHashMap<>(Compactor.totals(outcomes));
        result.put("target_file_size", target);
        result.put("delete_grace_ms", config.deleteGrace().toMillis());
        result.put("from_dt", request.from().map(LocalDate::toString).orElse(null));
        result.put("to_dt", request.to().map(LocalDate::toString).orElse(null));
        result.put("open_min_files", request.openMinFiles().isPresent() ? request.openMinFiles().getAsInt() : null);
        result.put("details", outcomes.stream().map(PartitionOutcome::toJson).toList());
        return result;
    }

    private static boolean cancelled(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof InterruptedIOException || cause instanceof ClosedByInterruptException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }
}
