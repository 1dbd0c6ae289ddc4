package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.lake.LakeSchemas;
import dev.bankinglake.table.PartitionLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rewrite of a compaction: the input files, sorted by the table's time column, into files of
 * the target size in the staging folder, as the next generation's folder-to-be
 * ({@code _staging/compaction/<table>/dt=D/g<N>}) with its list of source files. The rows read
 * are counted and hashed on their way into the writer (Spark's observed metrics, in the write's
 * own job) for {@link CompactionVerifier}.
 */
final class CompactionRewrite {
    private static final Logger LOG = LoggerFactory.getLogger(CompactionRewrite.class);
    static final String ROWS = "rows";
    static final String HASH = "hash";

    /** What the rewrite staged: the folder, its files, the inputs it read and the figures it observed on them. */
    record Staged(Path staging, Path folder, List<Path> outputs, String[] inputPaths, long inputBytes, Observation read) {
    }

    private final SparkSession spark;
    private final PartitionLayout layout;

    CompactionRewrite(SparkSession spark, PartitionLayout layout) {
        this.spark = requireNonNull(spark, "spark is null");
        this.layout = requireNonNull(layout, "layout is null");
    }

    Staged rewrite(TableDefinition table, String dt, Path current, int generation, List<FileStatus> inputs, long targetFileSize, boolean merge,
            int carried) throws IOException {
        FileSystem fileSystem = layout.fileSystem();
        Path staging = Compactor.stagingFolder(layout, table, dt);
        fileSystem.delete(staging, true);
        Path written = new Path(staging, "written");
        Path staged = new Path(staging, PartitionLayout.generationName(generation));
        long inputBytes = inputs.stream().mapToLong(FileStatus::getLen).sum();
        int outputs = TargetFiles.outputFiles(inputBytes, targetFileSize);
        RowKeys keys = RowKeys.of(table);
        StructType schema = LakeSchemas.dataSchema(table);
        String[] inputPaths = inputs.stream().map(file -> file.getPath().toString()).toArray(String[]::new);
        Column[] order = keys.sortColumns().stream().map(functions::col).toArray(Column[]::new);
        LOG.info("{} {} dt={}: {} file(s), {} bytes, into {} file(s) sorted by {} ({}{})", merge ? "Merging the batch files of" : "Compacting",
                table.tableName(), dt, inputs.size(), inputBytes, outputs, keys.timeColumn(), PartitionLayout.generationName(generation),
                carried == 0 ? "" : ", " + carried + " other file(s) carried over");

        // contiguous time ranges, one per output file: their min/max statistics do not overlap (one
        // file: one task reads and sorts it all, with no sampling job and no shuffle)
        Dataset<Row> input = spark.read().schema(schema).parquet(inputPaths);
        Dataset<Row> ranges = outputs == 1 ? input.coalesce(1) : input.repartitionByRange(outputs, order);
        // the rows the rewrite reads, counted and hashed on their way into the writer (Spark's observed
        // metrics, in the write's own job: above the range exchange, so its sampling job counts nothing)
        Observation read = new Observation("compaction-input");
        ranges.sortWithinPartitions(order).observe(read, count(lit(1)).as(ROWS), sum(CompactionVerifier.rowHash(schema)).as(HASH))
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
        return new Staged(staging, staged, outputsStaged, inputPaths, inputBytes, read);
    }
}
