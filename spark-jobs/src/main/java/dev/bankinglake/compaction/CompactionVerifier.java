package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.lake.LakeSchemas;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The check between a compaction's rewrite and its switch: the staged files hold exactly the rows
 * the rewrite read from the inputs, as many and with the same sum of row hashes (every column, ids
 * included); on any difference, which ids are missing or added, and nothing is switched.
 */
final class CompactionVerifier {
    private static final Duration OBSERVED_WAIT = Duration.ofMinutes(1);

    private final SparkSession spark;

    CompactionVerifier(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark is null");
    }

    /** The row count of the staged files, once they are found to hold exactly the rows read. */
    long verify(TableDefinition table, String dt, CompactionRewrite.Staged staged) throws IOException {
        StructType schema = LakeSchemas.dataSchema(table);
        Map<String, Object> read = observed(staged.read());
        Row afterFigures = spark.read().schema(schema).parquet(staged.folder().toString())
                .agg(count(lit(1)).as(CompactionRewrite.ROWS), sum(rowHash(schema)).as(CompactionRewrite.HASH)).first();
        long rowsBefore = ((Number) read.get(CompactionRewrite.ROWS)).longValue();
        long rowsAfter = afterFigures.getLong(0);
        boolean sameContent = Objects.equals(read.get(CompactionRewrite.HASH), afterFigures.get(1));
        if (rowsBefore == rowsAfter && sameContent) {
            // every row's hash covers its ids: a row lost, doubled or changed changes the count or the sum
            return rowsBefore;
        }
        // what differs, by id, for the message (two shuffles: only when something is wrong)
        Column[] ids = RowKeys.of(table).idColumns().stream().map(functions::col).toArray(Column[]::new);
        Dataset<Row> before = spark.read().schema(schema).parquet(staged.inputPaths());
        Dataset<Row> after = spark.read().schema(schema).parquet(staged.folder().toString());
        Dataset<Row> missing = before.select(ids).exceptAll(after.select(ids));
        Dataset<Row> added = after.select(ids).exceptAll(before.select(ids));
        long missingCount = missing.count();
        long addedCount = added.count();
        throw new Compactor.VerificationFailedException("Compaction of " + table.tableName() + " dt=" + dt + " aborted before the switch: the new files hold "
                + rowsAfter + " row(s), the old ones " + rowsBefore + "; " + missingCount + " id(s) missing" + sample(missing, missingCount) + ", "
                + addedCount + " added" + sample(added, addedCount) + (sameContent ? "" : ", row contents differ") + "; the partition is unchanged");
    }

    /** A row's hash over every column, as a decimal so that a sum over billions of rows cannot overflow. */
    static Column rowHash(StructType schema) {
        return xxhash64(Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new)).cast(DataTypes.createDecimalType(20, 0));
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

    private static String sample(Dataset<Row> ids, long count) {
        if (count == 0) {
            return "";
        }
        return " (e.g. " + ids.limit(3).collectAsList().stream().map(row -> row.mkString("/")).toList() + ")";
    }
}
