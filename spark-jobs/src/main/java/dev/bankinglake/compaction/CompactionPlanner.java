package dev.bankinglake.compaction;

import dev.bankinglake.compaction.TargetFiles.InputFile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one compaction run does with a partition's current files, from their names and sizes only
 * (no Spark, no file system):
 * <ul>
 *   <li>a closed day is compacted: every file is rewritten when {@link TargetFiles#worthRewriting};</li>
 *   <li>a day still open is merged: once it holds {@code minBatchFiles} batch files and less than the
 *       target size in all, its oldest batch files, up to {@link #mergeBytes}, are rewritten into one,
 *       and every other file is carried over unchanged.</li>
 * </ul>
 */
public final class CompactionPlanner {
    private CompactionPlanner() {
    }

    /** The files to rewrite, the files to carry over unchanged, and whether rewriting pays off at all. */
    public record Plan(List<InputFile> inputs, List<InputFile> carried, boolean worth) {
        public Plan {
            inputs = List.copyOf(inputs);
            carried = List.copyOf(carried);
        }
    }

    /**
     * @param compact whether the run may rewrite at all (false: it only finishes what earlier runs left)
     * @param minBatchFiles 0: compact the day; more (at least 2): merge an open day once it holds that many batch files
     */
    public static Plan plan(List<InputFile> files, long targetFileSize, boolean compact, int minBatchFiles) {
        if (minBatchFiles <= 0) {
            return new Plan(files, List.of(), compact && TargetFiles.worthRewriting(files, targetFileSize));
        }
        List<InputFile> batchFiles = files.stream().filter(file -> !file.compacted()).toList();
        List<InputFile> inputs = oldestWithin(batchFiles, mergeBytes(targetFileSize));
        Set<String> merged = inputs.stream().map(InputFile::name).collect(Collectors.toSet());
        List<InputFile> carried = files.stream().filter(file -> !merged.contains(file.name())).toList();
        // a partition already holding the target size is left to the compaction once the day closes: its
        // files are large enough, and copying them over at every merge would cost more than it saves
        if (batchFiles.size() < minBatchFiles || bytes(files) > targetFileSize) {
            inputs = List.of();
        }
        return new Plan(inputs, carried, compact && inputs.size() >= 2);
    }

    /**
     * The bytes of batch files one merge of an open day rewrites at most: a quarter of the target
     * file size, so that a merge under load stays a few seconds of work however far behind it is;
     * what is left waits for the next check.
     */
    public static long mergeBytes(long targetFileSize) {
        return Math.max(1, targetFileSize / 4);
    }

    /** The batch files in name order (batch ids are zero-padded: commit order) while their bytes fit, and at least two. */
    public static List<InputFile> oldestWithin(List<InputFile> batchFiles, long maxBytes) {
        List<InputFile> sorted = batchFiles.stream().sorted(Comparator.comparing(InputFile::name)).toList();
        List<InputFile> taken = new ArrayList<>();
        long bytes = 0;
        for (InputFile file : sorted) {
            if (taken.size() >= 2 && bytes + file.size() > maxBytes) {
                break;
            }
            taken.add(file);
            bytes += file.size();
        }
        return taken;
    }

    /** The bytes of the files, together. */
    public static long bytes(List<InputFile> files) {
        return files.stream().mapToLong(InputFile::size).sum();
    }
}
