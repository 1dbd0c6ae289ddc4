package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention of a partition's old generations: a retired generation is deleted once its grace has
 * passed (readers that planned on it have finished), and only the files whose rows the current
 * generation holds (it lists them among its sources, or has them by name); anything else is kept
 * and reported.
 */
final class RetiredGenerations {
    private static final Logger LOG = LoggerFactory.getLogger(RetiredGenerations.class);

    private final PartitionLayout layout;
    private final Duration deleteGrace;
    private final Clock clock;

    RetiredGenerations(PartitionLayout layout, Duration deleteGrace, Clock clock) {
        this.layout = requireNonNull(layout, "layout is null");
        this.deleteGrace = requireNonNull(deleteGrace, "deleteGrace is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Deletes the retired generations whose grace has passed; what it did goes to {@code steps}. */
    void deleteDue(TableDefinition table, String dt, Path current, List<String> steps) throws IOException {
        FileSystem fileSystem = layout.fileSystem();
        PartitionState state = layout.state(table, dt);
        Instant now = clock.instant();
        SortedSet<Integer> deletable = state.deletable(now, deleteGrace);
        if (!deletable.isEmpty()) {
            Set<String> accounted = new HashSet<>(layout.sources(current));
            layout.dataFiles(current).forEach(file -> accounted.add(file.getPath().getName()));
            for (int generation : deletable) {
                Path folder = layout.generationFolder(table, dt, generation);
                List<FileStatus> files = layout.dataFiles(folder);
                List<String> unaccounted = files.stream().map(file -> file.getPath().getName()).filter(name -> !accounted.contains(name))
                        .sorted().toList();
                if (generation == 0) {
                    for (FileStatus file : files) {
                        if (accounted.contains(file.getPath().getName())) {
                            fileSystem.delete(file.getPath(), false);
                        }
                    }
                }
                else if (unaccounted.isEmpty()) {
                    fileSystem.delete(folder, true);
                }
                if (!unaccounted.isEmpty()) {
                    LOG.warn("Kept {} file(s) of retired {} of {} dt={} that no compaction took over, e.g. {}", unaccounted.size(),
                            PartitionLayout.generationName(generation), table.tableName(), dt, unaccounted.get(0));
                    steps.add("kept " + unaccounted.size() + " file(s) of " + PartitionLayout.generationName(generation)
                            + " that no compaction took over");
                    continue;
                }
                layout.removeRetiredMarker(table, dt, generation);
                steps.add("deleted " + PartitionLayout.generationName(generation) + " (retired at " + state.retiredAt().get(generation) + ")");
                LOG.info("Deleted retired {} of {} dt={} ({} file(s), retired at {})", PartitionLayout.generationName(generation),
                        table.tableName(), dt, files.size(), state.retiredAt().get(generation));
            }
        }
        for (int generation : state.staleMarkers()) {
            layout.removeRetiredMarker(table, dt, generation);
        }
    }
}
