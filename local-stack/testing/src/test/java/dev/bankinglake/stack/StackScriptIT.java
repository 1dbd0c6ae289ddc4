package dev.bankinglake.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * scripts/stack.sh trusts a pid file only while its process is still the one it started: a
 * killed service is started again at once, and a pid that now belongs to another program or to
 * a zombie counts as down and is never signalled.
 */
@ExtendWith(LocalStackExtension.class)
@RequiresServices(Service.KAFKA)
class StackScriptIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void startRightAfterKillNineReallyStartsTheService(LocalStack stack) {
        long killed = stack.pid("kafka").orElseThrow();
        ProcessHandle.of(killed).orElseThrow().destroyForcibly();

        List<String> output = stack.script("start", "kafka");

        long restarted = stack.pid("kafka").orElseThrow();
        assertThat(restarted).as("pid of kafka after start").isNotEqualTo(killed);
        assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive)).contains(true);
        assertThat(output).anyMatch(line -> line.contains("kafka: started (pid " + restarted));
        assertThat(stack.script("status", "kafka")).anyMatch(line -> line.matches("kafka +kafka +" + restarted + " .*up, answering"));
    }

    @Test
    void aPidFileNamingAnotherProgramIsDownAndThatProgramIsLeftAlone(LocalStack stack) throws Exception {
        Process stranger = new ProcessBuilder("sleep", "120").start();
        try {
            writePidFile(stack, "api", stranger.pid());

            assertThatThrownBy(() -> stack.script("status", "api"))
                    .as("status exits non-zero when a service is down")
                    .hasMessageContaining("down (pid " + stranger.pid() + " of its pid file is another program now)");
            stack.script("stop", "api");

            assertThat(stranger.isAlive()).as("the program whose pid was in pids/api.pid, after stop api").isTrue();
            assertThat(stack.pid("api")).isEmpty();
        }
        finally {
            stranger.destroyForcibly();
        }
    }

    @Test
    void aZombieCountsAsDead(LocalStack stack) throws Exception {
        // a parent that never reaps its exited child: a zombie for 2 minutes. SIGCHLD is set to its
        // default explicitly, since an ignored SIGCHLD (inherited from whatever started this JVM) makes
        // the kernel reap children at once; perl is one of scripts/setup.sh's commands.
        Process parent = new ProcessBuilder("perl", "-e",
                "$SIG{CHLD} = 'DEFAULT'; $| = 1; my $child = fork(); exit 1 unless defined $child; exit 0 if $child == 0; print \"$child\\n\"; sleep 120")
                .start();
        try {
            long zombie;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
                zombie = Long.parseLong(out.readLine().trim());
            }
            await("process " + zombie + " to be a zombie").atMost(DEADLINE).until(() -> state(zombie).startsWith("Z"));
            writePidFile(stack, "api", zombie);

            assertThatThrownBy(() -> stack.script("status", "api"))
                    .hasMessageContaining("down (pid " + zombie + " is a zombie: it died and is not reaped yet)");
            stack.script("stop", "api");
            assertThat(stack.pid("api")).isEmpty();
        }
        finally {
            parent.destroyForcibly();
        }
    }

    @Test
    void exposesTheLakeServiceAddressAndPidFiles(LocalStack stack) {
        int base = Integer.parseInt(System.getProperty("lake.test.portBase", "19000"));
        assertThat(stack.lakeServicePort()).isEqualTo(base + 55);
        assertThat(stack.lakeServiceUrl()).isEqualTo("http://127.0.0.1:" + (base + 55));
        assertThat(stack.environment()).containsEntry("LAKE_SERVICE_PORT", Integer.toString(base + 55));
        assertThat(stack.pid("kafka")).isPresent();
        assertThat(stack.pid("streaming-watchdog")).as("no lake service in this module").isEqualTo(OptionalLong.empty());
    }

    private static void writePidFile(LocalStack stack, String process, long pid) throws Exception {
        Path file = stack.stateDir().resolve("pids").resolve(process + ".pid");
        Files.createDirectories(file.getParent());
        Files.writeString(file, pid + "\n");
    }

    private static String state(long pid) throws Exception {
        Process ps = new ProcessBuilder("ps", "-o", "stat=", "-p", Long.toString(pid)).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        ps.waitFor();
        return out;
    }
}
