package dev.bankinglake.compaction;

import dev.bankinglake.table.PartitionLayout;
import java.util.List;

/**
 * How a partition's rows are grouped into files of a target size. The rows are sorted by the
 * table's time column and cut into {@link #outputFiles} contiguous time ranges, one file each, so
 * that the files' min/max statistics do not overlap. The count comes from the bytes of the input
 * files: rewritten together the rows take fewer bytes (one footer, longer runs to encode), so the
 * output files come out at or below the target.
 */
public final class TargetFiles {
    private TargetFiles() {
    }

    /** The number of files for {@code inputBytes} of input: at least one, at most one per started target size. */
    public static int outputFiles(long inputBytes, long targetFileSize) {
        if (inputBytes < 0 || targetFileSize <= 0) {
            throw new IllegalArgumentException("Invalid sizes: " + inputBytes + " input bytes, target " + targetFileSize
                    + " (input must not be negative, target must be positive)");
        }
        long files = Math.max(1, (inputBytes + targetFileSize - 1) / targetFileSize);
        if (files > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Too many output files: " + files);
        }
        return (int) files;
    }

    /** A data file of a partition's current location: its name and size. */
    public record InputFile(String name, long size) {
        public InputFile {
            java.util.Objects.requireNonNull(name, "name is null");
        }

        /** Written by an earlier compaction, as opposed to a batch, a replay or a late batch. */
        public boolean compacted() {
            return PartitionLayout.isCompactedFile(name);
        }
    }

    /**
     * Rewriting pays off when it leaves fewer files than there are and merges at least two files that
     * no compaction of the whole day wrote: a day of batch files always; a compacted day only once it
     * gained two late files or more (one late batch next to a compacted file is not worth rewriting
     * the day), or when it holds two or more compacted files under a quarter of the target, which the
     * merges of the day while it was open leave.
     */
    public static boolean worthRewriting(List<InputFile> files, long targetFileSize) {
        long total = 0;
        int uncompacted = 0;
        int smallCompacted = 0;
        for (InputFile file : files) {
            total += file.size();
            if (!file.compacted()) {
                uncompacted++;
            }
            else if (file.size() < targetFileSize / 4) {
                smallCompacted++;
            }
        }
        return (uncompacted >= 2 || smallCompacted >= 2) && files.size() > outputFiles(total, targetFileSize);
    }
}
