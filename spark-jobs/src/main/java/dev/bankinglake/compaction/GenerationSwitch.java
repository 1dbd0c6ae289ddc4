package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionLocations;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/**
 * The switch of a compaction to its verified staged folder: the files it leaves as they are come
 * along unchanged (copied before the partition's lock); then, under the lock that batches take
 * to commit, the files batches committed meanwhile are copied too, the staged folder is renamed
 * to the next generation (from then on batches commit there) and the metastore is pointed at it in
 * one {@code alter_partition} (from then on queries read there). A reader reads either folder,
 * whole.
 */
final class GenerationSwitch {
    private final PartitionLayout layout;
    private final PartitionLocations metastore;
    private final Compactor.StepHook hook;

    GenerationSwitch(PartitionLayout layout, PartitionLocations metastore, Compactor.StepHook hook) {
        this.layout = requireNonNull(layout, "layout is null");
        this.metastore = requireNonNull(metastore, "metastore is null");
        this.hook = requireNonNull(hook, "hook is null");
    }

    /** Puts {@code staged} in place as {@code target}; returns the names of the late files carried over under the lock. */
    List<String> switchTo(TableDefinition table, String dt, Path current, Path target, Path staged, List<FileStatus> inputs,
            List<FileStatus> carried) throws Exception {
        FileSystem fileSystem = layout.fileSystem();
        // the files this merge leaves as they are never change: copied before the lock, which batches wait for
        for (FileStatus file : carried) {
            carryOver(fileSystem, file, new Path(staged, file.getPath().getName()), "unchanged");
        }
        Set<String> takenOver = inputs.stream().map(file -> file.getPath().getName()).collect(Collectors.toCollection(HashSet::new));
        carried.forEach(file -> takenOver.add(file.getPath().getName()));
        return layout.locked(table, dt, () -> {
            List<FileStatus> now = layout.dataFiles(current);
            Set<String> present = now.stream().map(file -> file.getPath().getName()).collect(Collectors.toSet());
            List<String> vanished = takenOver.stream().filter(name -> !present.contains(name)).sorted().toList();
            if (!vanished.isEmpty()) {
                throw new IOException("Compaction of " + table.tableName() + " dt=" + dt + " aborted before the switch: " + vanished.size()
                        + " of its files vanished meanwhile (e.g. " + vanished.get(0) + ")");
            }
            List<String> copied = new ArrayList<>();
            for (FileStatus file : now) {
                if (takenOver.contains(file.getPath().getName())) {
                    continue;
                }
                // a batch committed into the old location after the rewrite read it: its file comes along unchanged
                carryOver(fileSystem, file, new Path(staged, file.getPath().getName()), "late");
                copied.add(file.getPath().getName());
            }
            fileSystem.mkdirs(target.getParent());
            if (fileSystem.exists(target)) {
                throw new IOException("Cannot put " + staged + " in place: " + target + " exists already");
            }
            if (!fileSystem.rename(staged, target)) {
                throw new IOException("Cannot put " + staged + " in place as " + target + " (rename failed)");
            }
            // From here the new generation is never taken back, even when the metastore call fails: it is
            // verified, batches commit there, and the next run points the metastore at it. Undoing the
            // rename could race a call the metastore did apply, leaving queries a folder that is gone.
            try {
                hook.reached(Compactor.Step.RENAMED, table, dt);
                metastore.switchLocation(table, dt, Compactor.normalize(current), Compactor.normalize(target));
                hook.reached(Compactor.Step.SWITCHED, table, dt);
            }
            catch (IOException | RuntimeException e) {
                throw e;
            }
            catch (Exception e) {
                throw new IOException("Switching " + table.tableName() + " dt=" + dt + " to " + target + " failed: " + e.getMessage(), e);
            }
            return copied;
        });
    }

    /** Copies a file the new generation takes over unchanged, checking that all its bytes arrived. */
    private static void carryOver(FileSystem fileSystem, FileStatus file, Path copy, String what) throws IOException {
        if (!FileUtil.copy(fileSystem, file.getPath(), fileSystem, copy, false, true, fileSystem.getConf())
                || fileSystem.getFileStatus(copy).getLen() != file.getLen()) {
            throw new IOException("Cannot carry the " + what + " file " + file.getPath() + " over to " + copy);
        }
    }
}
