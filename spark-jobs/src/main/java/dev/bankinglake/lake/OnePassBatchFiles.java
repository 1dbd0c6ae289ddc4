package dev.bankinglake.lake;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapred.JobConf;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The staged files of a large batch in one Spark job. Each task reads its share of the batch from
 * Kafka, validates and flattens every message by the compiled projections of
 * {@link SmallBatchFiles.Flattening} (the same expressions as every other path), and writes each
 * table's rows to that table's staging folder with Spark's own Parquet writer and the session's
 * settings: one file per table, partition and task. The driver gets back the files and their row
 * counts, which is all the commit needs. A batch used to cost a count job over a cached copy and
 * then one write job per table.
 *
 * <p>A staged file is named after the Kafka partition and first offset of its task's rows, and
 * the commit numbers a partition's files in name order. A replayed batch reads the same offset
 * ranges, so its files get the same final names whatever order Spark lists its tasks in. The task's
 * attempt number keeps a retried task's files apart from a failed attempt's; only the files of
 * the attempt that succeeded are committed.
 */
public final class OnePassBatchFiles {
    /**
     * A file a task staged: the table, the partition value, its path and how many rows it holds;
     * {@code oldestTimestampMicros}: the oldest Kafka timestamp the task read ({@link Long#MAX_VALUE}: none).
     */
    public record StagedFile(LakeTable table, String partition, String path, long rows, long oldestTimestampMicros) implements Serializable {
        private static final long serialVersionUID = 1L;

        public StagedFile {
            requireNonNull(table, "table is null");
            requireNonNull(partition, "partition is null");
            requireNonNull(path, "path is null");
        }
    }

    /** What a task needs to write one table's files: Spark's writer factory and the Hadoop settings it prepared. */
    private record TableOutput(OutputWriterFactory factory, StructType dataSchema, SerializableConfiguration configuration)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** What every task needs, sent to each executor once rather than with every batch. */
    private record TaskPlan(SmallBatchFiles.Flattening flattening, List<TableOutput> outputs) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private static final UTF8String NULL_PARTITION = UTF8String.fromString(SmallBatchFiles.NULL_PARTITION);

    private final StructType kafkaSchema;
    // one instance per executor: its threads compile the flattening once each, not once per task
    private final Broadcast<TaskPlan> plan;
    private final org.apache.spark.SparkContext context;

    private OnePassBatchFiles(org.apache.spark.SparkContext context, StructType kafkaSchema, Broadcast<TaskPlan> plan) {
        this.context = context;
        this.kafkaSchema = kafkaSchema;
        this.plan = plan;
    }

    /** Prepares every table's Parquet write once, as Spark's own write would for each batch. */
    public static OnePassBatchFiles prepare(SparkSession spark, StructType kafkaSchema, SmallBatchFiles.Flattening flattening)
            throws IOException {
        requireNonNull(flattening, "flattening is null");
        List<TableOutput> outputs = new ArrayList<>();
        for (LakeTable table : LakeTable.values()) {
            StructType dataSchema = LakeSchemas.dataSchema(table);
            Job job = Job.getInstance(new org.apache.hadoop.conf.Configuration(spark.sparkContext().hadoopConfiguration()));
            OutputWriterFactory factory = new ParquetFileFormat().prepareWrite(spark, job,
                    scala.collection.immutable.Map$.MODULE$.<String, String>empty(), dataSchema);
            outputs.add(new TableOutput(factory, dataSchema, new SerializableConfiguration(job.getConfiguration())));
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return new OnePassBatchFiles(spark.sparkContext(), kafkaSchema, context.broadcast(new TaskPlan(flattening, List.copyOf(outputs))));
    }

    /** Whether this was prepared in {@code spark}'s context for batches of {@code schema}: a restarted session needs a new one. */
    public boolean plannedFor(SparkSession spark, StructType schema) {
        return kafkaSchema.equals(schema) && !spark.sparkContext().isStopped()
                && spark.sparkContext() == context;
    }

    /**
     * Runs the batch's one job: {@code kafkaRows} is the batch as the Kafka source gives it, and
     * {@code staging} each table's empty staging folder. Returns every file staged, in no order.
     */
    public List<StagedFile> write(Dataset<Row> kafkaRows, Map<LakeTable, Path> staging) {
        if (!kafkaRows.schema().equals(kafkaSchema)) {
            throw new IllegalArgumentException("The batch's columns " + kafkaRows.schema().simpleString()
                    + " are not the Kafka source's columns the flattening was planned for: " + kafkaSchema.simpleString());
        }
        List<String> folders = new ArrayList<>();
        for (LakeTable table : LakeTable.values()) {
            folders.add(requireNonNull(staging.get(table), "no staging folder for " + table.tableName()).toString());
        }
        TaskWrite task = new TaskWrite(plan, folders, kafkaSchema.fieldIndex("partition"), kafkaSchema.fieldIndex("offset"),
                kafkaSchema.fieldIndex("timestamp"));
        return kafkaRows.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex(task, false).collect();
    }

    /** The oldest Kafka timestamp the tasks that staged {@code files} read. */
    public static Optional<Instant> oldestKafkaTimestamp(List<StagedFile> files) {
        return SmallBatchFiles.ofMicros(files.stream().mapToLong(StagedFile::oldestTimestampMicros).min().orElse(Long.MAX_VALUE));
    }

    /** Rows per table of staged files. */
    public static Map<LakeTable, Long> rowsPerTable(List<StagedFile> files) {
        Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            rows.put(table, 0L);
        }
        for (StagedFile file : files) {
            rows.merge(file.table(), file.rows(), Long::sum);
        }
        return rows;
    }

    /** One task's work: every message of its share, flattened and appended to its table's file for its partition. */
    private static final class TaskWrite implements Function2<Integer, Iterator<InternalRow>, Iterator<StagedFile>> {
        private static final long serialVersionUID = 1L;

        private final Broadcast<TaskPlan> plan;
        private final List<String> stagingFolders;
        private final int partitionOrdinal;
        private final int offsetOrdinal;
        private final int timestampOrdinal;

        TaskWrite(Broadcast<TaskPlan> plan, List<String> stagingFolders, int partitionOrdinal, int offsetOrdinal, int timestampOrdinal) {
            this.plan = plan;
            this.stagingFolders = List.copyOf(stagingFolders);
            this.partitionOrdinal = partitionOrdinal;
            this.offsetOrdinal = offsetOrdinal;
            this.timestampOrdinal = timestampOrdinal;
        }

        @Override
        public Iterator<StagedFile> call(Integer index, Iterator<InternalRow> rows) throws Exception {
            TaskContext task = TaskContext.get();
            int attempt = task == null ? 0 : task.attemptNumber();
            SmallBatchFiles.Flattening flattening = plan.value().flattening();
            List<TableOutput> tableOutputs = plan.value().outputs();
            LakeTable[] tables = LakeTable.values();
            UTF8String[] tableNames = new UTF8String[tables.length];
            TaskAttemptContext[] contexts = new TaskAttemptContext[tables.length];
            for (LakeTable table : tables) {
                tableNames[table.ordinal()] = UTF8String.fromString(table.tableName());
            }
            // per table ordinal, the open file of each partition value
            List<Map<UTF8String, OpenFile>> open = new ArrayList<>();
            for (int ordinal = 0; ordinal < tables.length; ordinal++) {
                open.add(new LinkedHashMap<>());
            }
            String fileName = null;
            long oldest = Long.MAX_VALUE;
            try {
                while (rows.hasNext()) {
                    InternalRow message = rows.next();
                    if (!message.isNullAt(timestampOrdinal)) {
                        oldest = Math.min(oldest, message.getLong(timestampOrdinal));
                    }
                    if (fileName == null) {
                        fileName = String.format("part-%05d-%019d-a%d.snappy.parquet", message.getInt(partitionOrdinal),
                                message.getLong(offsetOrdinal), attempt);
                    }
                    InternalRow flat = flattening.project(message);
                    LakeTable table = tableOf(flat.getUTF8String(SmallBatchFiles.TABLE_NAME), tables, tableNames);
                    TableOutput output = tableOutputs.get(table.ordinal());
                    // exactly the table's columns, as its files hold them
                    InternalRow tableRow = flat.getStruct(SmallBatchFiles.tableColumns(table), output.dataSchema().fields().length);
                    UTF8String partitionValue = flat.isNullAt(SmallBatchFiles.PARTITION) ? NULL_PARTITION : flat.getUTF8String(SmallBatchFiles.PARTITION);
                    OpenFile file = open.get(table.ordinal()).get(partitionValue);
                    if (file == null) {
                        String partition = partitionValue.toString();
                        if (contexts[table.ordinal()] == null) {
                            // a copy per task: tasks of one executor share the broadcast settings
                            contexts[table.ordinal()] = new TaskAttemptContextImpl(new JobConf(output.configuration().value()), new TaskAttemptID());
                        }
                        Path path = BatchFileCommitter.stagedFile(new Path(stagingFolders.get(table.ordinal())), partition, fileName);
                        file = new OpenFile(table, partition, path.toString(),
                                output.factory().newInstance(path.toString(), output.dataSchema(), contexts[table.ordinal()]));
                        // the key outlives the row's buffer
                        open.get(table.ordinal()).put(partitionValue.clone(), file);
                    }
                    file.writer().write(tableRow);
                    file.rows++;
                }
                List<StagedFile> staged = new ArrayList<>();
                for (Map<UTF8String, OpenFile> files : open) {
                    for (OpenFile file : files.values()) {
                        file.writer().close();
                        staged.add(new StagedFile(file.table(), file.partition(), file.path(), file.rows, oldest));
                    }
                    files.clear();
                }
                return staged.iterator();
            }
            finally {
                // a failed task leaves its attempt's files in staging: never committed, removed with it
                for (Map<UTF8String, OpenFile> files : open) {
                    for (OpenFile file : files.values()) {
                        try {
                            file.writer().close();
                        }
                        catch (Exception ignored) {
                            // the task is failing already; its own error is the one to report
                        }
                    }
                }
            }
        }

        private static LakeTable tableOf(UTF8String name, LakeTable[] tables, UTF8String[] names) {
            for (int ordinal = 0; ordinal < names.length; ordinal++) {
                if (names[ordinal].equals(name)) {
                    return tables[ordinal];
                }
            }
            throw new IllegalStateException("Routed to an unknown table: " + name);
        }
    }

    private static final class OpenFile {
        private final LakeTable table;
        private final String partition;
        private final String path;
        private final OutputWriter writer;
        long rows;

        OpenFile(LakeTable table, String partition, String path, OutputWriter writer) {
            this.table = table;
            this.partition = partition;
            this.path = path;
            this.writer = writer;
        }

        LakeTable table() {
            return table;
        }

        String partition() {
            return partition;
        }

        String path() {
            return path;
        }

        OutputWriter writer() {
            return writer;
        }
    }
}
