package dev.bankinglake.hive;

import dev.bankinglake.contract.HiveDdl;
import dev.bankinglake.contract.TableDefinition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code hive/ddl/<table>.sql} for every lake table from the contract.
 * Run after changing a table of the contract ({@link TableDefinition#all()}): {@code mvn -q -pl hive -am compile exec:java -Dexec.mainClass=dev.bankinglake.hive.DdlFiles}
 * ({@code DdlFilesTest} fails while the files are stale).
 */
public final class DdlFiles {
    private DdlFiles() {
    }

    /** File name to content, one per table. */
    public static Map<String, String> expected() {
        Map<String, String> files = new LinkedHashMap<>();
        for (TableDefinition table : TableDefinition.all()) {
            files.put(table.tableName() + ".sql", HiveDdl.ddlFile(table));
        }
        return files;
    }

    public static void main(String[] args) throws IOException {
        Path folder = Paths.get(args.length > 0 ? args[0] : "hive/ddl");
        if (!Files.isDirectory(folder) && Files.isDirectory(Paths.get("ddl"))) {
            folder = Paths.get("ddl");
        }
        Files.createDirectories(folder);
        for (Map.Entry<String, String> file : expected().entrySet()) {
            Files.writeString(folder.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
    }
}
