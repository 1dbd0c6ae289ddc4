package dev.bankinglake.compaction;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.metastore.MetastoreClients;
import dev.bankinglake.table.PartitionLocations;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;
import org.apache.hadoop.hive.metastore.api.EnvironmentContext;
import org.apache.hadoop.hive.metastore.api.NoSuchObjectException;
import org.apache.hadoop.hive.metastore.api.Partition;

/** {@link PartitionLocations} of the Hive Metastore, through its thrift client: {@code get_partition}, {@code alter_partition}. */
public final class MetastorePartitions implements PartitionLocations, AutoCloseable {
    /** Tells the metastore not to scan the new folder for statistics: the switch stays one quick call. */
    private static final String DO_NOT_UPDATE_STATS = "DO_NOT_UPDATE_STATS";

    private final String metastoreUri;
    private final String database;
    private IMetaStoreClient client;

    public MetastorePartitions(String metastoreUri, String database) {
        this.metastoreUri = requireNonNull(metastoreUri, "metastoreUri is null");
        this.database = requireNonNull(database, "database is null");
    }

    @Override
    public synchronized Optional<String> location(TableDefinition table, String dt) throws Exception {
        try {
            return Optional.of(partition(table, dt).getSd().getLocation());
        }
        catch (NoSuchObjectException e) {
            return Optional.empty();
        }
        catch (Exception e) {
            closeClient();
            throw e;
        }
    }

    @Override
    public synchronized void switchLocation(TableDefinition table, String dt, String from, String to) throws Exception {
        try {
            Partition partition = partition(table, dt);
            String location = partition.getSd().getLocation();
            if (!same(location, from)) {
                if (same(location, to)) {
                    return;
                }
                throw new IllegalStateException("Cannot switch " + table.tableName() + " dt=" + dt + " to " + to + ": the metastore points at "
                        + location + ", not at " + from);
            }
            partition.getSd().setLocation(to);
            EnvironmentContext context = new EnvironmentContext();
            context.putToProperties(DO_NOT_UPDATE_STATS, "true");
            client().alter_partition(database, table.tableName(), partition, context);
        }
        catch (Exception e) {
            closeClient();
            throw e;
        }
    }

    private Partition partition(TableDefinition table, String dt) throws Exception {
        return client().getPartition(database, table.tableName(), List.of(dt));
    }

    private static boolean same(String location, String other) {
        return strip(location).equals(strip(other));
    }

    private static String strip(String location) {
        return location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
    }

    private IMetaStoreClient client() throws Exception {
        if (client == null) {
            client = MetastoreClients.open(metastoreUri);
        }
        return client;
    }

    private void closeClient() {
        if (client != null) {
            try {
                client.close();
            }
            catch (RuntimeException e) {
                // the next call opens a new client
            }
            client = null;
        }
    }

    @Override
    public synchronized void close() {
        closeClient();
    }
}
