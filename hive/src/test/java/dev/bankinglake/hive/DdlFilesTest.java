package dev.bankinglake.hive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The DDL committed in hive/ddl is exactly what the contract generates: the two cannot drift. */
class DdlFilesTest {
    private static final Path DDL_DIR = Paths.get(System.getProperty("lake.ddl.dir", "ddl"));

    @Test
    void committedDdlMatchesTheContract() throws IOException {
        Map<String, String> expected = DdlFiles.expected();
        for (Map.Entry<String, String> file : expected.entrySet()) {
            Path path = DDL_DIR.resolve(file.getKey());
            assertThat(path).as("missing %s; regenerate with DdlFiles", path).exists();
            assertThat(Files.readString(path, StandardCharsets.UTF_8))
                    .as("%s is stale; regenerate with DdlFiles", path)
                    .isEqualTo(file.getValue());
        }
        try (Stream<Path> files = Files.list(DDL_DIR)) {
            assertThat(files.map(path -> path.getFileName().toString()))
                    .as("files in hive/ddl that no table of the contract produces")
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
        }
    }

    @Test
    void everyTableIsExternalParquetPartitionedByDate() {
        DdlFiles.expected().values().forEach(ddl -> assertThat(ddl)
                .contains("CREATE EXTERNAL TABLE IF NOT EXISTS ")
                .contains("PARTITIONED BY (dt string")
                .contains("STORED AS PARQUET")
                .contains("LOCATION '${LAKE_ROOT}/"));
    }
}
