package dev.bankinglake.jobs;

import java.util.Map;

/**
 * A named job the service runs on its SparkSession. Implementations have a public no-argument
 * constructor (the router names the class) and return a JSON-shaped result.
 */
public interface LakeJob {
    /** Refuses parameters the job cannot use, with a {@link JobRequestException} (400) that names them; before anything runs. */
    default void check(Map<String, String> parameters) {
    }

    Map<String, Object> run(JobContext context, Map<String, String> parameters) throws Exception;
}
