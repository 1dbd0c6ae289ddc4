package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeLockTest {
    private static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");

    @TempDir
    java.nio.file.Path folder;

    private FileSystem fileSystem() throws Exception {
        return FileSystem.getLocal(new Configuration()).getRawFileSystem();
    }

    @Test
    void aSecondInstanceIsRefusedWithTheHolderNamedAndMayStartOnceTheFirstReleased() throws Exception {
        Path root = new Path(folder.toUri());
        LakeLock first = LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("first", "host-a:5050", NOW));
        assertThat(first.stillHeld()).contains(true);

        assertThatThrownBy(() -> LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("second", "host-a:5051", NOW)))
                .isInstanceOf(LakeLock.HeldException.class)
                .hasMessageStartingWith("Lake root " + root + " is in use by instance first (pid " + ProcessHandle.current().pid())
                .hasMessageContaining("HTTP host-a:5050")
                .hasMessageContaining("only one lake service may run on a lake root");

        first.close();
        LakeLock second = LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("second", "host-a:5051", NOW));
        assertThat(second.holder().instanceId()).isEqualTo("second");
        second.close();
    }

    @Test
    void aLockLeftByADeadProcessOnThisHostIsTakenOver() throws Exception {
        Path root = new Path(folder.toUri());
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        LakeLock.Holder gone = new LakeLock.Holder("killed", LakeLock.hostName(), dead.pid(), "1", "host-a:5050", NOW.toString());
        writeLock(root, gone);

        LakeLock lock = LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("next", "host-a:5050", NOW));
        assertThat(lock.holder().instanceId()).isEqualTo("next");
        assertThat(LakeLock.readHolder(fileSystem(), new Path(root, LakeLock.LOCK_FILE))).map(LakeLock.Holder::instanceId).contains("next");
        lock.close();
    }

    @Test
    void aLiveProcessOnThisHostKeepsItsLockButAReusedPidDoesNot() throws Exception {
        Path root = new Path(folder.toUri());
        Process alive = new ProcessBuilder("sleep", "60").start();
        try {
            String start = LakeLock.processStart(alive.pid()).orElseThrow();
            writeLock(root, new LakeLock.Holder("alive", LakeLock.hostName(), alive.pid(), start, "host-a:5050", NOW.toString()));
            assertThatThrownBy(() -> LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("next", "host-a:5050", NOW)))
                    .isInstanceOf(LakeLock.HeldException.class).hasMessageContaining("instance alive");

            // the same pid with another start time is another process: the holder is dead
            writeLock(root, new LakeLock.Holder("reused", LakeLock.hostName(), alive.pid(), start + "0", "host-a:5050", NOW.toString()));
            LakeLock lock = LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("next", "host-a:5050", NOW));
            assertThat(lock.holder().instanceId()).isEqualTo("next");
            lock.close();
        }
        finally {
            alive.destroyForcibly();
        }
    }

    @Test
    void aHolderOnAnotherHostIsTrusted() throws Exception {
        Path root = new Path(folder.toUri());
        writeLock(root, new LakeLock.Holder("remote", "some-other-host", 1, "1", "some-other-host:5050", NOW.toString()));
        assertThatThrownBy(() -> LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("next", "host-a:5050", NOW)))
                .isInstanceOf(LakeLock.HeldException.class).hasMessageContaining("instance remote (pid 1 on some-other-host");
    }

    @Test
    void aTakeOverIsSeenByTheFormerHolder() throws Exception {
        Path root = new Path(folder.toUri());
        LakeLock first = LakeLock.acquire(fileSystem(), root, LakeLock.Holder.current("first", "host-a:5050", NOW));
        writeLock(root, new LakeLock.Holder("usurper", "some-other-host", 1, "1", "x:1", NOW.toString()));
        assertThat(first.stillHeld()).contains(false);
        first.close();
        assertThat(fileSystem().exists(new Path(root, LakeLock.LOCK_FILE))).as("the usurper's lock stays").isTrue();
    }

    private void writeLock(Path root, LakeLock.Holder holder) throws Exception {
        try (OutputStream out = fileSystem().create(new Path(root, LakeLock.LOCK_FILE), true)) {
            out.write(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(holder).getBytes(StandardCharsets.UTF_8));
        }
    }
}
