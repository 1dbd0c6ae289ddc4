package dev.bankinglake.metastore;

import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.metastore.HiveMetaStoreClient;
import org.apache.hadoop.hive.metastore.IMetaStoreClient;

/**
 * The one way the service opens a Hive Metastore client, with one retry policy: up to three
 * connection attempts a second apart, one retry of a failed call, 20 s for an answer. Callers
 * that fail (the metastore away) give up for now and try again at their next turn (the next
 * batch's registration, the next compaction run), so the client never waits longer than that.
 */
public final class MetastoreClients {
    private MetastoreClients() {
    }

    public static IMetaStoreClient open(String metastoreUri) throws Exception {
        HiveConf conf = new HiveConf();
        conf.set("hive.metastore.uris", metastoreUri);
        conf.set("hive.metastore.connect.retries", "3");
        conf.set("hive.metastore.failure.retries", "1");
        conf.set("hive.metastore.client.connect.retry.delay", "1s");
        conf.set("hive.metastore.client.socket.timeout", "20s");
        return new HiveMetaStoreClient(conf);
    }
}
