package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bankinglake.compaction.TargetFiles.InputFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The planner alone: names and sizes in, the files to rewrite and to carry over out. */
class CompactionPlannerTest {
    private static final long MB = 1024 * 1024;
    private static final long TARGET = 128 * MB;

    private static List<InputFile> batchFiles(int count, long size) {
        List<InputFile> files = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            files.add(new InputFile(String.format("batch-%06d-0.snappy.parquet", index), size));
        }
        return files;
    }

    @Test
    void aClosedDayOfBatchFilesIsRewrittenWhole() {
        List<InputFile> files = batchFiles(10, MB);
        CompactionPlanner.Plan plan = CompactionPlanner.plan(files, TARGET, true, 0);
        assertThat(plan.worth()).isTrue();
        assertThat(plan.inputs()).isEqualTo(files);
        assertThat(plan.carried()).isEmpty();
        assertThat(CompactionPlanner.plan(files, TARGET, false, 0).worth()).as("a run that only recovers rewrites nothing").isFalse();
    }

    @Test
    void aCompactedDayWithOneLateFileIsLeftAsItIs() {
        List<InputFile> files = List.of(new InputFile("compacted-0001-00000.snappy.parquet", 100 * MB),
                new InputFile("batch-000007-0.snappy.parquet", MB));
        assertThat(files.get(0).compacted()).isTrue();
        assertThat(CompactionPlanner.plan(files, TARGET, true, 0).worth()).isFalse();
    }

    @Test
    void anOpenDayMergesItsOldestBatchFilesUpToAQuarterOfTheTargetAndCarriesTheRest() {
        List<InputFile> files = new ArrayList<>(batchFiles(50, MB));
        files.add(0, new InputFile("compacted-0003-00000.snappy.parquet", 20 * MB));
        CompactionPlanner.Plan plan = CompactionPlanner.plan(files, TARGET, true, 40);
        assertThat(plan.worth()).isTrue();
        assertThat(plan.inputs()).hasSize(32).allSatisfy(file -> assertThat(file.compacted()).isFalse())
                .first().extracting(InputFile::name).isEqualTo("batch-000000-0.snappy.parquet");
        assertThat(CompactionPlanner.bytes(plan.inputs())).isLessThanOrEqualTo(CompactionPlanner.mergeBytes(TARGET));
        assertThat(plan.carried()).hasSize(19).contains(files.get(0));
        assertThat(plan.inputs().size() + plan.carried().size()).isEqualTo(files.size());
    }

    @Test
    void anOpenDayWaitsForEnoughBatchFilesAndIsLeftAloneOnceItHoldsTheTarget() {
        assertThat(CompactionPlanner.plan(batchFiles(39, MB), TARGET, true, 40).worth()).as("39 of 40 batch files").isFalse();
        assertThat(CompactionPlanner.plan(batchFiles(40, 4 * MB), TARGET, true, 40).worth()).as("160 MB, over the target").isFalse();
        assertThat(CompactionPlanner.plan(batchFiles(40, MB), TARGET, true, 40).worth()).isTrue();
    }

    @Test
    void theOldestTakesAtLeastTwoFilesWhateverTheirSize() {
        List<InputFile> large = List.of(new InputFile("batch-b", 50), new InputFile("batch-a", 50), new InputFile("batch-c", 50));
        assertThat(CompactionPlanner.oldestWithin(large, 10)).extracting(InputFile::name).containsExactly("batch-a", "batch-b");
    }
}
