package dev.bankinglake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bankinglake.contract.LakeTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchFileCommitterTest {
    private static final String QUERY = "8c3e2a4e-0b7e-4f6e-9d55-2f1d3c0b9a11";

    @TempDir
    java.nio.file.Path lake;

    private BatchFileCommitter committer;

    @BeforeEach
    void setUp() throws IOException {
        FileSystem local = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        committer = new BatchFileCommitter(local, new Path(lake.toUri()));
    }

    private void stage(LakeTable table, long batchId, String partition, String fileName, String content) throws IOException {
        java.nio.file.Path folder = Files.createDirectories(lake.resolve("_staging").resolve(table.tableName())
                .resolve("batch=" + batchId).resolve("dt=" + partition));
        Files.writeString(folder.resolve(fileName), content, StandardCharsets.UTF_8);
    }

    private List<String> visibleFiles(LakeTable table) throws IOException {
        java.nio.file.Path folder = lake.resolve(table.tableName());
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> folder.relativize(file).toString())
                    .filter(name -> !name.contains("/.") && !name.startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void namesFilesByBatchQueryAndPosition() {
        assertThat(BatchFileCommitter.fileName(42, QUERY, 1))
                .isEqualTo("batch-0000000000000000042-" + QUERY + "-00001.snappy.parquet");
        assertThatThrownBy(() -> BatchFileCommitter.fileName(-1, QUERY, 0))
                .hasMessage("Invalid batch file: batch -1, index 0 (must not be negative)");
    }

    @Test
    void stagingIsHiddenFromPresto() {
        assertThat(committer.stagingFolder(LakeTable.ASSET_PRICES, 7).toUri().getPath())
                .endsWith("/_staging/asset_prices/batch=7");
    }

    @Test
    void movesStagedFilesToDeterministicNamesPerPartition() throws IOException {
        stage(LakeTable.CASH_TRANSACTIONS, 3, "2026-11-20", "part-00000-abc.c000.snappy.parquet", "a");
        stage(LakeTable.CASH_TRANSACTIONS, 3, "2026-11-20", "part-00000-abc.c001.snappy.parquet", "b");
        stage(LakeTable.CASH_TRANSACTIONS, 3, "2026-11-21", "part-00000-abc.c000.snappy.parquet", "c");
        stage(LakeTable.CASH_TRANSACTIONS, 3, "2026-11-21", ".part-00000-abc.c000.snappy.parquet.crc", "crc");

        BatchFileCommitter.Committed committed = committer.commit(LakeTable.CASH_TRANSACTIONS, 3, QUERY);

        assertThat(committed.partitions()).isEqualTo(Set.of("2026-11-20", "2026-11-21"));
        assertThat(committed.filesRenamed()).isEqualTo(3);
        assertThat(committed.filesAlreadyPresent()).isZero();
        assertThat(visibleFiles(LakeTable.CASH_TRANSACTIONS)).containsExactly(
                "dt=2026-11-20/" + BatchFileCommitter.fileName(3, QUERY, 0),
                "dt=2026-11-20/" + BatchFileCommitter.fileName(3, QUERY, 1),
                "dt=2026-11-21/" + BatchFileCommitter.fileName(3, QUERY, 0));
        assertThat(Files.readString(lake.resolve("cash_transactions/dt=2026-11-20").resolve(BatchFileCommitter.fileName(3, QUERY, 1))))
                .isEqualTo("b");
        assertThat(lake.resolve("_staging/cash_transactions/batch=3")).doesNotExist();
    }

    @Test
    void aReplayedBatchCommitsOnlyWhatTheInterruptedAttemptDidNot() throws IOException {
        stage(LakeTable.ASSET_PRICES, 9, "2026-11-20", "part-00000-first.c000.snappy.parquet", "first attempt");
        committer.commit(LakeTable.ASSET_PRICES, 9, QUERY);
        // the replay stages the same rows again, plus a partition the first attempt never got to
        committer.prepareStaging(LakeTable.ASSET_PRICES, 9);
        stage(LakeTable.ASSET_PRICES, 9, "2026-11-20", "part-00000-second.c000.snappy.parquet", "second attempt");
        stage(LakeTable.ASSET_PRICES, 9, "2026-11-21", "part-00000-second.c000.snappy.parquet", "second attempt");

        BatchFileCommitter.Committed replay = committer.commit(LakeTable.ASSET_PRICES, 9, QUERY);

        assertThat(replay.filesAlreadyPresent()).isEqualTo(1);
        assertThat(replay.filesRenamed()).isEqualTo(1);
        assertThat(replay.partitions()).containsExactlyInAnyOrder("2026-11-20", "2026-11-21");
        assertThat(visibleFiles(LakeTable.ASSET_PRICES)).containsExactly(
                "dt=2026-11-20/" + BatchFileCommitter.fileName(9, QUERY, 0),
                "dt=2026-11-21/" + BatchFileCommitter.fileName(9, QUERY, 0));
        assertThat(Files.readString(lake.resolve("asset_prices/dt=2026-11-20").resolve(BatchFileCommitter.fileName(9, QUERY, 0))))
                .as("the committed file is never replaced").isEqualTo("first attempt");
    }

    @Test
    void filesStagedByTheCallerCommitUnderTheSameNamesWithoutListingStaging() throws IOException {
        stage(LakeTable.ASSET_PRICES, 4, "2026-11-20", "part-00000.snappy.parquet", "first attempt");
        Path staging = committer.stagingFolder(LakeTable.ASSET_PRICES, 4);
        java.util.Map<String, List<Path>> staged = java.util.Map.of("2026-11-20",
                List.of(BatchFileCommitter.stagedFile(staging, "2026-11-20", "part-00000.snappy.parquet")));

        BatchFileCommitter.Committed first = committer.commitStaged(LakeTable.ASSET_PRICES, 4, QUERY, staged);
        stage(LakeTable.ASSET_PRICES, 4, "2026-11-20", "part-00000.snappy.parquet", "second attempt");
        BatchFileCommitter.Committed replay = committer.commitStaged(LakeTable.ASSET_PRICES, 4, QUERY, staged);

        assertThat(first.filesRenamed()).isEqualTo(1);
        assertThat(first.partitions()).containsExactly("2026-11-20");
        assertThat(replay.filesRenamed()).isZero();
        assertThat(replay.filesAlreadyPresent()).isEqualTo(1);
        assertThat(visibleFiles(LakeTable.ASSET_PRICES)).containsExactly("dt=2026-11-20/" + BatchFileCommitter.fileName(4, QUERY, 0));
        assertThat(Files.readString(lake.resolve("asset_prices/dt=2026-11-20").resolve(BatchFileCommitter.fileName(4, QUERY, 0))))
                .as("the committed file is never replaced").isEqualTo("first attempt");
        assertThat(lake.resolve("_staging/asset_prices/batch=4")).doesNotExist();
    }

    @Test
    void prepareStagingDropsLeftoversOfAnInterruptedAttempt() throws IOException {
        stage(LakeTable.ACCOUNT_STATUS, 1, "2026-11-20", "part-00000-partial.c000.snappy.parquet", "partial");

        committer.prepareStaging(LakeTable.ACCOUNT_STATUS, 1);

        assertThat(lake.resolve("_staging/account_status/batch=1")).doesNotExist();
        assertThat(committer.commit(LakeTable.ACCOUNT_STATUS, 1, QUERY).partitions()).isEmpty();
    }
}
