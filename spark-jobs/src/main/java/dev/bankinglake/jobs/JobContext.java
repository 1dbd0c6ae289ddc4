package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.lake.BatchFileCommitter;
import dev.bankinglake.lineage.CheckpointOffsets;
import dev.bankinglake.table.PartitionRegistration;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** What a job may use: the service's session and lake, and what the ingest query has committed. */
public record JobContext(
        SparkSession spark,
        FileSystem lakeFileSystem,
        Path lakeRoot,
        BatchFileCommitter committer,
        PartitionRegistration registration,
        String kafkaBootstrap,
        String eventsTopic,
        Path checkpoint,
        Set<Integer> schemaVersions,
        String jobId) {

    public JobContext {
        requireNonNull(spark, "spark is null");
        requireNonNull(lakeFileSystem, "lakeFileSystem is null");
        requireNonNull(lakeRoot, "lakeRoot is null");
        requireNonNull(committer, "committer is null");
        requireNonNull(registration, "registration is null");
        requireNonNull(kafkaBootstrap, "kafkaBootstrap is null");
        requireNonNull(eventsTopic, "eventsTopic is null");
        requireNonNull(checkpoint, "checkpoint is null");
        schemaVersions = Set.copyOf(schemaVersions);
        requireNonNull(jobId, "jobId is null");
    }

    public JobContext forJob(String id) {
        return new JobContext(spark, lakeFileSystem, lakeRoot, committer, registration, kafkaBootstrap, eventsTopic, checkpoint, schemaVersions, id);
    }

    /**
     * The end offsets (exclusive) per partition of the newest batch the ingest query has committed
     * (Spark's commit log, then its offset log), or empty when it has committed none.
     */
    public Optional<Map<Integer, Long>> committedOffsets() throws IOException {
        FileSystem checkpointFileSystem = checkpoint.getFileSystem(lakeFileSystem.getConf());
        Path commits = new Path(checkpoint, "commits");
        if (!checkpointFileSystem.exists(commits)) {
            return Optional.empty();
        }
        long newest = -1;
        for (FileStatus status : checkpointFileSystem.listStatus(commits)) {
            String name = status.getPath().getName();
            if (name.matches("\\d+")) {
                newest = Math.max(newest, Long.parseLong(name));
            }
        }
        if (newest < 0) {
            return Optional.empty();
        }
        return Optional.of(new CheckpointOffsets(checkpointFileSystem, checkpoint).offsets(newest).end());
    }
}
