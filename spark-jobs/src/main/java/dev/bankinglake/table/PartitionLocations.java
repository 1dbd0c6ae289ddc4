package dev.bankinglake.table;

import dev.bankinglake.contract.TableDefinition;
import java.util.Optional;

/** Where the metastore sends queries of a partition, and the one call that moves them. */
public interface PartitionLocations {
    /** The partition's location in the metastore; empty when it does not know the partition. */
    Optional<String> location(TableDefinition table, String dt) throws Exception;

    /**
     * Points the partition at {@code to} in one metastore call, provided it still points at
     * {@code from}; queries planned before see the old location, queries planned after the new one.
     */
    void switchLocation(TableDefinition table, String dt, String from, String to) throws Exception;
}
