package dev.bankinglake.compose;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root folder: the nearest folder above the working one that holds docker-compose.yml. */
final class Repository {
    private Repository() {
    }

    static Path root() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null) {
            if (Files.isRegularFile(folder.resolve("docker-compose.yml")) && Files.isRegularFile(folder.resolve("pipeline.sh"))) {
                return folder;
            }
            folder = folder.getParent();
        }
        throw new IllegalStateException("no folder above " + Path.of("").toAbsolutePath() + " holds docker-compose.yml and pipeline.sh");
    }
}
