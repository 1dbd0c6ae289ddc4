package dev.bankinglake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.StructType;

/**
 * The files of a small batch, made on the driver. A batch of a few rows is dominated by fixed
 * costs: a Spark job to count the rows per table and one write job per table, each with its
 * output committer's round trips to HDFS. Here the messages are read from Kafka once (the only
 * Spark job), validated and flattened by the same expressions as a large batch on a local copy
 * (which Spark evaluates on the driver), and each table's rows are written to its staging folder
 * with Spark's own Parquet writer and the session's settings, one file per partition, as the
 * single write task of a large batch writes them. What follows (commit, registration, lineage) is
 * the same for both.
 */
public final class SmallBatchFiles {
    /** The one staged file of a partition; the commit renames it to the batch's final name. */
    static final String STAGED_FILE = "part-00000.snappy.parquet";
    /** Where Spark puts rows whose partition value is null. */
    static final String NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

    private SmallBatchFiles() {
    }

    /**
     * The validation and flattening of messages as compiled projections, planned once: planning
     * the validation's large expressions again for every batch cost a small batch most of its time.
     * Built from the physical plan of the same expressions over an empty relation with the Kafka
     * source's schema; empty when that plan is not the chain of projections it is expected to be.
     */
    public static final class Flattening implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        // the plan's expressions and their inputs travel to executors; each JVM compiles its own projections
        private final List<scala.collection.immutable.Seq<Expression>> expressions;
        private final List<scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Attribute>> inputs;
        // compiled once per thread that uses this instance (a projection is not thread-safe); an
        // executor's tasks share one instance through a broadcast, so each of its threads compiles once
        private transient volatile ThreadLocal<List<UnsafeProjection>> steps;

        private Flattening(List<scala.collection.immutable.Seq<Expression>> expressions,
                List<scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Attribute>> inputs) {
            this.expressions = List.copyOf(expressions);
            this.inputs = List.copyOf(inputs);
        }

        public static java.util.Optional<Flattening> plan(SparkSession spark, StructType kafkaSchema, Set<Integer> schemaVersions) {
            JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Dataset<Row> empty = spark.createDataFrame(context.<Row>emptyRDD(), kafkaSchema);
            SparkPlan plan = flattened(empty, schemaVersions).queryExecution().sparkPlan();
            List<ProjectExec> projects = new ArrayList<>();
            while (plan instanceof ProjectExec project) {
                projects.add(0, project);
                plan = project.child();
            }
            if (projects.isEmpty() || !plan.children().isEmpty()) {
                return java.util.Optional.empty();
            }
            List<scala.collection.immutable.Seq<Expression>> expressions = new ArrayList<>();
            List<scala.collection.immutable.Seq<org.apache.spark.sql.catalyst.expressions.Attribute>> inputs = new ArrayList<>();
            for (ProjectExec project : projects) {
                @SuppressWarnings("unchecked")
                scala.collection.immutable.Seq<Expression> projectList = (scala.collection.immutable.Seq<Expression>) (scala.collection.immutable.Seq<?>) project.projectList();
                expressions.add(projectList);
                inputs.add(project.child().output());
            }
            Flattening flattening = new Flattening(expressions, inputs);
            flattening.compiled();
            return java.util.Optional.of(flattening);
        }

        private List<UnsafeProjection> compiled() {
            ThreadLocal<List<UnsafeProjection>> perThread = steps;
            if (perThread == null) {
                synchronized (this) {
                    if (steps == null) {
                        steps = ThreadLocal.withInitial(this::compile);
                    }
                    perThread = steps;
                }
            }
            return perThread.get();
        }

        private List<UnsafeProjection> compile() {
            List<UnsafeProjection> compiled = new ArrayList<>();
            for (int index = 0; index < expressions.size(); index++) {
                UnsafeProjection step = UnsafeProjection$.MODULE$.create(expressions.get(index), inputs.get(index));
                step.initialize(0);
                compiled.add(step);
            }
            return List.copyOf(compiled);
        }

        /**
         * The flattened row of one Kafka row (the source's columns, in its order), in a buffer that
         * the same thread's next call reuses: the caller is done with the row (and every value read
         * from it) before it projects the next one.
         */
        InternalRow project(InternalRow kafkaRow) {
            InternalRow row = kafkaRow;
            for (UnsafeProjection step : compiled()) {
                row = step.apply(row);
            }
            return row;
        }
    }

    /** Position of the table's name in a flattened row. */
    static final int TABLE_NAME = 0;
    /** Position of the partition value (null when its time is unknown). */
    static final int PARTITION = 1;

    /** Position of {@code table}'s columns, a struct that is null unless the row goes to that table. */
    static int tableColumns(LakeTable table) {
        return 2 + table.ordinal();
    }

    /**
     * The table's name, the partition value, then each table's columns as a struct, computed only
     * for the table the row goes to: one plan for all tables, and each row pays for its own table's
     * columns alone.
     */
    private static Dataset<Row> flattened(Dataset<Row> kafkaRows, Set<Integer> schemaVersions) {
        List<Column> columns = new ArrayList<>();
        Column table = col(EventValidation.LAKE_TABLE);
        columns.add(table);
        Column partition = null;
        List<Column> structs = new ArrayList<>();
        for (LakeTable lakeTable : LakeTable.values()) {
            List<Column> tableColumns = TableRows.columnsFor(lakeTable);
            Column routedHere = table.equalTo(lit(lakeTable.tableName()));
            Column value = tableColumns.get(tableColumns.size() - 1);
            partition = partition == null ? when(routedHere, value) : partition.when(routedHere, value);
            structs.add(when(routedHere, struct(tableColumns.subList(0, tableColumns.size() - 1).toArray(Column[]::new))).as(lakeTable.tableName()));
        }
        columns.add(partition.as(LakeTable.PARTITION_COLUMN.name()));
        columns.addAll(structs);
        return EventValidation.validate(kafkaRows, schemaVersions).select(columns.toArray(Column[]::new));
    }

    /**
     * Reads the batch's messages and returns every table's rows by partition value (rows of exactly
     * the table's columns), routed and flattened as {@link EventValidation} and {@link TableRows}
     * do for a large batch: by {@code flattening}, or, without one, by planning the same
     * expressions on a local copy.
     */
    public static Map<LakeTable, Map<String, List<InternalRow>>> rowsPerTable(Dataset<Row> kafkaRows, Set<Integer> schemaVersions,
            java.util.Optional<Flattening> flattening) {
        if (flattening.isPresent()) {
            return rowsPerTable(java.util.Arrays.asList(kafkaRows.queryExecution().executedPlan().executeCollect()), flattening.get());
        }
        SparkSession spark = kafkaRows.sparkSession();
        List<Row> messages = kafkaRows.collectAsList();
        Map<LakeTable, Map<String, List<InternalRow>>> result = emptyTables();
        for (InternalRow flat : flattened(spark.createDataFrame(messages, kafkaRows.schema()), schemaVersions).queryExecution().executedPlan().executeCollect()) {
            route(flat, result);
        }
        return result;
    }

    /** Every table's rows of messages already read (rows of the Kafka source's schema), by {@code flattening}. */
    public static Map<LakeTable, Map<String, List<InternalRow>>> rowsPerTable(List<InternalRow> messages, Flattening flattening) {
        Map<LakeTable, Map<String, List<InternalRow>>> result = emptyTables();
        for (InternalRow message : messages) {
            route(flattening.project(message), result);
        }
        return result;
    }

    private static Map<LakeTable, Map<String, List<InternalRow>>> emptyTables() {
        Map<LakeTable, Map<String, List<InternalRow>>> result = new EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            result.put(table, new TreeMap<>());
        }
        return result;
    }

    /** Adds a copy of the flattened row's table columns to its table and partition. */
    private static void route(InternalRow flat, Map<LakeTable, Map<String, List<InternalRow>>> result) {
        String name = flat.getUTF8String(TABLE_NAME).toString();
        LakeTable table = LakeTable.byTableName(name)
                .orElseThrow(() -> new IllegalStateException("Routed to an unknown table: " + name));
        String partition = flat.isNullAt(PARTITION) ? NULL_PARTITION : flat.getUTF8String(PARTITION).toString();
        InternalRow columns = flat.getStruct(tableColumns(table), table.columns().size()).copy();
        result.get(table).computeIfAbsent(partition, key -> new ArrayList<>()).add(columns);
    }

    /** The oldest {@code kafka_timestamp} of {@link #rowsPerTable}'s answer, if it holds a row. */
    public static Optional<Instant> oldestKafkaTimestamp(Map<LakeTable, Map<String, List<InternalRow>>> perTable) {
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<LakeTable, Map<String, List<InternalRow>>> table : perTable.entrySet()) {
            int ordinal = table.getKey().columns().indexOf(LakeTable.KAFKA_TIMESTAMP);
            if (ordinal < 0) {
                throw new IllegalStateException("No " + LakeTable.KAFKA_TIMESTAMP.name() + " in " + table.getKey().tableName());
            }
            for (List<InternalRow> rows : table.getValue().values()) {
                for (InternalRow row : rows) {
                    if (!row.isNullAt(ordinal)) {
                        oldest = Math.min(oldest, row.getLong(ordinal));
                    }
                }
            }
        }
        return ofMicros(oldest);
    }

    /** An instant of Spark's timestamps (microseconds since the epoch); {@link Long#MAX_VALUE}: none. */
    static Optional<Instant> ofMicros(long micros) {
        return micros == Long.MAX_VALUE ? Optional.empty()
                : Optional.of(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000));
    }

    /** Rows per table of {@link #rowsPerTable}'s answer. */
    public static Map<LakeTable, Long> counts(Map<LakeTable, Map<String, List<InternalRow>>> perTable) {
        Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);
        perTable.forEach((table, partitions) -> rows.put(table, partitions.values().stream().mapToLong(List::size).sum()));
        return rows;
    }

    /**
     * Writes one table's rows (by partition value, as {@link #rowsPerTable} returns them) under
     * {@code staging}, one {@code dt=...} folder per partition value holding one file; returns the
     * partition values.
     */
    public static Set<String> writeStaged(SparkSession spark, LakeTable table, Map<String, List<InternalRow>> rowsByPartition, Path staging)
            throws IOException {
        StructType dataSchema = LakeSchemas.dataSchema(table);
        Job job = Job.getInstance(new Configuration(spark.sparkContext().hadoopConfiguration()));
        // Spark's own preparation of a Parquet write: codec, legacy format, timestamp type and metadata from the session
        OutputWriterFactory factory = new ParquetFileFormat().prepareWrite(spark, job, scala.collection.immutable.Map$.MODULE$.<String, String>empty(), dataSchema);
        TaskAttemptContext context = new TaskAttemptContextImpl(job.getConfiguration(), new TaskAttemptID());
        for (Map.Entry<String, List<InternalRow>> partition : rowsByPartition.entrySet()) {
            Path file = BatchFileCommitter.stagedFile(staging, partition.getKey(), STAGED_FILE);
            OutputWriter writer = factory.newInstance(file.toString(), dataSchema, context);
            try {
                for (InternalRow row : partition.getValue()) {
                    writer.write(row);
                }
            }
            finally {
                writer.close();
            }
        }
        return rowsByPartition.keySet();
    }

}
