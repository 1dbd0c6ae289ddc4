package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.jobs.JobRequest;
import dev.bankinglake.jobs.JobRequestException;
import dev.bankinglake.table.PartitionLayout;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedule's decisions, on folders of a local file system; no Spark, no metastore. */
class CompactionSchedulerTest {
    private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
    private static final long MB = 1024 * 1024;

    @TempDir
    java.nio.file.Path lake;

    private FileSystem fileSystem;
    private PartitionLayout layout;
    private final List<JobRequest> submitted = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        fileSystem = FileSystem.getLocal(new Configuration()).getRawFileSystem();
        layout = new PartitionLayout(fileSystem, new Path(lake.toUri()));
    }

    private void files(Path folder, String... names) throws IOException {
        fileSystem.mkdirs(folder);
        for (String name : names) {
            try (var out = fileSystem.create(new Path(folder, name))) {
                out.write(new byte[1024]);
            }
        }
    }

    private CompactionScheduler scheduler(boolean scheduled, Duration closeGrace) {
        return scheduler(scheduled, closeGrace, 0);
    }

    private CompactionScheduler scheduler(boolean scheduled, Duration closeGrace, int openFiles) {
        CompactionConfig config = new CompactionConfig(scheduled, Duration.ofMinutes(10), closeGrace, Duration.ofHours(1), 128 * MB, openFiles,
                Duration.ofSeconds(20));
        return new CompactionScheduler(config, layout, request -> {
            submitted.add(request);
            return "run-" + submitted.size();
        }, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void compactsClosedDaysOnlyOnceTheirGraceHasPassed() throws IOException {
        files(layout.home(LakeTable.CASH_TRANSACTIONS, "2026-11-20"), "batch-1.parquet", "batch-2.parquet", "batch-3.parquet");
        files(layout.home(LakeTable.CASH_TRANSACTIONS, "2026-11-21"), "batch-4.parquet", "batch-5.parquet");
        files(layout.home(LakeTable.ASSET_PRICES, "2026-11-19"), "batch-6.parquet");

        assertThat(scheduler(true, Duration.ofHours(1)).due(NOW)).containsExactly("cash_transactions dt=2026-11-20: 3 files to compact");
        assertThat(scheduler(true, Duration.ofHours(9)).due(NOW)).as("yesterday still within the grace").isEmpty();
        assertThat(scheduler(false, Duration.ofHours(1)).due(NOW)).as("not scheduled").isEmpty();
    }

    @Test
    void submitsOneAsyncRunWhenThereIsWorkAndWaitsWhenOneIsInProgress() throws IOException {
        CompactionScheduler scheduler = scheduler(true, Duration.ofHours(1));
        assertThat(scheduler.check()).isEmpty();
        assertThat(submitted).isEmpty();

        files(layout.home(LakeTable.REJECTED_EVENTS, "2026-11-18"), "batch-1.parquet", "batch-2.parquet");
        assertThat(scheduler.check()).contains("run-1");
        assertThat(submitted).containsExactly(new JobRequest("compact", Map.of(), Optional.of("scheduled"), JobRequest.Mode.ASYNC));

        CompactionConfig config = new CompactionConfig(true, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(1), 128 * MB, 0,
                Duration.ofSeconds(20));
        CompactionScheduler busy = new CompactionScheduler(config, layout, request -> {
            throw new JobRequestException(409, "Job 'compact' is already running as x (one run of a job at a time)");
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(busy.check()).isEmpty();
    }

    @Test
    void mergesAnOpenDayOnceAPartitionHoldsEnoughBatchFiles() throws IOException {
        // NOW is 2026-11-21T08:00Z: the 21st is open, the 20th closed an hour after midnight
        files(layout.home(LakeTable.ASSET_PRICES, "2026-11-21"), "batch-1.parquet", "batch-2.parquet", "batch-3.parquet");
        files(layout.home(LakeTable.CASH_TRANSACTIONS, "2026-11-21"), "batch-1.parquet", "batch-2.parquet");
        files(layout.home(LakeTable.CASH_TRANSACTIONS, "2026-11-20"), "batch-1.parquet", "batch-2.parquet", "batch-3.parquet", "batch-4.parquet");
        // a merged partition counts its batch files only
        files(layout.generationFolder(LakeTable.ACCOUNT_STATUS, "2026-11-21", 1), "compacted-0001-00000.snappy.parquet",
                "compacted-0001-00001.snappy.parquet", "batch-9.parquet");
        layout.markRetired(LakeTable.ACCOUNT_STATUS, "2026-11-21", 0, NOW);

        CompactionScheduler scheduler = scheduler(true, Duration.ofHours(1), 3);
        assertThat(scheduler.dueOpen(NOW)).containsExactly("asset_prices dt=2026-11-21: 3 batch files in a day still open");
        assertThat(scheduler.checkOpen()).contains("run-1");
        assertThat(submitted).containsExactly(new JobRequest("compact", Map.of("open_min_files", "3"), Optional.of("scheduled"), JobRequest.Mode.ASYNC));
        assertThat(scheduler(true, Duration.ofHours(9), 2).dueOpen(NOW)).as("yesterday within the grace is still open").containsExactly(
                "asset_prices dt=2026-11-21: 3 batch files in a day still open",
                "cash_transactions dt=2026-11-20: 4 batch files in a day still open",
                "cash_transactions dt=2026-11-21: 2 batch files in a day still open");
        assertThat(scheduler(true, Duration.ofHours(1), 0).dueOpen(NOW)).as("COMPACTION_OPEN_FILES=0").isEmpty();
        // a partition holding the target size (here 128 MB) or more waits for the day's close
        try (var out = fileSystem.create(new Path(layout.home(LakeTable.ASSET_TRANSACTIONS, "2026-11-21"), "batch-big.parquet"))) {
            out.write(new byte[1024 * 1024]);
        }
        files(layout.home(LakeTable.ASSET_TRANSACTIONS, "2026-11-21"), "batch-1.parquet", "batch-2.parquet");
        CompactionConfig small = new CompactionConfig(true, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(1), MB, 3,
                Duration.ofSeconds(20));
        assertThat(new CompactionScheduler(small, layout, request -> "x", Clock.fixed(NOW, ZoneOffset.UTC)).dueOpen(NOW))
                .as("1 MB target: asset_transactions holds more").containsExactly("asset_prices dt=2026-11-21: 3 batch files in a day still open");
        // a job router file older than open merges refuses the parameter: no run, and the closed days' check goes on
        CompactionConfig config = new CompactionConfig(true, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(1), 128 * MB, 3,
                Duration.ofSeconds(20));
        CompactionScheduler oldRouter = new CompactionScheduler(config, layout, request -> {
            if (request.parameters().containsKey("open_min_files")) {
                throw new JobRequestException(400, "Unknown parameter 'open_min_files' for job 'compact' (allowed: from_dt, table, target_file_size, to_dt)");
            }
            submitted.add(request);
            return "run-" + submitted.size();
        }, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(oldRouter.checkOpen()).isEmpty();
        assertThat(oldRouter.checkOpen()).isEmpty();
        assertThat(oldRouter.check()).as("the closed day of cash_transactions").contains("run-2");
        assertThat(scheduler(false, Duration.ofHours(1), 3).dueOpen(NOW)).as("not scheduled").isEmpty();
    }

    @Test
    void whileIngestionHasNoSlackAnOpenDayWaitsForFourTimesAsManyBatchFiles() throws IOException {
        String[] twelve = java.util.stream.IntStream.range(0, 12).mapToObj(index -> "batch-" + index + ".parquet").toArray(String[]::new);
        files(layout.home(LakeTable.ASSET_PRICES, "2026-11-21"), twelve);
        CompactionConfig config = new CompactionConfig(true, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(1), 128 * MB, 4,
                Duration.ofSeconds(20));
        java.util.concurrent.atomic.AtomicBoolean busy = new java.util.concurrent.atomic.AtomicBoolean(true);
        CompactionScheduler scheduler = new CompactionScheduler(config, layout, request -> {
            submitted.add(request);
            return "run-" + submitted.size();
        }, Clock.fixed(NOW, ZoneOffset.UTC), busy::get);
        assertThat(scheduler.openThreshold()).isEqualTo(16);
        assertThat(scheduler.checkOpen()).as("12 batch files, 16 while busy").isEmpty();
        files(layout.home(LakeTable.ASSET_PRICES, "2026-11-21"), "batch-12.parquet", "batch-13.parquet", "batch-14.parquet", "batch-15.parquet");
        assertThat(scheduler.checkOpen()).contains("run-1");
        assertThat(submitted).containsExactly(new JobRequest("compact", Map.of("open_min_files", "16"), Optional.of("scheduled"), JobRequest.Mode.ASYNC));
        busy.set(false);
        assertThat(scheduler.openThreshold()).isEqualTo(4);
        assertThat(scheduler.checkOpen()).contains("run-2");
        assertThat(submitted.get(1).parameters()).containsEntry("open_min_files", "4");
    }

    @Test
    void finishesInterruptedCompactionsEvenWhenNotScheduled() throws IOException {
        TableDefinition table = LakeTable.ASSET_TRANSACTIONS;
        // a generation in place, the home still full and no marker: a switch to confirm
        files(layout.home(table, "2026-11-10"), "batch-1.parquet", "batch-2.parquet");
        files(layout.generationFolder(table, "2026-11-10", 1), "compacted-0001-00000.snappy.parquet");
        assertThat(scheduler(false, Duration.ofHours(1)).due(NOW)).containsExactly("asset_transactions dt=2026-11-10: finish or clean up an earlier compaction");

        // confirmed and marked: nothing until the grace has passed
        layout.markRetired(table, "2026-11-10", 0, NOW.minus(Duration.ofMinutes(59)));
        assertThat(scheduler(false, Duration.ofHours(1)).due(NOW)).isEmpty();
        assertThat(scheduler(false, Duration.ofHours(1)).due(NOW.plus(Duration.ofMinutes(1))))
                .containsExactly("asset_transactions dt=2026-11-10: finish or clean up an earlier compaction");
    }
}
