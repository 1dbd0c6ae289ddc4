package dev.bankinglake.table;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a partition's files are. A partition starts in its home folder
 * {@code <table>/dt=D} (generation 0), where batches commit their files. Each compaction writes the
 * next generation {@code <table>/_compaction/dt=D/gen-NNNN}, which appears whole, by one rename,
 * once its files are verified; the newest generation on disk is the partition's current location,
 * the one batches commit into and the metastore points at. A generation holds {@value #SOURCES_FILE}:
 * the names of every file whose rows it took over, so that a batch replayed after a crash
 * recognises its file even though it was merged. Retired generations get a marker
 * ({@code retired-gen-NNNN}, the instant the metastore moved away) and are deleted after a grace.
 *
 * <p>Names starting with {@code _} are invisible to Presto, so neither {@code _compaction} nor
 * {@value #SOURCES_FILE} shows in a query of the table or of a partition.
 *
 * <p>One lake service writes a lake root, so the partition locks here are enough to keep a batch's
 * commit and a compaction's switch of the same partition apart: the committer resolves the current
 * location and renames its files under the lock, the compaction adds late files and switches under
 * it.
 */
public final class PartitionLayout {
    public static final String COMPACTION_FOLDER = "_compaction";
    public static final String SOURCES_FILE = "_sources";
    static final String RETIRED_PREFIX = "retired-";
    /** The files a compaction writes: {@code compacted-<generation>-<n>.snappy.parquet}. */
    public static final String COMPACTED_PREFIX = "compacted-";
    private static final String GENERATION_PREFIX = "gen-";
    private static final Pattern GENERATION = Pattern.compile(GENERATION_PREFIX + "(\\d{4,9})");
    private static final String PARTITION_PREFIX = LakeTable.PARTITION_COLUMN.name() + "=";
    private static final int SOURCES_CACHE_SIZE = 64;

    private final FileSystem fileSystem;
    private final Path lakeRoot;
    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<Path, Set<String>> sourcesCache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Set<String>> eldest) {
            return size() > SOURCES_CACHE_SIZE;
        }
    });

    /** A partition's location: its generation (0: the home folder) and folder. */
    public record Location(int generation, Path path) {
        public Location {
            requireNonNull(path, "path is null");
        }
    }

    /** Work on one partition that must not interleave with other work on it. */
    @FunctionalInterface
    public interface PartitionWork<T> {
        T run() throws IOException;
    }

    public PartitionLayout(FileSystem fileSystem, Path lakeRoot) {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.lakeRoot = requireNonNull(lakeRoot, "lakeRoot is null");
    }

    public FileSystem fileSystem() {
        return fileSystem;
    }

    public Path lakeRoot() {
        return lakeRoot;
    }

    public Path tableFolder(TableDefinition table) {
        return new Path(lakeRoot, table.tableName());
    }

    /** {@code <table>/dt=D}: generation 0. */
    public Path home(TableDefinition table, String dt) {
        return new Path(tableFolder(table), PARTITION_PREFIX + dt);
    }

    /** {@code <table>/_compaction/dt=D}: the partition's generations and retirement markers. */
    public Path compactionFolder(TableDefinition table, String dt) {
        return new Path(new Path(tableFolder(table), COMPACTION_FOLDER), PARTITION_PREFIX + dt);
    }

    public Path generationFolder(TableDefinition table, String dt, int generation) {
        if (generation < 0) {
            throw new IllegalArgumentException("Invalid generation " + generation + " (must not be negative)");
        }
        return generation == 0 ? home(table, dt) : new Path(compactionFolder(table, dt), generationName(generation));
    }

    /** Whether a data file was written by a compaction (and so holds the rows of many batches). */
    public static boolean isCompactedFile(String name) {
        return name.startsWith(COMPACTED_PREFIX);
    }

    public static String generationName(int generation) {
        return String.format("%s%04d", GENERATION_PREFIX, generation);
    }

    Path retiredMarker(TableDefinition table, String dt, int generation) {
        return new Path(compactionFolder(table, dt), RETIRED_PREFIX + generationName(generation));
    }

    /** The partitions of a table: the values of its {@code dt=} home folders, oldest first. */
    public List<String> partitions(TableDefinition table) throws IOException {
        List<String> values = new ArrayList<>();
        for (FileStatus child : list(tableFolder(table))) {
            String name = child.getPath().getName();
            if (child.isDirectory() && name.startsWith(PARTITION_PREFIX)) {
                values.add(name.substring(PARTITION_PREFIX.length()));
            }
        }
        Collections.sort(values);
        return values;
    }

    /** The table's partitions named by a day ({@code dt=yyyy-MM-dd}), as {@link #partitions} lists them, each with its day. */
    public Map<String, LocalDate> days(TableDefinition table) throws IOException {
        Map<String, LocalDate> days = new LinkedHashMap<>();
        for (String dt : partitions(table)) {
            try {
                days.put(dt, LocalDate.parse(dt));
            }
            catch (DateTimeParseException e) {
                // not a day: no schedule or run of compaction touches it
            }
        }
        return days;
    }

    /** The newest generation on disk, or the home folder. One listing of a small folder. */
    public Location current(TableDefinition table, String dt) throws IOException {
        SortedSet<Integer> generations = new TreeSet<>();
        readCompactionFolder(table, dt, generations, null);
        int current = generations.isEmpty() ? 0 : generations.last();
        return new Location(current, generationFolder(table, dt, current));
    }

    /** What the folders say about the partition. Lists the home folder only when the partition was compacted. */
    public PartitionState state(TableDefinition table, String dt) throws IOException {
        SortedSet<Integer> generations = new TreeSet<>();
        Map<Integer, Instant> retiredAt = new HashMap<>();
        readCompactionFolder(table, dt, generations, retiredAt);
        int current = generations.isEmpty() ? 0 : generations.last();
        boolean homeHoldsFiles = current > 0 && !dataFiles(home(table, dt)).isEmpty();
        return new PartitionState(current, generations, homeHoldsFiles, retiredAt);
    }

    private void readCompactionFolder(TableDefinition table, String dt, SortedSet<Integer> generations, Map<Integer, Instant> retiredAt)
            throws IOException {
        for (FileStatus child : list(compactionFolder(table, dt))) {
            String name = child.getPath().getName();
            if (child.isDirectory()) {
                Matcher matcher = GENERATION.matcher(name);
                if (matcher.matches()) {
                    generations.add(Integer.parseInt(matcher.group(1)));
                }
            }
            else if (retiredAt != null && name.startsWith(RETIRED_PREFIX)) {
                Matcher matcher = GENERATION.matcher(name.substring(RETIRED_PREFIX.length()));
                if (matcher.matches()) {
                    retiredAt.put(Integer.parseInt(matcher.group(1)), readInstant(child.getPath(), child.getModificationTime()));
                }
            }
        }
    }

    /** The data files of a folder: its files, without the hidden ones ({@code _...}, {@code .crc}) that no reader takes. */
    public List<FileStatus> dataFiles(Path folder) throws IOException {
        List<FileStatus> files = new ArrayList<>();
        for (FileStatus child : list(folder)) {
            String name = child.getPath().getName();
            if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
                files.add(child);
            }
        }
        files.sort(java.util.Comparator.comparing(file -> file.getPath().getName()));
        return files;
    }

    /**
     * Whether the rows of a file named {@code fileName} are already in {@code location}: the file is
     * there, or a compaction of the partition merged it.
     */
    public boolean holds(Location location, String fileName) throws IOException {
        if (fileSystem.exists(new Path(location.path(), fileName))) {
            return true;
        }
        return location.generation() > 0 && sources(location.path()).contains(fileName);
    }

    /** The names of the files a generation took over (transitively); empty for the home folder. */
    public Set<String> sources(Path generationFolder) throws IOException {
        Set<String> cached = sourcesCache.get(generationFolder);
        if (cached != null) {
            return cached;
        }
        Set<String> names = new HashSet<>();
        Path file = new Path(generationFolder, SOURCES_FILE);
        try (FSDataInputStream in = fileSystem.open(file);
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    names.add(line.trim());
                }
            }
        }
        catch (FileNotFoundException e) {
            return Set.of();
        }
        Set<String> sources = Set.copyOf(names);
        // a generation's sources never change once it is in place
        sourcesCache.put(generationFolder, sources);
        return sources;
    }

    /** Writes the sources file of a generation that is still staged. */
    public void writeSources(Path stagedGeneration, Collection<String> names) throws IOException {
        try (OutputStream out = fileSystem.create(new Path(stagedGeneration, SOURCES_FILE), true)) {
            for (String name : new TreeSet<>(names)) {
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Records when the metastore moved away from a generation; a marker already there is kept (the earlier instant wins). */
    public void markRetired(TableDefinition table, String dt, int generation, Instant at) throws IOException {
        try (OutputStream out = fileSystem.create(retiredMarker(table, dt, generation), false)) {
            out.write(at.toString().getBytes(StandardCharsets.UTF_8));
        }
        catch (FileAlreadyExistsException e) {
            // marked by an earlier run
        }
        catch (IOException e) {
            // HDFS reports an existing file as a RemoteException wrapping FileAlreadyExistsException
            if (!fileSystem.exists(retiredMarker(table, dt, generation))) {
                throw e;
            }
        }
    }

    public void removeRetiredMarker(TableDefinition table, String dt, int generation) throws IOException {
        fileSystem.delete(retiredMarker(table, dt, generation), false);
    }

    /** Runs {@code work} while no batch commits into the partition and no compaction switches it. */
    public <T> T locked(TableDefinition table, String dt, PartitionWork<T> work) throws IOException {
        ReentrantLock lock = locks.computeIfAbsent(table.tableName() + "/" + dt, key -> new ReentrantLock());
        lock.lock();
        try {
            return work.run();
        }
        finally {
            lock.unlock();
        }
    }

    private Instant readInstant(Path marker, long modificationTime) throws IOException {
        try (FSDataInputStream in = fileSystem.open(marker)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return Instant.parse(text);
        }
        catch (DateTimeParseException e) {
            // a marker cut short by a crash: its file's own time is as good
            return Instant.ofEpochMilli(modificationTime);
        }
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
