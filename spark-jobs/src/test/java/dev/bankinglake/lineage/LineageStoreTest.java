package dev.bankinglake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.ServiceTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lake.LakeSchemas;
import dev.bankinglake.lake.LakeSession;
import dev.bankinglake.table.PartitionRegistration;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineageStoreTest {
    private static final String QUERY = "5a1f0c2e-6a3b-4c1d-8e9f-0123456789ab";
    private static SparkSession spark;

    @TempDir
    java.nio.file.Path lake;

    private final Map<TableDefinition, Set<String>> registered = new HashMap<>();
    private final PartitionRegistration registration = (table, values) -> registered.computeIfAbsent(table, key -> new TreeSet<>()).addAll(values);

    @BeforeAll
    static void startSpark() {
        spark = LakeSession.local("lineage-store-test");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private LineageStore store() throws IOException {
        FileSystem fileSystem = FileSystem.getLocal(spark.sparkContext().hadoopConfiguration());
        return new LineageStore(fileSystem, new BatchFileCommitter(fileSystem, new Path(lake.toUri())), registration);
    }

    private static BatchLineage lineage(long batchId, long start, long end, Instant batchTime) {
        Map<LakeTable, Long> rows = new EnumMap<>(LakeTable.class);
        rows.put(LakeTable.CASH_TRANSACTIONS, end - start - 1);
        rows.put(LakeTable.REJECTED_EVENTS, 1L);
        return new BatchLineage(batchId, QUERY, "run-1", "events", Map.of(0, start), Map.of(0, end), rows,
                Map.of("cash_transactions", 1, "rejected_events", 1), Map.of("cash_transactions", List.of("2026-11-20")),
                120, 70, 50, batchTime, Instant.parse("2026-11-21T08:00:01.123456789Z"));
    }

    @Test
    void aBatchIsRecordedOnceAndReadBackEqual() throws Exception {
        LineageStore store = store();
        BatchLineage first = lineage(0, 0, 10, Instant.parse("2026-11-20T23:59:59.500Z"));
        BatchLineage second = lineage(1, 10, 25, Instant.parse("2026-11-21T00:00:00.500Z"));
        store.record(first);
        store.record(second);
        store.record(second);

        assertThat(files()).containsExactly(
                "lake_batches/dt=2026-11-20/batch-0000000000000000000-" + QUERY + "-00000.snappy.parquet",
                "lake_batches/dt=2026-11-21/batch-0000000000000000001-" + QUERY + "-00000.snappy.parquet");
        assertThat(registered.get(ServiceTable.LAKE_BATCHES)).containsExactly("2026-11-20", "2026-11-21");

        LineageStore fresh = store();
        assertThat(fresh.recent(10)).containsExactly(second, first);
        assertThat(fresh.recent(1)).containsExactly(second);
        assertThat(fresh.byId(0, Optional.of(QUERY))).contains(first);
        assertThat(fresh.byId(0, Optional.of("another-query"))).isEmpty();
        assertThat(fresh.byId(5, Optional.empty())).isEmpty();
        assertThat(second.offsetsConsumed()).isEqualTo(15);
        assertThat(second.rowsWritten()).isEqualTo(15);
        assertThatThrownBy(() -> fresh.recent(0)).hasMessage("Invalid limit: 0 (must be 1 to 1000)");
    }

    @Test
    void sparkReadsTheContractsColumnsAndTypes() throws Exception {
        store().record(lineage(3, 5, 9, Instant.parse("2026-11-20T10:00:00Z")));
        // dt is a string in the lake, as the metastore declares it
        spark.conf().set("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
        var table = spark.read().parquet(lake.resolve("lake_batches").toString());
        assertThat(table.schema()).isEqualTo(LakeSchemas.tableSchema(ServiceTable.LAKE_BATCHES));
        Row row = table.collectAsList().get(0);
        assertThat(row.<Long>getAs("batch_id")).isEqualTo(3L);
        assertThat(row.<String>getAs("end_offsets")).isEqualTo("{\"0\":9}");
        assertThat(row.<Long>getAs("rows_cash_transactions")).isEqualTo(3L);
        assertThat(row.<java.sql.Timestamp>getAs("batch_time").toInstant()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(row.<String>getAs("dt")).isEqualTo("2026-11-20");
    }

    @Test
    void int96KeepsNanoseconds() {
        for (String instant : new String[] {"1970-01-01T00:00:00Z", "2026-11-21T08:00:01.123456789Z", "1969-12-31T23:59:59.999999999Z"}) {
            assertThat(LineageStore.fromInt96(LineageStore.int96(Instant.parse(instant)))).isEqualTo(Instant.parse(instant));
        }
    }

    private List<String> files() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.walk(lake)) {
            return files.filter(Files::isRegularFile).map(file -> lake.relativize(file).toString())
                    .filter(name -> !name.contains("/.") && !name.startsWith(".") && !name.startsWith("_")).sorted().toList();
        }
    }
}
