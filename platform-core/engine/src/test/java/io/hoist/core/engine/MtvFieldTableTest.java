package io.hoist.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The "no silent field" table of the engine README against MTV's Plan CRD: every field of {@code spec} and
 * {@code spec.vms[]} has a row that says what Hoist does with it, and every test a row names exists.
 */
class MtvFieldTableTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(spec\\.[^`]+)` \\|([^|]*)\\|([^|]*)\\|([^|]*)\\|\\s*$");

    static Path repoRoot() {
        String shared = System.getProperty("hoist.shared.dir");
        assertThat(shared).as("system property hoist.shared.dir (set by the parent pom)").isNotBlank();
        // <repo>/../shared: the repository is the shared folder's sibling this build runs from
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.exists(here.resolve("platform-core").resolve("engine").resolve("README.md"))) {
            here = here.getParent();
        }
        assertThat(here).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
        return here;
    }

    static Map<String, String[]> table() throws IOException {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(repoRoot().resolve("platform-core/engine/README.md"))) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.put(m.group(1), new String[] {m.group(2).trim(), m.group(3).trim(), m.group(4).trim()});
            }
        }
        return rows;
    }

    static Set<String> crdFields() throws IOException {
        Path crd = Path.of(System.getProperty("hoist.shared.dir"), "schemas", "forklift", "forklift.konveyor.io_plans.yaml");
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(crd.toFile());
        Set<String> out = new TreeSet<>();
        for (JsonNode version : doc.path("spec").path("versions")) {
            JsonNode spec = version.path("schema").path("openAPIV3Schema").path("properties").path("spec").path("properties");
            spec.fieldNames().forEachRemaining(f -> out.add("spec." + f));
            Iterator<String> vm = spec.path("vms").path("items").path("properties").fieldNames();
            vm.forEachRemaining(f -> out.add("spec.vms[]." + f));
        }
        return out;
    }

    @Test
    void everyPlanFieldOfTheCrdIsInTheTable() throws IOException {
        Set<String> fields = crdFields();
        assertThat(fields).as("fields read from the CRD").contains("spec.targetAffinity", "spec.vms[].rootDisk").hasSizeGreaterThan(50);
        Map<String, String[]> rows = table();
        List<String> missing = fields.stream().filter(f -> !rows.containsKey(f)).toList();
        assertThat(missing).as("Plan fields of MTV's CRD missing from the table in platform-core/engine/README.md").isEmpty();
        List<String> unknown = rows.keySet().stream().filter(f -> !fields.contains(f)).toList();
        assertThat(unknown).as("rows for fields the CRD does not have").isEmpty();
    }

    @Test
    void everyRowSaysWhatHoistDoesAndNamesTestsThatExist() throws IOException {
        Set<String> testClasses = new TreeSet<>();
        Files.walkFileTree(repoRoot(), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                return Set.of("node_modules", "target", ".git").contains(name) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (file.toString().contains("/src/test/java/") && file.toString().endsWith(".java")) {
                    testClasses.add(file.getFileName().toString().replace(".java", ""));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        List<String> problems = new ArrayList<>();
        table().forEach((field, cells) -> {
            String hoist = cells[1];
            if (!(hoist.startsWith("acted on") || hoist.startsWith("condition") || hoist.startsWith("cold and warm acted on")
                    || hoist.startsWith("kept as written") || hoist.startsWith("nothing to skip"))) {
                problems.add(field + ": the Hoist column must say acted on or condition, not '" + hoist + "'");
            }
            if (hoist.startsWith("condition") && !hoist.matches(".*(Critical|Warn).*")) {
                problems.add(field + ": a condition names its category");
            }
            for (String test : cells[2].split(",")) {
                if (!testClasses.contains(test.trim())) {
                    problems.add(field + ": test " + test.trim() + " does not exist");
                }
            }
        });
        assertThat(problems).isEmpty();
    }
}
