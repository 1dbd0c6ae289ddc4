package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionLocations;
import dev.bankinglake.table.PartitionState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts one partition at a time, atomically for readers and exactly once:
 * <ol>
 *   <li>finishes what an earlier run left: a switch the metastore never confirmed, retirement
 *       markers, retired folders whose grace has passed (each step safe to repeat);</li>
 *   <li>rewrites the files of the current location, sorted by the table's time column, into files of
 *       the target size, in a staging folder ({@code <lake>/_staging/compaction/...});</li>
 *   <li>checks that the new files hold exactly the rows the rewrite read from the old ones: as many,
 *       with the same sum of row hashes (every column, ids included, counted and hashed in the
 *       rewrite's own job as Spark's observed metrics); aborts on any difference, naming the ids
 *       missing or added;</li>
 *   <li>under the partition's lock, copies over the files batches committed meanwhile, renames the
 *       staged folder to the next generation (from then on batches commit there) and points the
 *       metastore at it in one {@code alter_partition} (from then on queries read there);</li>
 *   <li>marks the old location retired; it is deleted by a later run once the grace has passed.</li>
 * </ol>
 * A day still open (it takes a batch's files every trigger) can be merged instead ({@link #merge}):
 * its oldest batch files, up to a quarter of the target size, are rewritten into one sorted file,
 * and every other file is copied to the new generation unchanged, so that a day's Presto queries
 * open a few dozen files at any hour, not one per batch since midnight.
 * A query therefore reads either the old folder, whole, or the new one, whole. A kill at any
 * moment leaves either the old location current (staging is thrown away) or the new generation in
 * place, verified, with the metastore confirmed by the next run.
 */
public final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    public static final String STAGING_FOLDER = "compaction";

    /** Where a compaction stands; a test stops it at each to play a crash there. */
    enum Step { STAGED, VERIFIED, RENAMED, SWITCHED }

    @FunctionalInterface
    interface StepHook {
        void reached(Step step, TableDefinition table, String dt) throws Exception;

        StepHook NONE = (step, table, dt) -> { };
    }

    /** The new files differ from the old ones: nothing was switched. */
    public static final class VerificationFailedException extends IOException {
        private static final long serialVersionUID = 1L;

        public VerificationFailedException(String message) {
            super(message);
        }
    }

    private final PartitionLayout layout;
    private final PartitionLocations metastore;
    private final long targetFileSize;
    private final Duration deleteGrace;
    private final Clock clock;
    private final StepHook hook;
    private final CompactionRewrite rewrite;
    private final CompactionVerifier verifier;
    private final GenerationSwitch generationSwitch;
    private final RetiredGenerations retired;

    public Compactor(SparkSession spark, PartitionLayout layout, PartitionLocations metastore, long targetFileSize, Duration deleteGrace,
            Clock clock) {
        this(spark, layout, metastore, targetFileSize, deleteGrace, clock, StepHook.NONE);
    }

    Compactor(SparkSession spark, PartitionLayout layout, PartitionLocations metastore, long targetFileSize, Duration deleteGrace, Clock clock,
            StepHook hook) {
        requireNonNull(spark, "spark is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.targetFileSize = targetFileSize;
        this.deleteGrace = requireNonNull(deleteGrace, "deleteGrace is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.hook = requireNonNull(hook, "hook is null");
        if (targetFileSize <= 0) {
            throw new IllegalArgumentException("Invalid target file size " + targetFileSize + " (must be positive)");
        }
        this.rewrite = new CompactionRewrite(spark, layout);
        this.verifier = new CompactionVerifier(spark);
        this.generationSwitch = new GenerationSwitch(layout, metastore, hook);
        this.retired = new RetiredGenerations(layout, deleteGrace, clock);
    }

    /** {@code <lake>/_staging/compaction/<table>/dt=D}: hidden, and cleared when the service starts. */
    public static Path stagingFolder(PartitionLayout layout, TableDefinition table, String dt) {
        return new Path(new Path(new Path(new Path(layout.lakeRoot(), "_staging"), STAGING_FOLDER), table.tableName()), "dt=" + dt);
    }

    /**
     * Finishes or cleans up what earlier runs left for the partition, then, when {@code compact} and
     * rewriting pays off, compacts it.
     */
    public PartitionOutcome run(TableDefinition table, String dt, boolean compact) throws Exception {
        return run(table, dt, compact, 0);
    }

    /**
     * Finishes or cleans up what earlier runs left for a partition that still takes batches, then,
     * when it holds at least {@code minBatchFiles} files that batches committed (at least two) and
     * less than the target file size in all, rewrites the oldest of them (up to a quarter of the
     * target) into one sorted file, and carries every other file over unchanged.
     */
    public PartitionOutcome merge(TableDefinition table, String dt, int minBatchFiles) throws Exception {
        return run(table, dt, true, Math.max(2, minBatchFiles));
    }

    /** {@code minBatchFiles} 0: rewrite every file; more: rewrite the batch files only, once there are that many. */
    private PartitionOutcome run(TableDefinition table, String dt, boolean compact, int minBatchFiles) throws Exception {
        long started = System.nanoTime();
        List<String> steps = new ArrayList<>();
        FileSystem fileSystem = layout.fileSystem();
        PartitionState state = layout.state(table, dt);
        Path current = layout.generationFolder(table, dt, state.current());
        boolean recovery = state.needsRecovery(clock.instant(), deleteGrace);
        List<FileStatus> files = compact || recovery ? layout.dataFiles(current) : List.of();
        boolean merge = minBatchFiles > 0;
        CompactionPlanner.Plan plan = CompactionPlanner.plan(inputFiles(files), targetFileSize, compact, minBatchFiles);
        List<FileStatus> inputs = byName(files, plan.inputs());
        List<FileStatus> carried = byName(files, plan.carried());
        long inputBytes = inputBytes(files);
        boolean worth = plan.worth();
        if (!recovery && !worth) {
            return outcome(table, dt, files.isEmpty() && compact ? PartitionOutcome.Action.EMPTY : PartitionOutcome.Action.UP_TO_DATE,
                    files.size(), files.size(), inputBytes, inputBytes, 0, 0, current, steps, started);
        }

        // what a run that died left in staging (the service also clears all staging when it starts)
        fileSystem.delete(stagingFolder(layout, table, dt), true);
        Optional<String> registered = metastore.location(table, dt);
        List<String> older = new ArrayList<>();
        older.add(normalize(layout.home(table, dt)));
        for (int generation : state.generations().headSet(state.current())) {
            older.add(normalize(layout.generationFolder(table, dt, generation)));
        }
        switch (PartitionState.agreement(registered.map(Compactor::normalize), normalize(current), older)) {
            case NOT_REGISTERED -> {
                return outcome(table, dt, PartitionOutcome.Action.NOT_REGISTERED, files.size(), files.size(), inputBytes, inputBytes, 0, 0,
                        current, steps, started);
            }
            case ELSEWHERE -> {
                LOG.warn("Compaction leaves {} dt={} alone: the metastore points at {}, none of its folders", table.tableName(), dt,
                        registered.orElse("?"));
                return outcome(table, dt, PartitionOutcome.Action.ELSEWHERE, files.size(), files.size(), inputBytes, inputBytes, 0, 0,
                        current, steps, started);
            }
            case BEHIND -> {
                metastore.switchLocation(table, dt, registered.orElseThrow(), normalize(current));
                steps.add("switched the metastore from " + registered.orElseThrow() + " to " + PartitionLayout.generationName(state.current())
                        + ", which an interrupted run had put in place");
            }
            case IN_STEP -> {
                // nothing to confirm
            }
        }
        // the metastore points at the current generation: every older one is retired from now on
        for (int generation : state.unconfirmed()) {
            layout.markRetired(table, dt, generation, clock.instant());
            steps.add("retired " + PartitionLayout.generationName(generation));
        }
        retired.deleteDue(table, dt, current, steps);

        if (!worth) {
            List<FileStatus> now = layout.dataFiles(current);
            long bytes = now.stream().mapToLong(FileStatus::getLen).sum();
            return outcome(table, dt, now.isEmpty() && compact ? PartitionOutcome.Action.EMPTY : PartitionOutcome.Action.UP_TO_DATE,
                    now.size(), now.size(), bytes, bytes, 0, 0, current, steps, started);
        }
        return compact(table, dt, state, current, inputs, merge, carried, steps, started);
    }

    /** Rewrite, check, switch, retire: each step's end is a crash seam ({@link Step}). */
    private PartitionOutcome compact(TableDefinition table, String dt, PartitionState state, Path current, List<FileStatus> inputs,
            boolean merge, List<FileStatus> carried, List<String> steps, long started) throws Exception {
        FileSystem fileSystem = layout.fileSystem();
        int generation = state.nextGeneration();
        Path target = layout.generationFolder(table, dt, generation);
        long carriedBytes = inputBytes(carried);
        long rewriteStarted = System.nanoTime();
        CompactionRewrite.Staged staged = rewrite.rewrite(table, dt, current, generation, inputs, targetFileSize, merge, carried.size());
        hook.reached(Step.STAGED, table, dt);
        long checkStarted = System.nanoTime();

        long rows;
        try {
            rows = verifier.verify(table, dt, staged);
        }
        catch (VerificationFailedException e) {
            fileSystem.delete(staged.staging(), true);
            throw e;
        }
        hook.reached(Step.VERIFIED, table, dt);
        long switchStarted = System.nanoTime();

        List<String> late = generationSwitch.switchTo(table, dt, current, target, staged.folder(), inputs, carried);
        layout.markRetired(table, dt, state.current(), clock.instant());
        fileSystem.delete(staged.staging(), true);
        FileStatus[] otherDays = fileSystem.listStatus(staged.staging().getParent());
        if (otherDays.length == 0) {
            fileSystem.delete(staged.staging().getParent(), false);
        }
        long outputBytes = 0;
        for (Path output : staged.outputs()) {
            outputBytes += fileSystem.getFileStatus(new Path(target, output.getName())).getLen();
        }
        long inputBytes = staged.inputBytes();
        steps.add((merge ? "merged " : "compacted ") + inputs.size() + (merge ? " batch file(s)" : " file(s)") + " into "
                + staged.outputs().size() + " in " + PartitionLayout.generationName(generation)
                + (carried.isEmpty() ? "" : ", with " + carried.size() + " other file(s) carried over")
                + (late.isEmpty() ? "" : ", with " + late.size() + " late file(s) carried over"));
        long finished = System.nanoTime();
        LOG.info("Compacted {} dt={}: {} file(s), {} bytes -> {} file(s), {} bytes, {} rows, verified{}; now at {} (rewrite {} ms, check {} ms, "
                        + "carry-over and switch {} ms)", table.tableName(), dt, inputs.size(), inputBytes, staged.outputs().size(), outputBytes, rows,
                carried.isEmpty() ? "" : ", " + carried.size() + " other file(s) carried over", target,
                (checkStarted - rewriteStarted) / 1_000_000, (switchStarted - checkStarted) / 1_000_000, (finished - switchStarted) / 1_000_000);
        // with no grace (a benchmark, a test), the old files go at once
        retired.deleteDue(table, dt, target, steps);
        return outcome(table, dt, PartitionOutcome.Action.COMPACTED, inputs.size() + carried.size(),
                staged.outputs().size() + carried.size() + late.size(), inputBytes + carriedBytes, outputBytes + carriedBytes, rows, late.size(),
                target, steps, started);
    }

    /** The files of {@code files} the plan names, in the plan's order. */
    private static List<FileStatus> byName(List<FileStatus> files, List<TargetFiles.InputFile> planned) {
        Map<String, FileStatus> named = new LinkedHashMap<>();
        files.forEach(file -> named.put(file.getPath().getName(), file));
        return planned.stream().map(file -> named.get(file.name())).toList();
    }

    /** See {@link CompactionPlanner#mergeBytes}. */
    static long mergeBytes(long targetFileSize) {
        return CompactionPlanner.mergeBytes(targetFileSize);
    }

    /** The batch files in name order while their bytes fit, and at least two ({@link CompactionPlanner#oldestWithin}). */
    static List<FileStatus> oldestWithin(List<FileStatus> batchFiles, long maxBytes) {
        return byName(batchFiles, CompactionPlanner.oldestWithin(inputFiles(batchFiles), maxBytes));
    }

    /** The bytes of the files, together. */
    static long inputBytes(List<FileStatus> files) {
        return files.stream().mapToLong(FileStatus::getLen).sum();
    }

    static List<TargetFiles.InputFile> inputFiles(List<FileStatus> files) {
        return files.stream().map(file -> new TargetFiles.InputFile(file.getPath().getName(), file.getLen())).toList();
    }

    static String normalize(Path path) {
        return path.toString();
    }

    static String normalize(String location) {
        return new Path(location).toString();
    }

    private PartitionOutcome outcome(TableDefinition table, String dt, PartitionOutcome.Action action, int filesBefore, int filesAfter,
            long bytesBefore, long bytesAfter, long rows, int late, Path location, List<String> steps, long started) {
        return new PartitionOutcome(table.tableName(), dt, action, filesBefore, filesAfter, bytesBefore, bytesAfter, rows, late,
                location.toString(), steps, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** Totals of several outcomes, for a job's answer. */
    static Map<String, Object> totals(List<PartitionOutcome> outcomes) {
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("partitions", outcomes.size());
        totals.put("compacted", outcomes.stream().filter(outcome -> outcome.action() == PartitionOutcome.Action.COMPACTED).count());
        totals.put("files_before", outcomes.stream().filter(outcome -> outcome.action() == PartitionOutcome.Action.COMPACTED)
                .mapToLong(PartitionOutcome::filesBefore).sum());
        totals.put("files_after", outcomes.stream().filter(outcome -> outcome.action() == PartitionOutcome.Action.COMPACTED)
                .mapToLong(PartitionOutcome::filesAfter).sum());
        totals.put("rows", outcomes.stream().mapToLong(PartitionOutcome::rows).sum());
        return totals;
    }
}
