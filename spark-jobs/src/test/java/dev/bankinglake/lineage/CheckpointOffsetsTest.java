package dev.bankinglake.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark's offset log as Spark 4 writes it for a Kafka source (format copied from a real checkpoint). */
class CheckpointOffsetsTest {
    @TempDir
    java.nio.file.Path checkpoint;

    private void write(String relative, String content) throws IOException {
        java.nio.file.Path file = checkpoint.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static String entry(long batchTimestamp, String offsets) {
        return "v1\n{\"batchWatermarkMs\":0,\"batchTimestampMs\":" + batchTimestamp
                + ",\"conf\":{\"spark.sql.shuffle.partitions\":\"2\"}}\n" + offsets;
    }

    private CheckpointOffsets offsets() throws IOException {
        return new CheckpointOffsets(FileSystem.getLocal(new Configuration()), new Path(checkpoint.toUri()));
    }

    @Test
    void theFirstBatchStartsAtTheSourcesInitialOffsets() throws Exception {
        write("sources/0/0", "\u0000v1\n{\"events\":{\"1\":0,\"0\":0}}");
        write("offsets/0", entry(1_763_683_200_000L, "{\"events\":{\"1\":40,\"0\":35}}"));

        CheckpointOffsets.BatchOffsets batch = offsets().offsets(0);
        assertThat(batch.topic()).isEqualTo("events");
        assertThat(batch.start()).isEqualTo(Map.of(0, 0L, 1, 0L));
        assertThat(batch.end()).isEqualTo(Map.of(0, 35L, 1, 40L));
        assertThat(batch.consumed()).isEqualTo(75);
        assertThat(batch.batchTime()).isEqualTo(Instant.ofEpochMilli(1_763_683_200_000L));
    }

    @Test
    void laterBatchesStartWhereThePreviousEnded() throws Exception {
        write("offsets/6", entry(1L, "{\"events\":{\"0\":100,\"1\":90}}"));
        write("offsets/7", entry(2L, "{\"events\":{\"0\":130,\"1\":90,\"2\":5}}"));

        CheckpointOffsets.BatchOffsets batch = offsets().offsets(7);
        assertThat(batch.start()).isEqualTo(Map.of(0, 100L, 1, 90L));
        assertThat(batch.end()).isEqualTo(Map.of(0, 130L, 1, 90L, 2, 5L));
        assertThat(batch.consumed()).as("a new partition counts from 0").isEqualTo(35);
    }

    @Test
    void theNextBatchStartsWhereTheBatchReadBeforeEndedWithoutReadingItsEntryAgain() throws Exception {
        write("offsets/6", entry(1L, "{\"events\":{\"0\":100,\"1\":90}}"));
        write("offsets/7", entry(2L, "{\"events\":{\"0\":130,\"1\":90}}"));
        write("offsets/8", entry(3L, "{\"events\":{\"0\":131,\"1\":92}}"));
        CheckpointOffsets offsets = offsets();
        offsets.offsets(7);
        Files.delete(checkpoint.resolve("offsets/6"));
        Files.delete(checkpoint.resolve("offsets/7"));

        CheckpointOffsets.BatchOffsets batch = offsets.offsets(8);
        assertThat(batch.start()).isEqualTo(Map.of(0, 130L, 1, 90L));
        assertThat(batch.end()).isEqualTo(Map.of(0, 131L, 1, 92L));
        assertThat(batch.consumed()).isEqualTo(3);
    }

    @Test
    void aMissingEntrySaysWhichBatch() throws Exception {
        assertThatThrownBy(() -> offsets().offsets(3)).hasMessageStartingWith("No offsets for batch 3 in ");
    }
}
