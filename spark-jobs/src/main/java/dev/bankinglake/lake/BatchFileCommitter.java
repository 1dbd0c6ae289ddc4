package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.table.PartitionLayout;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Makes a micro-batch's files visible exactly once. Spark writes a batch into a hidden staging
 * folder ({@code <lake root>/_staging/<table>/batch=<id>}, invisible to Presto because of the
 * leading underscore); each file is then renamed, atomically, to a name that depends only on the
 * table, the query, the batch id and the file's position. A batch replayed after a crash has the
 * same offsets and therefore the same rows per partition, so a file whose final name already
 * exists was committed by an earlier attempt and is left alone.
 */
public final class BatchFileCommitter {
    public static final String STAGING_FOLDER = "_staging";
    private static final String PARTITION_PREFIX = LakeTable.PARTITION_COLUMN.name() + "=";

    private final FileSystem fileSystem;
    private final Path lakeRoot;
    private final PartitionLayout layout;

    public BatchFileCommitter(FileSystem fileSystem, Path lakeRoot) {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.lakeRoot = requireNonNull(lakeRoot, "lakeRoot is null");
        this.layout = new PartitionLayout(fileSystem, lakeRoot);
    }

    /** Where each partition's files are now; shared with compaction, whose switch of a partition never interleaves with a commit into it. */
    public PartitionLayout layout() {
        return layout;
    }

    /** The outcome of committing one table's files of one batch. */
    public record Committed(TableDefinition table, long batchId, Set<String> partitions, int filesRenamed, int filesAlreadyPresent) {
        public Committed {
            requireNonNull(table, "table is null");
            partitions = Set.copyOf(partitions);
        }
    }

    public Path tableFolder(TableDefinition table) {
        return new Path(lakeRoot, table.tableName());
    }

    public Path stagingFolder(TableDefinition table, long batchId) {
        return new Path(new Path(new Path(lakeRoot, STAGING_FOLDER), table.tableName()), "batch=" + batchId);
    }

    /** Removes what an earlier, interrupted attempt of this batch left in staging. */
    public Path prepareStaging(TableDefinition table, long batchId) throws IOException {
        Path staging = stagingFolder(table, batchId);
        fileSystem.delete(staging, true);
        return staging;
    }

    /** Removes every staging folder; only safe while no batch is being written. */
    public void clearStaging() throws IOException {
        fileSystem.delete(new Path(lakeRoot, STAGING_FOLDER), true);
    }

    /** The final name of the {@code index}-th file of a batch in one partition. */
    public static String fileName(long batchId, String queryId, int index) {
        requireNonNull(queryId, "queryId is null");
        if (batchId < 0 || index < 0) {
            throw new IllegalArgumentException("Invalid batch file: batch " + batchId + ", index " + index + " (must not be negative)");
        }
        return String.format("batch-%019d-%s-%05d.snappy.parquet", batchId, queryId, index);
    }

    /**
     * Moves the staged Parquet files of a batch to their final names in the table's partition
     * folders, skipping those already there, then drops the staging folder.
     */
    public Committed commit(TableDefinition table, long batchId, String queryId) throws IOException {
        String prefix = fileName(batchId, queryId, 0);
        return commit(table, batchId, stagingFolder(table, batchId), prefix.substring(0, prefix.length() - "-00000.snappy.parquet".length()));
    }

    /**
     * Moves the Parquet files staged in {@code staging} (partition folders {@code dt=...}) to
     * {@code <table>/dt=.../<prefix>-<n>.snappy.parquet}, skipping those already there, then drops
     * the staging folder. The same staged files and prefix always give the same names.
     */
    public Committed commit(TableDefinition table, long batchId, Path staging, String prefix) throws IOException {
        Map<String, List<Path>> staged = new TreeMap<>();
        for (FileStatus partitionFolder : list(staging)) {
            String folderName = partitionFolder.getPath().getName();
            if (!partitionFolder.isDirectory() || !folderName.startsWith(PARTITION_PREFIX)) {
                continue;
            }
            List<Path> files = new ArrayList<>();
            for (FileStatus file : list(partitionFolder.getPath())) {
                String name = file.getPath().getName();
                if (file.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
                    files.add(file.getPath());
                }
            }
            staged.put(folderName.substring(PARTITION_PREFIX.length()), files);
        }
        return commit(table, batchId, staging, prefix, staged);
    }

    /**
     * Commits files the caller staged itself and so knows without listing the staging folder:
     * {@code staged} holds each partition value's files under {@link #stagingFolder}, which must all
     * exist. The same files give the same names as {@link #commit(TableDefinition, long, String)}.
     */
    public Committed commitStaged(TableDefinition table, long batchId, String queryId, Map<String, List<Path>> staged) throws IOException {
        String prefix = fileName(batchId, queryId, 0);
        return commit(table, batchId, stagingFolder(table, batchId), prefix.substring(0, prefix.length() - "-00000.snappy.parquet".length()),
                staged);
    }

    /** The path of a staged file of a partition: {@code <staging>/dt=<partition>/<name>}. */
    public static Path stagedFile(Path staging, String partition, String name) {
        return new Path(new Path(staging, PARTITION_PREFIX + partition), name);
    }

    private Committed commit(TableDefinition table, long batchId, Path staging, String prefix, Map<String, List<Path>> staged) throws IOException {
        Set<String> partitions = new TreeSet<>();
        int renamed = 0;
        int present = 0;
        for (Map.Entry<String, List<Path>> stagedPartition : staged.entrySet()) {
            String partition = stagedPartition.getKey();
            List<Path> files = new ArrayList<>(stagedPartition.getValue());
            // Spark numbers the files of one write task in order (c000, c001, ...): sorting by name
            // gives the same positions on every attempt of the batch.
            files.sort(Comparator.comparing(Path::getName));
            // into the partition's current location (its home, or its compacted generation), which no
            // compaction switches while the files are renamed; a file a compaction merged counts as present
            int[] counts = layout.locked(table, partition, () -> {
                PartitionLayout.Location target = layout.current(table, partition);
                if (files.isEmpty()) {
                    fileSystem.mkdirs(target.path());
                }
                int renamedHere = 0;
                int presentHere = 0;
                for (int index = 0; index < files.size(); index++) {
                    String name = String.format("%s-%05d.snappy.parquet", prefix, index);
                    Path destination = new Path(target.path(), name);
                    if (layout.holds(target, name)) {
                        presentHere++;
                        continue;
                    }
                    // the partition's folder usually exists: made only when a rename says it does not
                    if (!fileSystem.rename(files.get(index), destination)) {
                        if (fileSystem.exists(destination)) {
                            presentHere++;
                            continue;
                        }
                        fileSystem.mkdirs(target.path());
                        if (!fileSystem.rename(files.get(index), destination)) {
                            if (!fileSystem.exists(destination)) {
                                throw new IOException("Cannot commit " + files.get(index) + " to " + destination + ": rename failed");
                            }
                            presentHere++;
                            continue;
                        }
                    }
                    renamedHere++;
                }
                return new int[] {renamedHere, presentHere};
            });
            renamed += counts[0];
            present += counts[1];
            partitions.add(partition);
        }
        fileSystem.delete(staging, true);
        return new Committed(table, batchId, partitions, renamed, present);
    }

    private List<FileStatus> list(Path folder) throws IOException {
        try {
            return Arrays.asList(fileSystem.listStatus(folder));
        }
        catch (FileNotFoundException e) {
            return List.of();
        }
    }
}
