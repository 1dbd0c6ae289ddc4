package dev.bankinglake.metastore;

import static java.util.Objects.requireNonNull;

import dev.bankinglake.contract.LakeTable;
import dev.bankinglake.contract.TableDefinition;
import dev.bankinglake.table.PartitionLayout;
import dev.bankinglake.table.PartitionRegistration;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;
import org.apache.hadoop.hive.metastore.api.AlreadyExistsException;
import org.apache.hadoop.hive.metastore.api.Database;
import org.apache.hadoop.hive.metastore.api.FieldSchema;
import org.apache.hadoop.hive.metastore.api.Partition;
import org.apache.hadoop.hive.metastore.api.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Hive Metastore in step with the lake: creates missing tables and registers each
 * committed partition. Talks to the metastore through its own thrift client on its own thread, so
 * a metastore outage neither loses data nor stalls the stream: partitions it could not register
 * stay pending and are retried whenever another batch commits and every few seconds (and at the next start, when every
 * partition folder on disk is registered again; adding partitions is idempotent).
 */
public final class MetastoreRegistrar implements PartitionRegistration, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetastoreRegistrar.class);
    private static final String PARTITION_PREFIX = LakeTable.PARTITION_COLUMN.name() + "=";
    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(10);

    /** A partition of a lake table, e.g. asset_prices / 2026-11-20. */
    public record TablePartition(TableDefinition table, String value) {
        public TablePartition {
            requireNonNull(table, "table is null");
            requireNonNull(value, "value is null");
        }
    }

    private final String metastoreUri;
    private final String lakeRoot;
    private final String database;
    private final FileSystem fileSystem;
    private final PartitionLayout layout;
    private final Set<TablePartition> pending = ConcurrentHashMap.newKeySet();
    private final Set<TablePartition> registered = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean attemptQueued = new AtomicBoolean();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "metastore-registration");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean tablesReady;
    private volatile boolean lastAttemptFailed;
    private IMetaStoreClient client;

    public MetastoreRegistrar(String metastoreUri, String database, String lakeRoot, FileSystem fileSystem) {
        this.metastoreUri = requireNonNull(metastoreUri, "metastoreUri is null");
        this.database = requireNonNull(database, "database is null");
        this.lakeRoot = requireNonNull(lakeRoot, "lakeRoot is null");
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.layout = new PartitionLayout(fileSystem, new Path(lakeRoot));
    }

    /**
     * Creates the table folders, queues every partition folder already on disk and tries, once,
     * to create the tables and register those partitions. Returns without failing when the
     * metastore is down: the attempt is repeated after each batch.
     */
    public boolean start() throws IOException {
        for (TableDefinition table : TableDefinition.all()) {
            Path folder = new Path(HiveTables.tableLocation(lakeRoot, table));
            fileSystem.mkdirs(folder);
            for (String value : partitionFolders(folder)) {
                pending.add(new TablePartition(table, value));
            }
        }
        LOG.info("Registering {} existing partition folder(s) under {} in the metastore at {}", pending.size(), lakeRoot, metastoreUri);
        // besides the attempt after each batch, so that a quiet topic does not leave partitions pending
        worker.scheduleWithFixedDelay(this::requestAttempt, RETRY_INTERVAL.toMillis(), RETRY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return attempt();
    }

    @Override
    public void partitionsCommitted(TableDefinition table, Set<String> partitionValues) {
        for (String value : partitionValues) {
            TablePartition partition = new TablePartition(table, value);
            if (!registered.contains(partition)) {
                pending.add(partition);
            }
        }
        requestAttempt();
    }

    /** Partitions committed but not yet known to the metastore. */
    public Set<TablePartition> pending() {
        return Set.copyOf(pending);
    }

    /** Queues a registration attempt unless one is already queued. */
    public void requestAttempt() {
        if (worker.isShutdown()) {
            return;
        }
        if ((!pending.isEmpty() || !tablesReady) && attemptQueued.compareAndSet(false, true)) {
            worker.execute(() -> {
                attemptQueued.set(false);
                attempt();
            });
        }
    }

    /** Creates missing tables and registers pending partitions now; false if the metastore failed. */
    public synchronized boolean attempt() {
        if (tablesReady && pending.isEmpty()) {
            return true;
        }
        try {
            IMetaStoreClient metastore = client();
            if (!tablesReady) {
                ensureTables(metastore);
                tablesReady = true;
            }
            Map<TableDefinition, List<TablePartition>> byTable = new LinkedHashMap<>();
            for (TablePartition partition : pending) {
                byTable.computeIfAbsent(partition.table(), table -> new ArrayList<>()).add(partition);
            }
            for (Map.Entry<TableDefinition, List<TablePartition>> entry : byTable.entrySet()) {
                List<Partition> partitions = new ArrayList<>();
                for (TablePartition partition : entry.getValue()) {
                    Partition hivePartition = HiveTables.partition(partition.table(), lakeRoot, database, partition.value());
                    // a compacted partition lives in its newest generation, not in its home folder
                    hivePartition.getSd().setLocation(layout.current(partition.table(), partition.value()).path().toString());
                    partitions.add(hivePartition);
                }
                metastore.add_partitions(partitions, true, false);
                registered.addAll(entry.getValue());
                pending.removeAll(entry.getValue());
                LOG.info("Registered partition(s) {} of {}", entry.getValue().stream().map(TablePartition::value).toList(),
                        entry.getKey().tableName());
            }
            if (lastAttemptFailed) {
                LOG.info("Metastore at {} is reachable again; nothing pending", metastoreUri);
            }
            lastAttemptFailed = false;
            return true;
        }
        catch (Exception e) {
            LOG.warn("Metastore at {} unavailable ({}): {} partition(s) pending{}; retrying after the next batch",
                    metastoreUri, e.toString(), pending.size(), tablesReady ? "" : " and table creation");
            lastAttemptFailed = true;
            closeClient();
            return false;
        }
    }

    private void ensureTables(IMetaStoreClient metastore) throws Exception {
        if (!metastore.getAllDatabases().contains(database)) {
            try {
                metastore.createDatabase(new Database(database, "The lake's tables", lakeRoot, new HashMap<>()));
                LOG.info("Created database {}", database);
            }
            catch (AlreadyExistsException e) {
                LOG.info("Database {} was created concurrently", database);
            }
        }
        for (TableDefinition table : TableDefinition.all()) {
            fileSystem.mkdirs(new Path(HiveTables.tableLocation(lakeRoot, table)));
            if (metastore.tableExists(database, table.tableName())) {
                warnIfDifferent(metastore.getTable(database, table.tableName()), table);
                continue;
            }
            try {
                metastore.createTable(HiveTables.table(table, lakeRoot, database));
                LOG.info("Created table {}.{} at {}", database, table.tableName(), HiveTables.tableLocation(lakeRoot, table));
            }
            catch (AlreadyExistsException e) {
                LOG.info("Table {} was created concurrently", table.tableName());
            }
        }
    }

    private void warnIfDifferent(Table existing, TableDefinition table) {
        List<String> expected = HiveTables.columns(table).stream().map(column -> column.getName() + " " + column.getType()).toList();
        List<String> actual = existing.getSd().getCols().stream().map(column -> column.getName() + " " + column.getType()).toList();
        String location = existing.getSd().getLocation();
        if (!expected.equals(actual) || !HiveTables.tableLocation(lakeRoot, table).equals(location)) {
            LOG.warn("Table {} exists in the metastore but differs from the contract: columns {} at {} (expected {} at {})",
                    table.tableName(), actual, location, expected, HiveTables.tableLocation(lakeRoot, table));
        }
        List<String> partitionKeys = existing.getPartitionKeys().stream().map(FieldSchema::getName).toList();
        if (!partitionKeys.equals(List.of(LakeTable.PARTITION_COLUMN.name()))) {
            LOG.warn("Table {} is partitioned by {}, not by {}", table.tableName(), partitionKeys, LakeTable.PARTITION_COLUMN.name());
        }
    }

    private Set<String> partitionFolders(Path tableFolder) throws IOException {
        Set<String> values = new TreeSet<>();
        FileStatus[] children;
        try {
            children = fileSystem.listStatus(tableFolder);
        }
        catch (FileNotFoundException e) {
            return values;
        }
        for (FileStatus child : children) {
            String name = child.getPath().getName();
            if (child.isDirectory() && name.startsWith(PARTITION_PREFIX)) {
                values.add(name.substring(PARTITION_PREFIX.length()));
            }
        }
        return values;
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
                LOG.debug("Closing the metastore client failed", e);
            }
            client = null;
        }
    }

    /** Lets a queued attempt finish (up to 20 s), then stops the registration thread. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closeClient();
        }
        if (!pending.isEmpty()) {
            LOG.warn("Stopping with {} partition(s) not registered; they are registered at the next start", pending.size());
        }
    }
}
