package dev.bankinglake.service;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Optional;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException;
import org.apache.hadoop.ipc.RemoteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fencing: one lake service per lake root. The lock is a file ({@code <lake root>/_service.lock})
 * created exclusively and held open by the running service, so on HDFS the NameNode's lease on it
 * belongs to that service's client. A second instance finds the file and refuses to start, naming
 * the holder. A lock left by a killed instance is taken over without a manual step when the holder
 * is known dead: its file was closed (its lease recovered), or it ran on this host and its process
 * is gone (a zombie or a reused pid counts as gone). A holder on another host is trusted until
 * HDFS recovers its lease.
 */
public final class LakeLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LakeLock.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String LOCK_FILE = "_service.lock";

    /** Who holds the lock: enough to tell whether it is still alive, and to name it. */
    public record Holder(String instanceId, String host, long pid, String processStart, String httpAddress, String since) {
        public Holder {
            requireNonNull(instanceId, "instanceId is null");
            requireNonNull(host, "host is null");
            requireNonNull(processStart, "processStart is null");
            requireNonNull(httpAddress, "httpAddress is null");
            requireNonNull(since, "since is null");
        }

        /** This JVM, serving HTTP at {@code httpAddress}. */
        public static Holder current(String instanceId, String httpAddress, Instant now) {
            long pid = ProcessHandle.current().pid();
            return new Holder(instanceId, hostName(), pid, LakeLock.processStart(pid).orElse("?"), httpAddress, now.toString());
        }

        public String describe() {
            return "instance " + instanceId + " (pid " + pid + " on " + host + ", HTTP " + httpAddress + ", since " + since + ")";
        }
    }

    /** Another live instance holds the lock. */
    public static final class HeldException extends IOException {
        private static final long serialVersionUID = 1L;

        public HeldException(String message) {
            super(message);
        }
    }

    private final FileSystem fileSystem;
    private final Path file;
    private final Holder holder;
    private FSDataOutputStream stream;

    private LakeLock(FileSystem fileSystem, Path file, Holder holder, FSDataOutputStream stream) {
        this.fileSystem = fileSystem;
        this.file = file;
        this.holder = holder;
        this.stream = stream;
    }

    /** Takes the lock of {@code lakeRoot}, or throws {@link HeldException} naming the live holder. */
    public static LakeLock acquire(FileSystem fileSystem, Path lakeRoot, Holder me) throws IOException {
        requireNonNull(fileSystem, "fileSystem is null");
        requireNonNull(me, "me is null");
        if (fileSystem instanceof ChecksumFileSystem checksummed) {
            // a checksummed local file cannot be read back while it is open for writing
            fileSystem = checksummed.getRawFileSystem();
        }
        Path file = new Path(requireNonNull(lakeRoot, "lakeRoot is null"), LOCK_FILE);
        fileSystem.mkdirs(lakeRoot);
        Optional<FSDataOutputStream> created = createExclusively(fileSystem, file, me);
        if (created.isPresent()) {
            return new LakeLock(fileSystem, file, me, created.get());
        }
        Optional<Holder> previous = readHolder(fileSystem, file);
        String named = previous.map(Holder::describe).orElse("an unknown instance (unreadable lock file)");
        if (!isStale(fileSystem, file, previous)) {
            throw new HeldException("Lake root " + lakeRoot + " is in use by " + named
                    + ": only one lake service may run on a lake root (lock file " + file + ")");
        }
        LOG.warn("Taking over the lock of {} from {}, which is no longer running", lakeRoot, named);
        // deleting the file also ends the dead client's lease on it, at once; a lease recovery
        // (recoverLease) would instead refuse new files at this path until the block is recovered
        fileSystem.delete(file, false);
        created = createExclusively(fileSystem, file, me);
        if (created.isEmpty()) {
            throw new HeldException("Lake root " + lakeRoot + " was taken over by " + readHolder(fileSystem, file).map(Holder::describe).orElse("another instance")
                    + " at the same moment (lock file " + file + ")");
        }
        return new LakeLock(fileSystem, file, me, created.get());
    }

    public Holder holder() {
        return holder;
    }

    /**
     * Whether the lock file still names this instance. Empty when HDFS cannot tell right now (an
     * outage is not a lost lock); false only on evidence that another instance took it over.
     */
    public Optional<Boolean> stillHeld() {
        try {
            Optional<Holder> current = readHolder(fileSystem, file);
            if (current.isEmpty()) {
                return fileSystem.exists(file) ? Optional.empty() : Optional.of(false);
            }
            return Optional.of(current.get().instanceId().equals(holder.instanceId()));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Releases the lock: closes the file and deletes it, if it is still ours. */
    @Override
    public synchronized void close() {
        if (stream == null) {
            return;
        }
        try {
            stream.close();
        }
        catch (IOException e) {
            LOG.debug("Closing the lock file failed", e);
        }
        stream = null;
        try {
            if (stillHeld().orElse(false)) {
                fileSystem.delete(file, false);
            }
        }
        catch (IOException e) {
            LOG.warn("Could not delete the lock file {}; the next start takes it over", file, e);
        }
    }

    private static Optional<FSDataOutputStream> createExclusively(FileSystem fileSystem, Path file, Holder me) throws IOException {
        FSDataOutputStream stream;
        try {
            stream = fileSystem.create(file, false);
        }
        catch (FileAlreadyExistsException e) {
            return Optional.empty();
        }
        catch (RemoteException e) {
            // the NameNode refuses a file that exists, or that another client holds open (leased)
            if (e.getClassName().equals(FileAlreadyExistsException.class.getName())
                    || e.getClassName().equals(AlreadyBeingCreatedException.class.getName())) {
                return Optional.empty();
            }
            throw e;
        }
        stream.write(JSON.writeValueAsBytes(me));
        stream.write('\n');
        // visible to readers while the file stays open (and so leased) for as long as the service runs
        stream.hflush();
        return Optional.of(stream);
    }

    static Optional<Holder> readHolder(FileSystem fileSystem, Path file) throws IOException {
        try (InputStream in = fileSystem.open(file)) {
            String content = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (content.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(JSON.readValue(content.lines().findFirst().orElse(content), Holder.class));
        }
        catch (FileNotFoundException e) {
            return Optional.empty();
        }
        catch (com.fasterxml.jackson.core.JacksonException e) {
            return Optional.empty();
        }
    }

    private static boolean isStale(FileSystem fileSystem, Path file, Optional<Holder> previous) throws IOException {
        if (fileSystem instanceof DistributedFileSystem hdfs && hdfs.isFileClosed(file)) {
            // a running holder keeps the file open; a closed one was left by a dead holder whose lease ended
            return true;
        }
        if (previous.isEmpty()) {
            return false;
        }
        Holder holder = previous.get();
        if (!holder.host().equals(hostName())) {
            return false;
        }
        return !processAlive(holder.pid(), holder.processStart());
    }

    /**
     * Alive: the pid exists, is not a zombie, and started when the holder did (a restarted
     * container, or a busy host, reuses pids: the same pid with another start time is another process).
     */
    static boolean processAlive(long pid, String processStart) {
        java.nio.file.Path stat = Paths.get("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(Paths.get("/proc/self/stat"))) {
            try {
                String[] fields = statFields(Files.readString(stat));
                return !fields[0].equals("Z") && (processStart.equals("?") || fields[19].equals(processStart));
            }
            catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), stable for its life. */
    static Optional<String> processStart(long pid) {
        try {
            return Optional.of(statFields(Files.readString(Paths.get("/proc", Long.toString(pid), "stat")))[19]);
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The fields after the command name, which may hold spaces and parentheses: state first. */
    private static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (IOException e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
        }
    }
}
