package dev.bankinglake.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRouterTest {
    @TempDir
    Path folder;

    @Test
    void theBundledRouterNamesTheLakesJobsAndTheirClassesExist() throws Exception {
        JobRouter router = JobRouter.load(Optional.empty());
        assertThat(router.routes()).containsOnlyKeys("audit", "compact", "replay-rejected");
        for (JobRoute route : router.routes().values()) {
            assertThat(LakeJob.class.isAssignableFrom(Class.forName(route.className()))).as(route.className()).isTrue();
        }
        assertThat(router.route("audit").resolve(Map.of())).containsEntry("max_ids", "100");
    }

    @Test
    void refusesAnUnknownJobOrParameterNamingIt() throws Exception {
        JobRouter router = JobRouter.load(Optional.empty());
        assertThatThrownBy(() -> router.route("vacuum")).isInstanceOf(JobRequestException.class)
                .hasMessage("Unknown job 'vacuum' (known: audit, compact, replay-rejected)");
        assertThatThrownBy(() -> router.route("audit").resolve(Map.of("limit", "3"))).isInstanceOf(JobRequestException.class)
                .hasMessage("Unknown parameter 'limit' for job 'audit' (allowed: max_ids)");
    }

    @Test
    void aChangedFileIsReadAgainWithoutARestartAndABrokenOneKeepsTheLastGoodRoutes() throws Exception {
        Path file = folder.resolve("jobs.json");
        Files.writeString(file, "{\"jobs\": [{\"name\": \"audit\", \"class\": \"dev.bankinglake.jobs.audit.AuditJob\", \"parameters\": [\"max_ids\"]}]}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-21T08:00:00Z")));
        JobRouter router = JobRouter.load(Optional.of(file));
        assertThat(router.routes()).containsOnlyKeys("audit");

        Files.writeString(file, "{\"jobs\": [{\"name\": \"audit\", \"class\": \"dev.bankinglake.jobs.audit.AuditJob\", "
                + "\"defaults\": {\"max_ids\": \"7\"}, \"parameters\": [\"max_ids\"]}, "
                + "{\"name\": \"replay-rejected\", \"class\": \"dev.bankinglake.jobs.replay.ReplayRejectedJob\", \"parameters\": []}]}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-21T08:01:00Z")));
        assertThat(router.routes()).containsOnlyKeys("audit", "replay-rejected");
        assertThat(router.route("audit").resolve(Map.of())).containsEntry("max_ids", "7");

        Files.writeString(file, "{\"jobs\": [");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-21T08:02:00Z")));
        assertThat(router.routes()).containsOnlyKeys("audit", "replay-rejected");
    }

    @Test
    void anInvalidRouterIsRefusedWithEveryProblem() {
        assertThatThrownBy(() -> JobRouter.parse("{\"jobs\": [{\"name\": \"Audit\", \"class\": \"x\"}, "
                + "{\"name\": \"a\", \"class\": \"x\", \"defaults\": {\"b\": \"1\"}, \"parameters\": []}]}"))
                .hasMessageStartingWith("Invalid job router: entry ")
                .hasMessageContaining("needs a lower-case 'name' and a 'class'")
                .hasMessageContaining("Job 'a': default for 'b', which is not one of its parameters []");
    }
}
