package dev.bankinglake.stack.metastore;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.HiveMetaStore;
import org.apache.hadoop.hive.metastore.IHMSHandler;
import org.apache.hadoop.hive.metastore.RetryingHMSHandler;
import org.apache.hadoop.hive.metastore.TSetIpAddressProcessor;
import org.apache.hadoop.hive.metastore.conf.MetastoreConf;
import org.apache.hadoop.hive.metastore.conf.MetastoreConf.ConfVars;
import org.apache.thrift.protocol.TBinaryProtocol;
import org.apache.thrift.protocol.TProtocol;
import org.apache.thrift.server.ServerContext;
import org.apache.thrift.server.TServer;
import org.apache.thrift.server.TServerEventHandler;
import org.apache.thrift.server.TThreadPoolServer;
import org.apache.thrift.transport.TServerSocket;
import org.apache.thrift.transport.TTransport;
import org.apache.thrift.transport.TTransportFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Hive 3.1 Metastore's Thrift server, bound to one address.
 *
 * <p>{@code HiveMetaStore.main} of Hive 3.1 always listens on every interface
 * ({@code SecurityUtils.getServerSocket(null, port)}); Hive 4 reads {@code metastore.thrift.bind.host}.
 * This launcher reads that same property (default 127.0.0.1) and otherwise starts the server as
 * {@code HiveMetaStore.startMetaStore} does for the plain (no SASL, no SSL, unframed) transport
 * the stack uses: the same handler, processor, protocol, thread bounds and per-connection clean-up.
 * The handler still starts the tasks of {@code metastore.task.threads.always}; the ACID
 * housekeeping startMetaStore adds for a remote metastore is left out (the lake has no
 * transactional tables).
 *
 * <p>Usage: {@code BoundMetastore -p PORT}; every other setting comes from metastore-site.xml.
 */
public final class BoundMetastore {

  /** Hive 4's name for the same setting, so that the file reads the same after an upgrade. */
  public static final String BIND_HOST = "metastore.thrift.bind.host";

  private static final Logger LOG = LoggerFactory.getLogger(BoundMetastore.class);

  private BoundMetastore() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = MetastoreConf.newMetastoreConf();
    int port = port(args, MetastoreConf.getIntVar(conf, ConfVars.SERVER_PORT));
    String host = conf.getTrimmed(BIND_HOST, "127.0.0.1");
    if (MetastoreConf.getBoolVar(conf, ConfVars.USE_THRIFT_SASL)
        || MetastoreConf.getBoolVar(conf, ConfVars.USE_SSL)
        || MetastoreConf.getBoolVar(conf, ConfVars.USE_THRIFT_FRAMED_TRANSPORT)
        || MetastoreConf.getBoolVar(conf, ConfVars.USE_THRIFT_COMPACT_PROTOCOL)) {
      throw new IllegalArgumentException("this launcher serves the plain binary transport only: "
          + "SASL, SSL, framed transport and the compact protocol need HiveMetaStore's own main");
    }
    markRemote();
    Method cleanup = rawStoreCleanup();

    IHMSHandler handler = RetryingHMSHandler.getProxy(conf,
        new HiveMetaStore.HMSHandler("new db based metaserver", conf, false), false);
    long maxMessageSize = MetastoreConf.getLongVar(conf, ConfVars.SERVER_MAX_MESSAGE_SIZE);
    TBinaryProtocol.Factory protocol = new TBinaryProtocol.Factory();
    TBinaryProtocol.Factory inputProtocol = new TBinaryProtocol.Factory(true, true, maxMessageSize, maxMessageSize);
    TServerSocket socket = new TServerSocket(new InetSocketAddress(host, port));
    TThreadPoolServer.Args serverArgs = new TThreadPoolServer.Args(socket)
        .processor(new TSetIpAddressProcessor<>(handler))
        .transportFactory(new TTransportFactory())
        .protocolFactory(protocol)
        .inputProtocolFactory(inputProtocol)
        .minWorkerThreads(MetastoreConf.getIntVar(conf, ConfVars.SERVER_MIN_THREADS))
        .maxWorkerThreads(MetastoreConf.getIntVar(conf, ConfVars.SERVER_MAX_THREADS));
    TServer server = new TThreadPoolServer(serverArgs);
    server.setServerEventHandler(new RawStoreCleanup(cleanup));
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "metastore-stop"));
    LOG.info("Hive Metastore listening on {}:{}", host, port);
    server.serve();
  }

  static int port(String[] args, int fallback) {
    for (int i = 0; i < args.length; i++) {
      if ("-p".equals(args[i]) && i + 1 < args.length) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  /** What startMetaStore sets first: some of the handler's tasks run only in a remote metastore. */
  private static void markRemote() throws ReflectiveOperationException {
    Field remote = HiveMetaStore.class.getDeclaredField("isMetaStoreRemote");
    remote.setAccessible(true);
    remote.setBoolean(null, true);
  }

  /** HiveMetaStore's own clean-up of a connection's RawStore, found before the server starts. */
  private static Method rawStoreCleanup() throws ReflectiveOperationException {
    Method cleanup = HiveMetaStore.class.getDeclaredMethod("cleanupRawStore");
    cleanup.setAccessible(true);
    return cleanup;
  }

  /** Shuts a connection's RawStore when the client goes, as HiveMetaStore's event handler does. */
  private static final class RawStoreCleanup implements TServerEventHandler {
    private final Method cleanup;

    RawStoreCleanup(Method cleanup) {
      this.cleanup = cleanup;
    }

    @Override
    public void preServe() {}

    @Override
    public ServerContext createContext(TProtocol input, TProtocol output) {
      return null;
    }

    @Override
    public void deleteContext(ServerContext context, TProtocol input, TProtocol output) {
      try {
        cleanup.invoke(null);
      } catch (ReflectiveOperationException e) {
        LOG.warn("Could not clean up a closed connection's RawStore", e);
      }
    }

    @Override
    public void processContext(ServerContext context, TTransport input, TTransport output) {}
  }
}
