package dev.bankinglake.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine and the images every compose test needs. Where no Docker engine answers (the test
 * command's setup, scripts/docker-setup.sh, starts one wherever it can: as root on Debian), the
 * calling test is skipped with a message that says so, never passed. Otherwise the images are
 * built once per test JVM by the command users run, scripts/images.sh build.
 */
final class DockerImages {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);
    private static final List<String> JAVA_IMAGES = List.of("kafka", "hadoop", "metastore", "presto", "streaming", "api");
    private static boolean built;

    private DockerImages() {
    }

    static synchronized void requireBuilt() {
        ComposeProject.Result info = ComposeProject.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), Map.of(),
                Duration.ofSeconds(30), null);
        String reason = "No Docker engine answers 'docker info' (" + ComposeProject.tail(info.output(), 3).strip()
                + "): the compose tests need one and were skipped, nothing was checked; scripts/docker-setup.sh starts one as root on Debian";
        if (!info.ok()) {
            // the build log shows skips as a count only; say why where people look
            System.out.println("SKIPPED " + reason);
        }
        assumeTrue(info.ok(), reason);
        if (built) {
            return;
        }
        System.out.printf("compose-it: docker engine %s, %s%n", info.output().strip(),
                ComposeProject.run(List.of("docker", "compose", "version"), Map.of(), Duration.ofSeconds(30), null).orFail().strip());
        long started = System.nanoTime();
        ComposeProject.Result build = ComposeProject.run(List.of("scripts/images.sh", "build"), Map.of(), BUILD_TIMEOUT, null);
        build.orFail();
        System.out.printf("compose-it: scripts/images.sh build in %.1f s; images:%n%s%n", (System.nanoTime() - started) / 1e9,
                ComposeProject.tail(build.output(), 12));
        assertSharedLayers();
        built = true;
    }

    /** The base and the JRE are stored once: every Java image starts with the same three layers (base, user, JRE). */
    private static void assertSharedLayers() {
        Map<String, List<String>> layers = new LinkedHashMap<>();
        for (String image : JAVA_IMAGES) {
            String reference = "banking-lake/" + image + ":0.1.0";
            layers.put(reference, ComposeProject.run(List.of("docker", "image", "inspect", "-f", "{{range .RootFS.Layers}}{{println .}}{{end}}",
                    reference), Map.of(), Duration.ofSeconds(30), null).orFail().lines().filter(line -> !line.isBlank()).limit(3).toList());
        }
        List<String> first = layers.values().iterator().next();
        assertThat(first).as("the first layers of banking-lake/%s", JAVA_IMAGES.get(0)).hasSize(3);
        assertThat(layers).as("the base and JRE layers of every Java image").allSatisfy(
                (image, imageLayers) -> assertThat(imageLayers).as(image).isEqualTo(first));
    }
}
