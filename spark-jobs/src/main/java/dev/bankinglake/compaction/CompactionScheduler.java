package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.jobs.JobRequest;
import dev.bankinglake.jobs.JobRequestException;
import dev.bankinglake.jobs.JobRunner;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionState;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake service's compaction schedule: every {@code COMPACTION_CHECK_INTERVAL} it looks at the
 * lake's folders (no Spark, no metastore) and, when a closed partition is worth compacting or an
 * earlier run left something to finish or delete, submits the {@code compact} job, which then shows
 * in {@code GET /jobs} like any run. With {@code COMPACTION_OPEN_FILES} set (off by default), every
 * {@code COMPACTION_OPEN_CHECK_INTERVAL} it also counts the batch files of the days still open and,
 * once a partition holds that many, submits {@code compact} with {@code open_min_files}, which
 * merges them: a query of today then opens a few dozen files, not one per batch since midnight. One run at a time: an on-demand run in progress
 * makes the schedule wait for its next check.
 */
public final class CompactionScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionScheduler.class);
    public static final String JOB = "compact";
    public static final String EXTERNAL_ID = "scheduled";
    private static final int MAX_REASONS = 20;
    /** While ingestion has no slack, an open day waits for this many times {@code COMPACTION_OPEN_FILES}. */
    static final int BUSY_FACTOR = 4;

    private final CompactionConfig config;
    private final PartitionLayout layout;
    private final Function<JobRequest, String> submit;
    private final Clock clock;
    private final AtomicBoolean openRefusalLogged = new AtomicBoolean();
    private final BooleanSupplier ingestBusy;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "compaction-schedule");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code submit} starts a run of the router's job and returns its id. */
    public CompactionScheduler(CompactionConfig config, PartitionLayout layout, Function<JobRequest, String> submit, Clock clock) {
        this(config, layout, submit, clock, () -> false);
    }

    /**
     * {@code ingestBusy}: whether ingestion has no slack now (its last batch took longer than its
     * trigger interval); open days then wait for {@value #BUSY_FACTOR} times as many batch files.
     */
    public CompactionScheduler(CompactionConfig config, PartitionLayout layout, Function<JobRequest, String> submit, Clock clock,
            BooleanSupplier ingestBusy) {
        this.config = requireNonNull(config, "config is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.submit = requireNonNull(submit, "submit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.ingestBusy = requireNonNull(ingestBusy, "ingestBusy is null");
    }

    /** Starts checking for the service's {@code jobs}, the first time after one interval. */
    public static CompactionScheduler start(CompactionConfig config, PartitionLayout layout, JobRunner jobs, Clock clock, BooleanSupplier ingestBusy) {
        CompactionScheduler scheduler = new CompactionScheduler(config, layout, request -> jobs.submit(request).id(), clock, ingestBusy);
        long interval = config.checkInterval().toMillis();
        scheduler.executor.scheduleWithFixedDelay(scheduler::check, interval, interval, TimeUnit.MILLISECONDS);
        if (config.mergesOpenDays()) {
            long openInterval = config.openCheckInterval().toMillis();
            scheduler.executor.scheduleWithFixedDelay(scheduler::checkOpen, openInterval, openInterval, TimeUnit.MILLISECONDS);
        }
        LOG.info("Compaction: {} every {}, closed {} after midnight UTC, retired folders deleted {} after the switch, target {} bytes; {}",
                config.scheduled() ? "closed partitions compacted, checked" : "only interrupted runs finished, checked", config.checkInterval(),
                config.closeGrace(), config.deleteGrace(), config.targetFileSize(), config.mergesOpenDays()
                        ? "open days merged at " + config.openFiles() + " batch files (" + config.openFiles() * BUSY_FACTOR
                                + " while ingestion has no slack), counted every " + config.openCheckInterval()
                        : "open days not merged");
        return scheduler;
    }

    /** Submits a run when there is work; returns the run's id, if one was submitted. */
    Optional<String> check() {
        return submitIfDue(() -> due(clock.instant()), Map.of());
    }

    /** Submits a run that merges the open days when one of their partitions has enough batch files. */
    Optional<String> checkOpen() {
        int minFiles = openThreshold();
        return submitIfDue(() -> dueOpen(clock.instant(), minFiles), Map.of(CompactionRequest.OPEN_MIN_FILES, Integer.toString(minFiles)));
    }

    /**
     * The batch files an open day's partition waits for: {@code COMPACTION_OPEN_FILES}, or while
     * ingestion has no slack {@value #BUSY_FACTOR} times as many, so that merges mostly run when the
     * lake service has time for them (a merge under load takes CPU from the batches and so from
     * freshness) and a day under load still opens a bounded number of files.
     */
    int openThreshold() {
        return ingestBusy.getAsBoolean() ? config.openFiles() * BUSY_FACTOR : config.openFiles();
    }

    @FunctionalInterface
    private interface Due {
        List<String> list() throws IOException;
    }

    private Optional<String> submitIfDue(Due work, Map<String, String> parameters) {
        try {
            List<String> due = work.list();
            if (due.isEmpty()) {
                return Optional.empty();
            }
            String id = submit.apply(new JobRequest(JOB, parameters, Optional.of(EXTERNAL_ID), JobRequest.Mode.ASYNC));
            LOG.info("Scheduled compaction run {} for {}", id, due);
            return Optional.of(id);
        }
        catch (JobRequestException e) {
            if (e.status() == 409) {
                LOG.debug("Compaction due, but a run is in progress: {}", e.getMessage());
            }
            else if (parameters.containsKey(CompactionRequest.OPEN_MIN_FILES) && e.getMessage().contains(CompactionRequest.OPEN_MIN_FILES)) {
                // a job router file from before open days were merged: say so once, not every check
                if (openRefusalLogged.compareAndSet(false, true)) {
                    LOG.warn("Open days are not merged: the job router refuses the compact job's parameter {} ({}); add it to the job's "
                            + "parameters in JOB_ROUTER_FILE, as the bundled jobs.json has it, or set COMPACTION_OPEN_FILES=0",
                            CompactionRequest.OPEN_MIN_FILES, e.getMessage());
                }
            }
            else {
                LOG.warn("Cannot submit the scheduled compaction: {}", e.getMessage());
            }
        }
        catch (Exception e) {
            LOG.warn("Looking for partitions to compact failed; trying again in {}", config.checkInterval(), e);
        }
        return Optional.empty();
    }

    /**
     * What a run would do now, as {@code table dt=D: why}: partitions with something to finish, and
     * (when scheduled) closed partitions whose files are worth rewriting. At most a few are named.
     */
    public List<String> due(Instant now) throws IOException {
        List<String> due = new ArrayList<>();
        for (TableDefinition table : TableDefinition.all()) {
            for (Map.Entry<String, LocalDate> partition : layout.days(table).entrySet()) {
                String dt = partition.getKey();
                LocalDate day = partition.getValue();
                PartitionState state = layout.state(table, dt);
                if (state.needsRecovery(now, config.deleteGrace())) {
                    due.add(table.tableName() + " dt=" + dt + ": finish or clean up an earlier compaction");
                }
                else if (config.scheduled() && ClosedPartitions.isClosed(day, now, config.closeGrace())) {
                    List<FileStatus> files = layout.dataFiles(layout.generationFolder(table, dt, state.current()));
                    if (TargetFiles.worthRewriting(Compactor.inputFiles(files), config.targetFileSize())) {
                        due.add(table.tableName() + " dt=" + dt + ": " + files.size() + " files to compact");
                    }
                }
                if (due.size() >= MAX_REASONS) {
                    return due;
                }
            }
        }
        return due;
    }

    /**
     * The partitions of days still open (not closed by the schedule's rule) that hold at least
     * {@code COMPACTION_OPEN_FILES} batch files and less than {@code COMPACTION_TARGET_FILE_SIZE} in all,
     * as {@code table dt=D: why}; empty when open days are not merged. Only the open days' folders are listed.
     */
    public List<String> dueOpen(Instant now) throws IOException {
        return dueOpen(now, config.openFiles());
    }

    private List<String> dueOpen(Instant now, int minFiles) throws IOException {
        List<String> due = new ArrayList<>();
        if (!config.mergesOpenDays()) {
            return due;
        }
        for (TableDefinition table : TableDefinition.all()) {
            for (Map.Entry<String, LocalDate> partition : layout.days(table).entrySet()) {
                String dt = partition.getKey();
                LocalDate day = partition.getValue();
                if (ClosedPartitions.isClosed(day, now, config.closeGrace())) {
                    continue;
                }
                PartitionState state = layout.state(table, dt);
                List<FileStatus> files = layout.dataFiles(layout.generationFolder(table, dt, state.current()));
                long batchFiles = files.stream().filter(file -> !PartitionLayout.isCompactedFile(file.getPath().getName())).count();
                // a partition of the target size or more waits for the day's close (Compactor#merge)
                if (batchFiles >= minFiles && Compactor.inputBytes(files) <= config.targetFileSize()) {
                    due.add(table.tableName() + " dt=" + dt + ": " + batchFiles + " batch files in a day still open");
                }
                if (due.size() >= MAX_REASONS) {
                    return due;
                }
            }
        }
        return due;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
