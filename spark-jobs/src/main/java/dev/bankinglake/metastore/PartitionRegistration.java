package dev.bankinglake.metastore;

import dev.bankinglake.contract.LakeTable;
import java.util.Set;

/** Told about partitions whose data has just been committed, so queries can see them. */
public interface PartitionRegistration {
    /** Must not block on, nor fail because of, an unavailable metastore. */
    void partitionsCommitted(LakeTable table, Set<String> partitionValues);
}
