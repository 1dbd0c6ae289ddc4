package dev.bankinglake.table;

import dev.bankinglake.contract.TableDefinition;
import java.util.Set;

/** Told about partitions whose data has just been committed, so queries can see them. */
public interface PartitionRegistration {
    /** Must not block on, nor fail because of, an unavailable metastore. */
    void partitionsCommitted(TableDefinition table, Set<String> partitionValues);
}
