package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoist create namespace}, {@code hoist delete namespace}, {@code kind: Namespace} in {@code hoist apply}, and
 * every examples/ folder applied as it is (each creates its namespace), then again: all {@code unchanged}, Secrets
 * too. Against a real HoistServer with MTV's admission.
 */
class NamespaceCommandsTest {
    static final Path EXAMPLES = Path.of(System.getProperty("hoist.repo.root", "../..")).toAbsolutePath().normalize()
            .resolve("examples");

    @TempDir
    Path data;
    HoistServer server;
    CliHarness cli = new CliHarness(Map.of());

    @BeforeEach
    void start() {
        server = HoistServer.builder().dataDir(data).port(0).admission(new MtvAdmission()).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private CliHarness.Result hoist(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = data.toString();
        return cli.runWithStdin(stdin, all);
    }

    @Test
    void createApplyAndDeleteNamespaces() {
        String configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: wave-1}\ndata: {k: v}\n";
        CliHarness.Result refused = hoist(configMap, "apply", "-f", "-");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("configmap/c", "namespaces \"wave-1\" not found");

        CliHarness.Result created = hoist("", "create", "namespace", "wave-1", "wave-2");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).isEqualTo("namespace/wave-1 created\nnamespace/wave-2 created\n");
        CliHarness.Result again = hoist("", "create", "ns", "wave-1");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("namespaces \"wave-1\" already exists");
        CliHarness.Result notNamespace = hoist("", "create", "plan", "p");
        assertThat(notNamespace.code()).isNotZero();
        assertThat(notNamespace.err()).contains("hoist apply -f");

        assertThat(hoist(configMap, "apply", "-f", "-").out()).isEqualTo("configmap/c created\n");
        // a Namespace document applies before the objects after it, and is unchanged the second time
        String withNamespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: wave-3, labels: {wave: '3'}}\n---\n"
                + configMap.replace("wave-1", "wave-3");
        assertThat(hoist(withNamespace, "apply", "-f", "-").out()).isEqualTo("namespace/wave-3 created\nconfigmap/c created\n");
        assertThat(hoist(withNamespace, "apply", "-f", "-").out()).isEqualTo("namespace/wave-3 unchanged\nconfigmap/c unchanged\n");
        assertThat(hoist(withNamespace.replace("'3'", "three"), "apply", "-f", "-").out())
                .isEqualTo("namespace/wave-3 configured\nconfigmap/c unchanged\n");

        // a namespace holding objects is kept, with the reason; an empty one goes
        CliHarness.Result busy = hoist("", "delete", "namespace", "wave-1");
        assertThat(busy.code()).isEqualTo(1);
        assertThat(busy.err()).contains("namespaces \"wave-1\" still holds 1 object (configmaps/c)");
        assertThat(hoist("", "delete", "namespace", "wave-2").out()).isEqualTo("namespace/wave-2 deleted\n");
        CliHarness.Result gone = hoist("", "delete", "ns", "wave-2");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err()).contains("namespace 'wave-2' not found");
        // delete -f goes in reverse order: the objects, then their namespace
        CliHarness.Result deleted = hoist(withNamespace, "delete", "-f", "-");
        assertThat(deleted.out()).as(deleted.err()).isEqualTo("configmap/c deleted\nnamespace/wave-3 deleted\n");
    }

    @Test
    void everyExamplesFolderAppliesAsItIsThenUnchanged() throws Exception {
        List<Path> folders;
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            folders = dirs.filter(d -> Files.isDirectory(d) && !d.getFileName().toString().equals("monitoring")).sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThanOrEqualTo(5);
        for (Path folder : folders) {
            CliHarness.Result first = hoist("", "apply", "-f", folder.toString());
            assertThat(first.code()).as(folder + ": " + first.err()).isZero();
            assertThat(first.out()).as(folder.toString()).containsPattern("namespace/hoist (created|unchanged)\n");
            long version = server.store().currentVersion();
            CliHarness.Result second = hoist("", "apply", "-f", folder.toString());
            assertThat(second.code()).as(folder + ": " + second.err()).isZero();
            // Secrets included: hoist compares the server's keyed digest of the data, never the values
            assertThat(second.out().lines().toList()).as(folder.toString()).allMatch(l -> l.endsWith(" unchanged"));
            assertThat(server.store().currentVersion()).as(folder + ": nothing written").isEqualTo(version);
        }
        assertThat(server.store().list(ResourceKind.SECRET, "hoist")).isNotEmpty();
    }
}
