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
                DockerfileStages dockerfile = DockerfileStages.read(build.get().dockerfile());
                DockerfileStages.Stage first = dockerfile.chain(build.get().target()).get(0);
                for (String image : baseImages(first.from(), dockerfile, build.get())) {
                    if (!isPinned(image)) {
                        unpinned.add(service + ": FROM " + first.from() + " (" + image + ") in " + compose.repo().relativize(build.get().dockerfile()));
                    }
                }
            }
        }
        assertThat(unpinned).as("images without a version tag, or tagged latest").isEmpty();
    }

    /** What a FROM line may resolve to: the image it names, or the defaults of the ARG it names in the Dockerfile and in compose's build args. */
    private static List<String> baseImages(String from, DockerfileStages dockerfile, ComposeFile.Build build) {
        var argument = DockerfileStages.argument(from);
        if (argument.isEmpty()) {
            return List.of(from);
        }
        List<String> images = new ArrayList<>();
        images.add(String.valueOf(dockerfile.globalArgs().get(argument.get())));
        String passed = build.args().get(argument.get());
        if (passed != null) {
            Matcher withDefault = Pattern.compile("^\\$\\{" + argument.get() + ":-(.+)}$").matcher(passed);
            images.add(withDefault.matches() ? withDefault.group(1) : passed);
        }
        return images;
    }

    @Test
    void everyServiceRunsAnImageOfTheProjectBuiltFromTheOneDockerfile() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            String image = compose.image(service).orElse("");
            if (!image.startsWith("banking-lake/")) {
                problems.add(service + ": image '" + image + "' is not one of the project's (banking-lake/...)");
            }
            var build = compose.build(service);
            if (build.isEmpty() || !build.get().dockerfile().equals(compose.repo().resolve("docker/Dockerfile")) || build.get().target().isEmpty()) {
                problems.add(service + ": not built from a stage of docker/Dockerfile");
                continue;
            }
            DockerfileStages stages = DockerfileStages.read(build.get().dockerfile());
            if (stages.stage(build.get().target().get()).isEmpty()) {
                problems.add(service + ": docker/Dockerfile has no stage " + build.get().target().get());
            }
            else if (!stages.chain(build.get().target()).get(0).from().equals("${LAKE_BASE_IMAGE}")) {
                problems.add(service + ": stage " + build.get().target().get() + " does not start from ${LAKE_BASE_IMAGE}");
            }
        }
        assertThat(problems).as("services of %s", ComposeFile.FILE_NAME).isEmpty();
    }

    @Test
    void theBaseImageHasOnePinnedDefault() throws IOException {
        DockerfileStages dockerfile = DockerfileStages.read(compose.repo().resolve("docker/Dockerfile"));
        String base = dockerfile.globalArgs().get("LAKE_BASE_IMAGE");
        assertThat(base).as("ARG LAKE_BASE_IMAGE of docker/Dockerfile").startsWith("debian:").endsWith("-slim").matches(ComposeFileTest::isPinned);
        for (String service : compose.services().keySet()) {
            assertThat(compose.build(service).orElseThrow().args()).as("build args of %s", service)
                    .containsEntry("LAKE_BASE_IMAGE", "${LAKE_BASE_IMAGE:-" + base + "}");
        }
        assertThat(Files.readString(compose.repo().resolve("scripts/images.sh"))).as("scripts/images.sh")
                .contains("DEFAULT_BASE_IMAGE=\"" + base + "\"");
    }

    @Test
    void noDockerfileOrImageScriptNamesAHostToDownloadFrom() throws IOException {
        List<String> problems = new ArrayList<>();
        Pattern address = Pattern.compile("(?i)\\b(https?|ftp)://|\\b[a-z0-9-]+(\\.[a-z0-9-]+)+\\.(org|com|io|net)\\b");
        // (one dot is a package's name, such as Debian's docker.io; a host has more: deb.debian.org, registry-1.docker.io)
        for (String file : List.of("docker/Dockerfile", "docker/Dockerfile.dockerignore", "scripts/images.sh", "scripts/docker-setup.sh")) {
            List<String> lines = Files.readAllLines(compose.repo().resolve(file));
            for (int index = 0; index < lines.size(); index++) {
                if (address.matcher(lines.get(index)).find()) {
                    problems.add(file + ":" + (index + 1) + ": " + lines.get(index).strip());
                }
            }
        }
        assertThat(problems).as("addresses of registries or mirrors: builds take Debian's mirror from the machine and Maven's artifacts from the host").isEmpty();
    }

    @Test
    void imagesBuiltHereRunAsNonRootUser() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String service : compose.services().keySet()) {
            var build = compose.build(service);
            if (build.isEmpty()) {
                continue;
            }
            String last = null;
            for (String instruction : DockerfileStages.read(build.get().dockerfile()).instructions(build.get().target())) {
                Matcher user = USER.matcher(instruction);
                if (user.matches()) {
                    last = user.group(1);
                }
            }
            if (last == null || last.equals("root") || last.equals("0") || last.startsWith("0:")) {
                problems.add(service + ": stage " + build.get().target().orElse("(last)") + " of " + compose.repo().relativize(build.get().dockerfile())
                        + " runs as " + (last == null ? "root (no USER)" : last));
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
    void theStreamingHealthcheckAsksTheLakeServiceNotItsLog() throws IOException {
        Object test = compose.healthcheck("streaming").get("test");
        assertThat(test).as("healthcheck of streaming").asList().map(String::valueOf)
                .contains("curl", "http://127.0.0.1:5050/health")
                .noneMatch(part -> part.contains("grep") || part.contains(".log"));
        ComposeFile.Build build = compose.build("streaming").orElseThrow();
        assertThat(DockerfileStages.read(build.dockerfile()).instructions(build.target())).as("the streaming image installs curl for its healthcheck")
                .anyMatch(instruction -> instruction.matches("(?s)RUN .*apt-get install [^&]*\\bcurl\\b.*"));
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

    @Test
    void everyFileTheDockerfileCopiesIsLetThroughByItsIgnoreFile() throws IOException {
        Path dockerfile = compose.repo().resolve("docker/Dockerfile");
        List<String> allowed = Files.readAllLines(dockerfile.resolveSibling("Dockerfile.dockerignore")).stream().map(String::strip)
                .filter(line -> line.startsWith("!")).map(line -> line.substring(1)).toList();
        List<String> blocked = new ArrayList<>();
        for (DockerfileStages.Stage stage : DockerfileStages.read(dockerfile).stages()) {
            for (String instruction : stage.instructions()) {
                List<String> words = List.of(instruction.split("\\s+"));
                if (!words.get(0).equalsIgnoreCase("COPY") || words.stream().anyMatch(word -> word.startsWith("--from"))) {
                    continue;
                }
                for (String source : words.subList(1, words.size() - 1)) {
                    boolean through = allowed.stream().anyMatch(entry -> entry.equals(source) || entry.endsWith("/") && source.startsWith(entry));
                    if (!through) {
                        blocked.add(stage.name() + ": COPY " + source);
                    }
                }
            }
        }
        assertThat(blocked).as("sources that docker/Dockerfile.dockerignore keeps out of the build context").isEmpty();
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
