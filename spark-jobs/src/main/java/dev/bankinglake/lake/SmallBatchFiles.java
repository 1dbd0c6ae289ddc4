package dev.bankinglake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection$;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.types.DataType;
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

        /** The flattened row of one Kafka row (the source's columns, in its order). */
        InternalRow apply(InternalRow kafkaRow) {
            return project(kafkaRow).copy();
        }

        /**
         * As {@link #apply}, into a buffer that the same thread's next call reuses: the caller is done
         * with the row (and every value read from it) before it projects the next one.
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
     * Reads the batch's messages and returns every table's rows (its columns, then {@code dt}),
     * routed and flattened as {@link EventValidation} and {@link TableRows} do for a large batch:
     * by {@code flattening}, or, without one, by planning the same expressions on a local copy.
     */
    public static Map<LakeTable, List<InternalRow>> rowsPerTable(Dataset<Row> kafkaRows, Set<Integer> schemaVersions,
            java.util.Optional<Flattening> flattening) {
        if (flattening.isPresent()) {
            return rowsPerTable(java.util.Arrays.asList(kafkaRows.queryExecution().executedPlan().executeCollect()), flattening.get());
        }
        SparkSession spark = kafkaRows.sparkSession();
        List<Row> messages = kafkaRows.collectAsList();
        return routed(flattened(spark.createDataFrame(messages, kafkaRows.schema()), schemaVersions).queryExecution().executedPlan().executeCollect());
    }

    /** Every table's rows of messages already read (rows of the Kafka source's schema), by {@code flattening}. */
    public static Map<LakeTable, List<InternalRow>> rowsPerTable(List<InternalRow> messages, Flattening flattening) {
        InternalRow[] rows = new InternalRow[messages.size()];
        for (int index = 0; index < rows.length; index++) {
            rows[index] = flattening.apply(messages.get(index));
        }
        return routed(rows);
    }

    private static Map<LakeTable, List<InternalRow>> routed(InternalRow[] rows) {
        LakeTable[] tables = LakeTable.values();
        Map<LakeTable, List<InternalRow>> result = new EnumMap<>(LakeTable.class);
        for (LakeTable table : tables) {
            result.put(table, new ArrayList<>());
        }
        for (InternalRow row : rows) {
            String name = row.getUTF8String(TABLE_NAME).toString();
            LakeTable table = LakeTable.byTableName(name)
                    .orElseThrow(() -> new IllegalStateException("Routed to an unknown table: " + name));
            // the table's columns, then the partition value, as writeStaged takes them
            StructType dataSchema = dataSchema(table);
            InternalRow columns = row.getStruct(tableColumns(table), dataSchema.fields().length);
            Object[] values = new Object[dataSchema.fields().length + 1];
            for (int index = 0; index < dataSchema.fields().length; index++) {
                values[index] = columns.isNullAt(index) ? null : columns.get(index, dataSchema.fields()[index].dataType());
            }
            values[values.length - 1] = row.isNullAt(PARTITION) ? null : row.getUTF8String(PARTITION).clone();
            result.get(table).add(new GenericInternalRow(values).copy());
        }
        return result;
    }

    /**
     * Writes {@code rows} (as {@link #rowsPerTable} returns them) under {@code staging}, one
     * {@code dt=...} folder per partition value holding one file; returns the partition values.
     */
    public static Set<String> writeStaged(SparkSession spark, LakeTable table, List<InternalRow> rows, Path staging) throws IOException {
        StructType dataSchema = dataSchema(table);
        int partitionIndex = dataSchema.fields().length;
        Map<String, List<InternalRow>> byPartition = new TreeMap<>();
        for (InternalRow row : rows) {
            String partition = row.isNullAt(partitionIndex) ? NULL_PARTITION : row.getUTF8String(partitionIndex).toString();
            byPartition.computeIfAbsent(partition, key -> new ArrayList<>()).add(dataRow(row, dataSchema));
        }
        Job job = Job.getInstance(new Configuration(spark.sparkContext().hadoopConfiguration()));
        // Spark's own preparation of a Parquet write: codec, legacy format, timestamp type and metadata from the session
        OutputWriterFactory factory = new ParquetFileFormat().prepareWrite(spark, job, scala.collection.immutable.Map$.MODULE$.<String, String>empty(), dataSchema);
        TaskAttemptContext context = new TaskAttemptContextImpl(job.getConfiguration(), new TaskAttemptID());
        for (Map.Entry<String, List<InternalRow>> partition : byPartition.entrySet()) {
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
        return byPartition.keySet();
    }

    /** A table's row as its files hold it: its columns without the trailing partition column. */
    static InternalRow dataRow(InternalRow row, StructType dataSchema) {
        int columns = dataSchema.fields().length;
        Object[] values = new Object[columns];
        for (int index = 0; index < columns; index++) {
            DataType type = dataSchema.fields()[index].dataType();
            values[index] = row.isNullAt(index) ? null : row.get(index, type);
        }
        return new GenericInternalRow(values);
    }

    /** The table's columns as its files hold them: every column but the partition column. */
    static StructType dataSchema(LakeTable table) {
        StructType schema = new StructType();
        for (dev.bankinglake.contract.Column column : table.columns()) {
            schema = schema.add(LakeSchemas.field(column));
        }
        return schema;
    }
}
