package dev.bankinglake.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TargetFilesTest {
    private static final long MB = 1024 * 1024;
    private static final long TARGET = 128 * MB;

    @Test
    void oneFilePerStartedTargetSize() {
        assertThat(TargetFiles.outputFiles(0, TARGET)).isEqualTo(1);
        assertThat(TargetFiles.outputFiles(13 * 1024, TARGET)).isEqualTo(1);
        assertThat(TargetFiles.outputFiles(TARGET, TARGET)).isEqualTo(1);
        assertThat(TargetFiles.outputFiles(TARGET + 1, TARGET)).isEqualTo(2);
        assertThat(TargetFiles.outputFiles(1000 * MB, TARGET)).isEqualTo(8);
        assertThatThrownBy(() -> TargetFiles.outputFiles(10, 0))
                .hasMessage("Invalid sizes: 10 input bytes, target 0 (input must not be negative, target must be positive)");
    }

    private static List<TargetFiles.InputFile> batches(int count, long size) {
        return IntStream.range(0, count).mapToObj(index -> new TargetFiles.InputFile(String.format("batch-%019d-q-00000.snappy.parquet", index), size))
                .toList();
    }

    private static TargetFiles.InputFile compacted(int index, long size) {
        return new TargetFiles.InputFile(String.format("compacted-0001-%05d.snappy.parquet", index), size);
    }

    @Test
    void aDayOfSmallBatchFilesIsWorthRewriting() {
        // 2,000 batches of ~13 KB: one output file
        List<TargetFiles.InputFile> day = batches(2_000, 13L * 1024);
        assertThat(TargetFiles.outputFiles(day.stream().mapToLong(TargetFiles.InputFile::size).sum(), TARGET)).isEqualTo(1);
        assertThat(TargetFiles.worthRewriting(day, TARGET)).isTrue();
        assertThat(TargetFiles.worthRewriting(batches(2, 5L * 1024), TARGET)).isTrue();
        assertThat(TargetFiles.worthRewriting(batches(1, 5L * 1024), TARGET)).as("a single file").isFalse();
        assertThat(TargetFiles.worthRewriting(List.of(), TARGET)).isFalse();
    }

    @Test
    void aCompactedPartitionIsRewrittenOnlyOnceItGainedTwoLateFiles() {
        assertThat(TargetFiles.worthRewriting(List.of(compacted(0, 40L * MB)), TARGET)).isFalse();
        assertThat(TargetFiles.worthRewriting(List.of(compacted(0, 120 * MB), compacted(1, 118 * MB)), TARGET)).isFalse();
        List<TargetFiles.InputFile> oneLate = new ArrayList<>(List.of(compacted(0, 120 * MB), compacted(1, 118 * MB)));
        oneLate.addAll(batches(1, 13L * 1024));
        assertThat(TargetFiles.worthRewriting(oneLate, TARGET)).isFalse();
        List<TargetFiles.InputFile> twoLate = new ArrayList<>(List.of(compacted(0, 40L * MB)));
        twoLate.addAll(batches(2, 13L * 1024));
        assertThat(TargetFiles.worthRewriting(twoLate, TARGET)).isTrue();
    }

    @Test
    void aClosedDayThatWasMergedWhileOpenIsRewrittenIntoTargetSizedFiles() {
        // the merges of an open day leave a compacted file per merge, far under the target
        List<TargetFiles.InputFile> merged = List.of(compacted(0, 3 * MB), compacted(1, 2 * MB), compacted(2, 4 * MB));
        assertThat(TargetFiles.worthRewriting(merged, TARGET)).isTrue();
        assertThat(TargetFiles.worthRewriting(List.of(compacted(0, 3 * MB)), TARGET)).as("one small compacted file").isFalse();
        // a whole-day compaction's own files come out under the target, but not under a quarter of it: not rewritten again
        assertThat(TargetFiles.worthRewriting(List.of(compacted(0, 100 * MB), compacted(1, 90 * MB), compacted(2, 60 * MB)), TARGET)).isFalse();
        assertThat(TargetFiles.worthRewriting(List.of(compacted(0, 20 * MB), compacted(1, 120 * MB)), TARGET))
                .as("one small file next to a large one: 2 files are what 140 MB gives").isFalse();
    }

    @Test
    void largeBatchFilesAlreadyAtTheTargetStay() {
        assertThat(TargetFiles.worthRewriting(batches(3, 130 * MB), TARGET)).isFalse();
        assertThat(TargetFiles.worthRewriting(batches(3, 100 * MB), TARGET)).as("300 MB in 3 files is what 128 MB files give").isFalse();
        assertThat(TargetFiles.worthRewriting(batches(4, 60 * MB), TARGET)).isTrue();
    }
}
