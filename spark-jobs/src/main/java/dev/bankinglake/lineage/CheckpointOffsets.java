package dev.bankinglake.lineage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the Kafka offsets of a micro-batch from the query's own write-ahead log in its checkpoint,
 * which Spark writes before the batch runs: {@code offsets/<batch>} holds the end offsets (and the
 * batch timestamp), the previous batch's entry the start offsets, and for batch 0 the Kafka source's
 * initial offsets ({@code sources/0/0}) are the start. Reading Spark's log, rather than the rows,
 * gives the range Spark really consumed, empty partitions and skipped offsets included.
 */
public final class CheckpointOffsets {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The offsets of one batch, per partition of one topic; end offsets are exclusive. */
    public record BatchOffsets(String topic, Map<Integer, Long> start, Map<Integer, Long> end, Instant batchTime) {
        public BatchOffsets {
            requireNonNull(topic, "topic is null");
            start = Map.copyOf(start);
            end = Map.copyOf(end);
            requireNonNull(batchTime, "batchTime is null");
        }

        /** Messages in the range: for each partition, end minus start (a new partition starts at 0). */
        public long consumed() {
            long total = 0;
            for (Map.Entry<Integer, Long> partition : end.entrySet()) {
                total += partition.getValue() - start.getOrDefault(partition.getKey(), 0L);
            }
            return total;
        }
    }

    private final FileSystem fileSystem;
    private final Path checkpoint;
    // the batch being written asks twice (its size, then its lineage); an entry of the log never changes
    private volatile Map.Entry<Long, BatchOffsets> last;
    // the end offsets in the log entry of the batch last read: the next batch's start, without reading that entry again
    private volatile Map.Entry<Long, TopicOffsets> lastEnd;

    public CheckpointOffsets(FileSystem fileSystem, Path checkpoint) {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.checkpoint = requireNonNull(checkpoint, "checkpoint is null");
    }

    /** The offsets of {@code batchId}, which must be in the log (it is while the batch runs). */
    public BatchOffsets offsets(long batchId) throws IOException {
        Map.Entry<Long, BatchOffsets> remembered = last;
        if (remembered != null && remembered.getKey() == batchId) {
            return remembered.getValue();
        }
        BatchOffsets offsets = read(batchId);
        last = Map.entry(batchId, offsets);
        return offsets;
    }

    /** The last line of a batch's log entry: the end offsets of its (single) source. */
    private TopicOffsets endOfEntry(long batchId) throws IOException {
        Map.Entry<Long, TopicOffsets> remembered = lastEnd;
        if (remembered != null && remembered.getKey() == batchId) {
            return remembered.getValue();
        }
        String[] entry = lines(new Path(new Path(checkpoint, "offsets"), Long.toString(batchId)))
                .orElseThrow(() -> new IOException("No offsets for batch " + batchId + " in " + checkpoint + "/offsets"));
        return parseOffsets(entry[entry.length - 1]);
    }

    private BatchOffsets read(long batchId) throws IOException {
        String[] entry = lines(new Path(new Path(checkpoint, "offsets"), Long.toString(batchId)))
                .orElseThrow(() -> new IOException("No offsets for batch " + batchId + " in " + checkpoint + "/offsets"));
        if (entry.length < 3) {
            throw new IOException("Unexpected offset log entry for batch " + batchId + ": " + entry.length + " line(s)");
        }
        JsonNode metadata = JSON.readTree(entry[1]);
        Instant batchTime = Instant.ofEpochMilli(metadata.path("batchTimestampMs").asLong(0));
        TopicOffsets end = parseOffsets(entry[2]);
        TopicOffsets start;
        if (batchId > 0) {
            start = endOfEntry(batchId - 1);
        }
        else {
            start = lines(new Path(checkpoint, "sources/0/0"))
                    .map(lines -> parseOffsets(lines[lines.length - 1]))
                    .orElse(new TopicOffsets(end.topic(), Map.of()));
        }
        lastEnd = Map.entry(batchId, parseOffsets(entry[entry.length - 1]));
        return new BatchOffsets(end.topic(), start.offsets(), end.offsets(), batchTime);
    }

    private record TopicOffsets(String topic, Map<Integer, Long> offsets) {
    }

    /** {@code {"topic":{"0":12,"1":7}}} as Spark's Kafka source writes it. */
    static TopicOffsets parseOffsets(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            Iterator<Map.Entry<String, JsonNode>> topics = root.fields();
            if (!topics.hasNext()) {
                throw new IllegalArgumentException("No topic in offsets " + json);
            }
            Map.Entry<String, JsonNode> topic = topics.next();
            Map<Integer, Long> offsets = new TreeMap<>();
            topic.getValue().fields().forEachRemaining(partition -> offsets.put(Integer.parseInt(partition.getKey()), partition.getValue().asLong()));
            return new TopicOffsets(topic.getKey(), offsets);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("Unreadable offsets " + json + ": " + e.getMessage(), e);
        }
    }

    private Optional<String[]> lines(Path file) throws IOException {
        try (InputStream in = fileSystem.open(file)) {
            String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // the Kafka source's initial offsets start with a zero byte (Spark 2.1 compatibility)
            content = content.replace("\u0000", "").strip();
            return Optional.of(content.split("\n"));
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }
}
