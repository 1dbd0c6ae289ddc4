package dev.bankinglake.stack.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Static checks of docker-compose.yml and the Dockerfiles it builds; needs no Docker. */
class ComposeFileTest {
    private static final Pattern FROM = Pattern.compile("(?im)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern USER = Pattern.compile("(?im)^USER\\s+(\\S+)\\s*$");
    private static final Pattern RESTART_POLICY = Pattern.compile("always|unless-stopped|on-failure(:[1-9]\\d*)?");

    private final ComposeFile compose = ComposeFile.load();

    @Test
    void definesTheWholeFlow() {
        assertThat(compose.services().keySet())
                .as("services of %s", ComposeFile.FILE_NAME)
                .containsExactlyInAnyOrder("kafka", "namenode", "datanode", "postgres", "metastore", "presto", "mosquitto", "streaming", "api", "tools");
    }

    @Test
    void everyBuildContextDockerfileAndBindMountExistsInTheRepository() {
        List<String> missing = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            compose.build(service).ifPresent(build -> {
                if (!Files.isDirectory(build.context())) {
                    missing.add(service + ": build context " + build.context());
                }
                if (!Files.isRegularFile(build.dockerfile())) {
                    missing.add(service + ": Dockerfile " + build.dockerfile());
                }
            });
            for (ComposeFile.Mount mount : compose.mounts(service)) {
                if (mount.bind() && !Files.exists(compose.repo().resolve(mount.source()).normalize())) {
                    missing.add(service + ": bind mount source " + mount.source() + " (-> " + mount.target() + ")");
                }
            }
        }
        assertThat(missing).as("paths that docker-compose.yml builds from or mounts, but that do not exist").isEmpty();
    }

    @Test
    void bindMountsAreReadOnlyAndRelativeToTheRepository() {
        List<String> problems = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            for (ComposeFile.Mount mount : compose.mounts(service)) {
                if (mount.bind() && (!mount.source().startsWith("./") || !mount.readOnly())) {
                    problems.add(service + ": " + mount.source() + " -> " + mount.target() + (mount.readOnly() ? "" : " (not :ro)"));
                }
            }
        }
        assertThat(problems).as("bind mounts must be ./relative and read-only: the containers never write into the repository").isEmpty();
    }

    @Test
    void namedVolumesAreDeclaredAndHoldTheData() {
        Set<String> used = new HashSet<>();
        for (String service : compose.services().keySet()) {
            compose.mounts(service).stream().filter(mount -> !mount.bind()).forEach(mount -> used.add(mount.source()));
        }
        assertThat(compose.namedVolumes().keySet()).as("top-level volumes").containsExactlyInAnyOrderElementsOf(used);
        assertThat(used).as("named volumes for the data of Kafka, HDFS and PostgreSQL")
                .containsExactlyInAnyOrder("kafka-data", "hdfs-name", "hdfs-data", "postgres-data");
    }

    @Test
    void everyImageIsPinnedToAVersion() throws IOException {
        List<String> unpinned = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            compose.image(service).filter(image -> !isPinned(image)).ifPresent(image -> unpinned.add(service + ": image " + image));
            if (compose.image(service).isEmpty() && compose.build(service).isEmpty()) {
                unpinned.add(service + ": neither image nor build");
            }
            var build = compose.build(service);
            if (build.isPresent() && Files.isRegularFile(build.get().dockerfile())) {
                Set<String> stages = new HashSet<>();
                Matcher from = FROM.matcher(Files.readString(build.get().dockerfile()));
                while (from.find()) {
                    String image = from.group(1);
                    if (!stages.contains(image) && !isPinned(image)) {
                        unpinned.add(service + ": FROM " + image + " in " + compose.repo().relativize(build.get().dockerfile()));
                    }
                    if (from.group(2) != null) {
                        stages.add(from.group(2));
                    }
                }
            }
        }
        assertThat(unpinned).as("images without a version tag, or tagged latest").isEmpty();
    }

    @Test
    void imagesBuiltHereRunAsNonRootUser() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            var build = compose.build(service);
            if (build.isEmpty()) {
                continue;
            }
            String dockerfile = Files.readString(build.get().dockerfile());
            String finalStage = dockerfile.substring(lastFrom(dockerfile));
            Matcher user = USER.matcher(finalStage);
            String last = null;
            while (user.find()) {
                last = user.group(1);
            }
            if (last == null || last.equals("root") || last.equals("0") || last.startsWith("0:")) {
                problems.add(service + ": final stage of " + compose.repo().relativize(build.get().dockerfile()) + " runs as " + (last == null ? "root (no USER)" : last));
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyServiceHasAHealthcheck() {
        List<String> without = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            Map<String, Object> healthcheck = compose.healthcheck(service);
            Object test = healthcheck.get("test");
            boolean disabled = Boolean.TRUE.equals(healthcheck.get("disable"))
                    || (test instanceof List<?> list && (list.isEmpty() || "NONE".equals(list.get(0))));
            if (test == null || disabled) {
                without.add(service);
            }
        }
        assertThat(without).as("services without an enabled healthcheck").isEmpty();
    }

    @Test
    void dependenciesWaitUntilHealthy() {
        List<String> problems = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            Object dependsOn = compose.dependsOn(service);
            if (dependsOn == null) {
                continue;
            }
            if (!(dependsOn instanceof Map<?, ?> map)) {
                problems.add(service + ": depends_on is a list, so nothing waits for health: " + dependsOn);
                continue;
            }
            map.forEach((dependency, options) -> {
                Object condition = options instanceof Map<?, ?> settings ? settings.get("condition") : null;
                if (!"service_healthy".equals(condition)) {
                    problems.add(service + " -> " + dependency + ": condition " + condition);
                }
                if (!compose.services().containsKey(String.valueOf(dependency))) {
                    problems.add(service + " -> " + dependency + ": no such service");
                }
            });
        }
        assertThat(problems).as("depends_on entries that do not wait for condition: service_healthy").isEmpty();
        assertThat(compose.dependsOn("streaming")).as("the streaming job waits for Kafka, HDFS and the metastore")
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("kafka", "datanode", "metastore");
    }

    @Test
    void onlyTheApiPrestoAndTheLakeServiceArePublished() {
        List<String> published = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            for (ComposeFile.PublishedPort port : compose.ports(service)) {
                published.add(service + " " + port.hostIp() + ":" + port.hostPort() + "->" + port.containerPort());
            }
        }
        assertThat(published).as("published ports").containsExactlyInAnyOrder(
                "api 127.0.0.1:5000->5000",
                "presto 127.0.0.1:8080->8080",
                "streaming 127.0.0.1:5050->5050");
    }

    @Test
    void everyLongRunningServiceIsRestartedWhenItDies() {
        // every service of the file runs until stopped; a one-shot task would be listed here
        Set<String> oneShot = Set.of();
        List<String> without = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            Object restart = compose.service(service).get("restart");
            boolean restarts = restart != null && RESTART_POLICY.matcher(String.valueOf(restart)).matches();
            if (!oneShot.contains(service) && !restarts) {
                without.add(service + ": restart " + restart);
            }
        }
        assertThat(without).as("long-running services without a restart policy (always, unless-stopped, on-failure[:N])").isEmpty();
    }

    @Test
    void theStreamingHealthcheckAsksTheLakeServiceNotItsLog() {
        Object test = compose.healthcheck("streaming").get("test");
        assertThat(test).as("healthcheck of streaming").asList().map(String::valueOf)
                .contains("curl", "http://127.0.0.1:5050/health")
                .noneMatch(part -> part.contains("grep") || part.contains(".log"));
        assertThat(compose.build("streaming").orElseThrow().dockerfile()).as("the streaming image installs curl for its healthcheck")
                .content().containsPattern("apt-get install [^\\n]*\\bcurl\\b");
    }

    @Test
    void perDockerfileIgnoreFilesExistForRepositoryRootContexts() {
        List<String> missing = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            compose.build(service).filter(build -> build.context().equals(compose.repo())).ifPresent(build -> {
                Path ignore = build.dockerfile().resolveSibling(build.dockerfile().getFileName() + ".dockerignore");
                if (!Files.isRegularFile(ignore)) {
                    missing.add(service + ": " + compose.repo().relativize(ignore));
                }
            });
        }
        assertThat(missing).as("builds from the repository root without a <Dockerfile>.dockerignore would send target/ and .lake/ to Docker").isEmpty();
    }

    /** name:tag or name@digest, where the tag is not "latest" and the part after the last '/' carries it. */
    static boolean isPinned(String image) {
        if (image.contains("@sha256:")) {
            return true;
        }
        String lastSegment = image.substring(image.lastIndexOf('/') + 1);
        int colon = lastSegment.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String tag = lastSegment.substring(colon + 1);
        return !tag.isBlank() && !tag.equals("latest") && !tag.contains("$");
    }

    private static int lastFrom(String dockerfile) {
        Matcher from = FROM.matcher(dockerfile);
        int start = 0;
        while (from.find()) {
            start = from.start();
        }
        return start;
    }

    @Test
    void pinnedImageRecognition() {
        assertThat(isPinned("apache/kafka:3.9.1")).isTrue();
        assertThat(isPinned("localhost:5000/lake/api:0.1.0")).isTrue();
        assertThat(isPinned("postgres@sha256:0123")).isTrue();
        assertThat(isPinned("postgres")).isFalse();
        assertThat(isPinned("postgres:latest")).isFalse();
        assertThat(isPinned("localhost:5000/lake/api")).isFalse();
    }
}
