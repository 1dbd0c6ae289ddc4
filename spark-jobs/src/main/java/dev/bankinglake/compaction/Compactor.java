package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.lake.LakeSchemas;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionLocations;
import dev.bankinglake.table.PartitionState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
    private static final String ROWS = "rows";
    private static final String HASH = "hash";
    private static final Duration OBSERVED_WAIT = Duration.ofMinutes(1);

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

    private final SparkSession spark;
    private final PartitionLayout layout;
    private final PartitionLocations metastore;
    private final long targetFileSize;
    private final Duration deleteGrace;
    private final Clock clock;
    private final StepHook hook;

    public Compactor(SparkSession spark, PartitionLayout layout, PartitionLocations metastore, long targetFileSize, Duration deleteGrace,
            Clock clock) {
        this(spark, layout, metastore, targetFileSize, deleteGrace, clock, StepHook.NONE);
    }

    Compactor(SparkSession spark, PartitionLayout layout, PartitionLocations metastore, long targetFileSize, Duration deleteGrace, Clock clock,
            StepHook hook) {
        this.spark = requireNonNull(spark, "spark is null");
        this.layout = requireNonNull(layout, "layout is null");
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.targetFileSize = targetFileSize;
        this.deleteGrace = requireNonNull(deleteGrace, "deleteGrace is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.hook = requireNonNull(hook, "hook is null");
        if (targetFileSize <= 0) {
            throw new IllegalArgumentException("Invalid target file size " + targetFileSize + " (must be positive)");
        }
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
        boolean batchFilesOnly = minBatchFiles > 0;
        // merging an open day: the compacted files stay as they are, and come along to the new generation
        List<FileStatus> inputs = files;
        List<FileStatus> carried = List.of();
        if (batchFilesOnly) {
            List<FileStatus> batchFiles = files.stream().filter(file -> !PartitionLayout.isCompactedFile(file.getPath().getName())).toList();
            inputs = oldestWithin(batchFiles, mergeBytes(targetFileSize));
            Set<String> merged = inputs.stream().map(file -> file.getPath().getName()).collect(Collectors.toSet());
            carried = files.stream().filter(file -> !merged.contains(file.getPath().getName())).toList();
            // a partition already holding the target size is left to the compaction once the day closes: its
            // files are large enough, and copying them over at every merge would cost more than it saves
            if (batchFiles.size() < minBatchFiles || inputBytes(files) > targetFileSize) {
                inputs = List.of();
            }
        }
        long inputBytes = inputBytes(files);
        boolean worth = compact && (batchFilesOnly ? inputs.size() >= 2 : TargetFiles.worthRewriting(inputFiles(inputs), targetFileSize));
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
        deleteDue(table, dt, current, steps);

        if (!worth) {
            List<FileStatus> now = layout.dataFiles(current);
            long bytes = now.stream().mapToLong(FileStatus::getLen).sum();
            return outcome(table, dt, now.isEmpty() && compact ? PartitionOutcome.Action.EMPTY : PartitionOutcome.Action.UP_TO_DATE,
                    now.size(), now.size(), bytes, bytes, 0, 0, current, steps, started);
        }
        return compact(table, dt, state, current, inputs, batchFilesOnly, carried, steps, started, fileSystem);
    }

    private PartitionOutcome compact(TableDefinition table, String dt, PartitionState state, Path current, List<FileStatus> inputs,
            boolean merge, List<FileStatus> carried, List<String> steps, long started, FileSystem fileSystem) throws Exception {
        int generation = state.nextGeneration();
        Path target = layout.generationFolder(table, dt, generation);
        Path staging = stagingFolder(layout, table, dt);
        fileSystem.delete(staging, true);
        Path written = new Path(staging, "written");
        Path staged = new Path(staging, PartitionLayout.generationName(generation));
        long inputBytes = inputBytes(inputs);
        long carriedBytes = inputBytes(carried);
        int outputs = TargetFiles.outputFiles(inputBytes, targetFileSize);
        RowKeys keys = RowKeys.of(table);
        StructType schema = LakeSchemas.dataSchema(table);
        String[] inputPaths = inputs.stream().map(file -> file.getPath().toString()).toArray(String[]::new);
        org.apache.spark.sql.Column[] order = keys.sortColumns().stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new);
        LOG.info("{} {} dt={}: {} file(s), {} bytes, into {} file(s) sorted by {} ({}{})", merge ? "Merging the batch files of" : "Compacting",
                table.tableName(), dt, inputs.size(), inputBytes, outputs, keys.timeColumn(), PartitionLayout.generationName(generation),
                carried.isEmpty() ? "" : ", " + carried.size() + " other file(s) carried over");

        // contiguous time ranges, one per output file: their min/max statistics do not overlap (one
        // file: one task reads and sorts it all, with no sampling job and no shuffle)
        long rewriteStarted = System.nanoTime();
        Dataset<Row> input = spark.read().schema(schema).parquet(inputPaths);
        Dataset<Row> ranges = outputs == 1 ? input.coalesce(1) : input.repartitionByRange(outputs, order);
        // the rows the rewrite reads, counted and hashed on their way into the writer (Spark's observed
        // metrics, in the write's own job: above the range exchange, so its sampling job counts nothing)
        Observation read = new Observation("compaction-input");
        ranges.sortWithinPartitions(order).observe(read, count(lit(1)).as(ROWS), sum(rowHash(schema)).as(HASH))
                .write().mode(SaveMode.Overwrite).parquet(written.toString());
        fileSystem.mkdirs(staged);
        List<FileStatus> parts = layout.dataFiles(written).stream().filter(file -> file.getPath().getName().endsWith(".parquet")).toList();
        List<Path> outputsStaged = new ArrayList<>();
        for (int index = 0; index < parts.size(); index++) {
            Path destination = new Path(staged, String.format("%s%04d-%05d.snappy.parquet", PartitionLayout.COMPACTED_PREFIX, generation, index));
            if (!fileSystem.rename(parts.get(index).getPath(), destination)) {
                throw new IOException("Cannot stage " + parts.get(index).getPath() + " as " + destination);
            }
            outputsStaged.add(destination);
        }
        Set<String> sources = new HashSet<>(layout.sources(current));
        inputs.forEach(file -> sources.add(file.getPath().getName()));
        layout.writeSources(staged, sources);
        hook.reached(Step.STAGED, table, dt);
        long checkStarted = System.nanoTime();

        long rows;
        try {
            rows = verify(table, dt, schema, keys, inputPaths, observed(read), staged);
        }
        catch (VerificationFailedException e) {
            fileSystem.delete(staging, true);
            throw e;
        }
        hook.reached(Step.VERIFIED, table, dt);
        long switchStarted = System.nanoTime();

        // the files this merge leaves as they are never change: copied before the lock, which batches wait for
        for (FileStatus file : carried) {
            carryOver(fileSystem, file, new Path(staged, file.getPath().getName()), "unchanged");
        }
        Set<String> inputNames = inputs.stream().map(file -> file.getPath().getName()).collect(Collectors.toSet());
        Set<String> takenOver = new HashSet<>(inputNames);
        carried.forEach(file -> takenOver.add(file.getPath().getName()));
        List<String> late = layout.locked(table, dt, () -> {
            List<FileStatus> now = layout.dataFiles(current);
            Set<String> present = now.stream().map(file -> file.getPath().getName()).collect(Collectors.toSet());
            List<String> vanished = takenOver.stream().filter(name -> !present.contains(name)).sorted().toList();
            if (!vanished.isEmpty()) {
                throw new IOException("Compaction of " + table.tableName() + " dt=" + dt + " aborted before the switch: " + vanished.size()
                        + " of its files vanished meanwhile (e.g. " + vanished.get(0) + ")");
            }
            List<String> copied = new ArrayList<>();
            for (FileStatus file : now) {
                if (takenOver.contains(file.getPath().getName())) {
                    continue;
                }
                // a batch committed into the old location after the rewrite read it: its file comes along unchanged
                carryOver(fileSystem, file, new Path(staged, file.getPath().getName()), "late");
                copied.add(file.getPath().getName());
            }
            fileSystem.mkdirs(target.getParent());
            if (fileSystem.exists(target)) {
                throw new IOException("Cannot put " + staged + " in place: " + target + " exists already");
            }
            if (!fileSystem.rename(staged, target)) {
                throw new IOException("Cannot put " + staged + " in place as " + target + " (rename failed)");
            }
            // From here the new generation is never taken back, even when the metastore call fails: it is
            // verified, batches commit there, and the next run points the metastore at it. Undoing the
            // rename could race a call the metastore did apply, leaving queries a folder that is gone.
            try {
                hook.reached(Step.RENAMED, table, dt);
                metastore.switchLocation(table, dt, normalize(current), normalize(target));
                hook.reached(Step.SWITCHED, table, dt);
            }
            catch (IOException | RuntimeException e) {
                throw e;
            }
            catch (Exception e) {
                throw new IOException("Switching " + table.tableName() + " dt=" + dt + " to " + target + " failed: " + e.getMessage(), e);
            }
            return copied;
        });
        layout.markRetired(table, dt, state.current(), clock.instant());
        fileSystem.delete(staging, true);
        FileStatus[] otherDays = fileSystem.listStatus(staging.getParent());
        if (otherDays.length == 0) {
            fileSystem.delete(staging.getParent(), false);
        }
        long outputBytes = 0;
        for (Path output : outputsStaged) {
            outputBytes += fileSystem.getFileStatus(new Path(target, output.getName())).getLen();
        }
        steps.add((merge ? "merged " : "compacted ") + inputs.size() + (merge ? " batch file(s)" : " file(s)") + " into "
                + outputsStaged.size() + " in " + PartitionLayout.generationName(generation)
                + (carried.isEmpty() ? "" : ", with " + carried.size() + " other file(s) carried over")
                + (late.isEmpty() ? "" : ", with " + late.size() + " late file(s) carried over"));
        long finished = System.nanoTime();
        LOG.info("Compacted {} dt={}: {} file(s), {} bytes -> {} file(s), {} bytes, {} rows, verified{}; now at {} (rewrite {} ms, check {} ms, "
                        + "carry-over and switch {} ms)", table.tableName(), dt, inputs.size(), inputBytes, outputsStaged.size(), outputBytes, rows,
                carried.isEmpty() ? "" : ", " + carried.size() + " other file(s) carried over", target,
                (checkStarted - rewriteStarted) / 1_000_000, (switchStarted - checkStarted) / 1_000_000, (finished - switchStarted) / 1_000_000);
        // with no grace (a benchmark, a test), the old files go at once
        deleteDue(table, dt, target, steps);
        return outcome(table, dt, PartitionOutcome.Action.COMPACTED, inputs.size() + carried.size(), outputsStaged.size() + carried.size() + late.size(),
                inputBytes + carriedBytes, outputBytes + carriedBytes, rows, late.size(), target, steps, started);
    }

    /**
     * The bytes of batch files one merge of an open day rewrites at most: a quarter of the target
     * file size, so that a merge under load stays a few seconds of work however far behind it is;
     * what is left waits for the next check.
     */
    static long mergeBytes(long targetFileSize) {
        return Math.max(1, targetFileSize / 4);
    }

    /** The batch files in name order (batch ids are zero-padded: commit order) while their bytes fit, and at least two. */
    static List<FileStatus> oldestWithin(List<FileStatus> batchFiles, long maxBytes) {
        List<FileStatus> sorted = batchFiles.stream().sorted(java.util.Comparator.comparing(file -> file.getPath().getName())).toList();
        List<FileStatus> taken = new ArrayList<>();
        long bytes = 0;
        for (FileStatus file : sorted) {
            if (taken.size() >= 2 && bytes + file.getLen() > maxBytes) {
                break;
            }
            taken.add(file);
            bytes += file.getLen();
        }
        return taken;
    }

    /** The bytes of the files, together. */
    static long inputBytes(List<FileStatus> files) {
        return files.stream().mapToLong(FileStatus::getLen).sum();
    }

    /** Copies a file the new generation takes over unchanged, checking that all its bytes arrived. */
    private static void carryOver(FileSystem fileSystem, FileStatus file, Path copy, String what) throws IOException {
        if (!FileUtil.copy(fileSystem, file.getPath(), fileSystem, copy, false, true, fileSystem.getConf())
                || fileSystem.getFileStatus(copy).getLen() != file.getLen()) {
            throw new IOException("Cannot carry the " + what + " file " + file.getPath() + " over to " + copy);
        }
    }

    /**
     * Checks that the staged files hold exactly the rows the rewrite read from the inputs ({@code read}:
     * their count and sum of row hashes, observed in the rewrite's own job): as many rows and the same
     * sum of row hashes (of every column, ids included); on a difference, which ids are missing or
     * added. Returns the row count.
     */
    private long verify(TableDefinition table, String dt, StructType schema, RowKeys keys, String[] inputPaths, Map<String, Object> read,
            Path staged) throws VerificationFailedException {
        Row afterFigures = spark.read().schema(schema).parquet(staged.toString()).agg(count(lit(1)).as(ROWS), sum(rowHash(schema)).as(HASH)).first();
        long rowsBefore = ((Number) read.get(ROWS)).longValue();
        long rowsAfter = afterFigures.getLong(0);
        boolean sameContent = java.util.Objects.equals(read.get(HASH), afterFigures.get(1));
        if (rowsBefore == rowsAfter && sameContent) {
            // every row's hash covers its ids: a row lost, doubled or changed changes the count or the sum
            return rowsBefore;
        }
        // what differs, by id, for the message (two shuffles: only when something is wrong)
        org.apache.spark.sql.Column[] ids = keys.idColumns().stream().map(org.apache.spark.sql.functions::col)
                .toArray(org.apache.spark.sql.Column[]::new);
        Dataset<Row> before = spark.read().schema(schema).parquet(inputPaths);
        Dataset<Row> after = spark.read().schema(schema).parquet(staged.toString());
        Dataset<Row> missing = before.select(ids).exceptAll(after.select(ids));
        Dataset<Row> added = after.select(ids).exceptAll(before.select(ids));
        long missingCount = missing.count();
        long addedCount = added.count();
        throw new VerificationFailedException("Compaction of " + table.tableName() + " dt=" + dt + " aborted before the switch: the new files hold "
                + rowsAfter + " row(s), the old ones " + rowsBefore + "; " + missingCount + " id(s) missing" + sample(missing, missingCount) + ", "
                + addedCount + " added" + sample(added, addedCount) + (sameContent ? "" : ", row contents differ") + "; the partition is unchanged");
    }

    /** The metrics Spark observed in the rewrite's job; they arrive with the job's end, so a short wait is plenty. */
    private static Map<String, Object> observed(Observation observation) throws IOException {
        try {
            return scala.jdk.javaapi.CollectionConverters.asJava(
                    scala.jdk.javaapi.FutureConverters.asJava(observation.future()).toCompletableFuture().get(OBSERVED_WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for the rewrite's observed row count");
        }
        catch (ExecutionException | TimeoutException e) {
            throw new IOException("The rewrite's observed row count and hash did not arrive within " + OBSERVED_WAIT.toSeconds() + " s: " + e, e);
        }
    }

    /** A row's hash over every column, as a decimal so that a sum over billions of rows cannot overflow. */
    private static org.apache.spark.sql.Column rowHash(StructType schema) {
        return xxhash64(java.util.Arrays.stream(schema.fieldNames()).map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
                .cast(DataTypes.createDecimalType(20, 0));
    }

    private static String sample(Dataset<Row> ids, long count) {
        if (count == 0) {
            return "";
        }
        return " (e.g. " + ids.limit(3).collectAsList().stream().map(row -> row.mkString("/")).toList() + ")";
    }

    /**
     * Deletes the retired generations whose grace has passed. Only files whose rows the current
     * generation holds (it lists them among its sources, or has them by name) are deleted; anything
     * else is kept and reported.
     */
    private void deleteDue(TableDefinition table, String dt, Path current, List<String> steps) throws IOException {
        FileSystem fileSystem = layout.fileSystem();
        PartitionState state = layout.state(table, dt);
        Instant now = clock.instant();
        SortedSet<Integer> deletable = state.deletable(now, deleteGrace);
        if (!deletable.isEmpty()) {
            Set<String> accounted = new HashSet<>(layout.sources(current));
            layout.dataFiles(current).forEach(file -> accounted.add(file.getPath().getName()));
            for (int generation : deletable) {
                Path folder = layout.generationFolder(table, dt, generation);
                List<FileStatus> files = layout.dataFiles(folder);
                List<String> unaccounted = files.stream().map(file -> file.getPath().getName()).filter(name -> !accounted.contains(name))
                        .sorted().toList();
                if (generation == 0) {
                    for (FileStatus file : files) {
                        if (accounted.contains(file.getPath().getName())) {
                            fileSystem.delete(file.getPath(), false);
                        }
                    }
                }
                else if (unaccounted.isEmpty()) {
                    fileSystem.delete(folder, true);
                }
                if (!unaccounted.isEmpty()) {
                    LOG.warn("Kept {} file(s) of retired {} of {} dt={} that no compaction took over, e.g. {}", unaccounted.size(),
                            PartitionLayout.generationName(generation), table.tableName(), dt, unaccounted.get(0));
                    steps.add("kept " + unaccounted.size() + " file(s) of " + PartitionLayout.generationName(generation)
                            + " that no compaction took over");
                    continue;
                }
                layout.removeRetiredMarker(table, dt, generation);
                steps.add("deleted " + PartitionLayout.generationName(generation) + " (retired at " + state.retiredAt().get(generation) + ")");
                LOG.info("Deleted retired {} of {} dt={} ({} file(s), retired at {})", PartitionLayout.generationName(generation),
                        table.tableName(), dt, files.size(), state.retiredAt().get(generation));
            }
        }
        for (int generation : state.staleMarkers()) {
            layout.removeRetiredMarker(table, dt, generation);
        }
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
