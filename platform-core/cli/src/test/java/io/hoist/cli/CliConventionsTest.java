package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.HoistServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl's conventions in the CLI (issue 20 item 7), against the real HoistServer over a real socket:
 * output formats, delete of several objects, version, completion, one-line errors naming what failed,
 * the same TLS flags everywhere, describe/duplicate and apply's last-applied copy, cutover's advice.
 */
class CliConventionsTest {
    private static final String MANIFESTS = """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {user: admin, password: hunter2-very-secret}
            ---
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Provider
            metadata: {name: vcenter}
            spec: {type: vsphere, url: 'https://vcenter.example/sdk', secret: {name: creds, namespace: demo}}
            ---
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata: {name: web, labels: {team: web}}
            spec:
              warm: true
              targetNamespace: prod
              provider:
                source: {name: vcenter, namespace: demo}
                destination: {name: host, namespace: demo}
              vms: [{id: vm-1, name: web-01}, {name: web-02}]
            ---
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata: {name: batch}
            spec:
              vms: [{name: batch-01}]
            """;

    @TempDir
    Path data;

    private HoistServer server;
    private CliHarness cli;
    private Path manifests;

    @BeforeEach
    void start() throws Exception {
        server = HoistServer.builder().dataDir(data).port(0).namespaces("demo").admission(new ProviderUrlAdmissionTestDouble()).build().start();
        cli = new CliHarness(Map.of("HOIST_NAMESPACE", "demo"));
        manifests = Files.writeString(data.resolve("m.yaml"), MANIFESTS);
        CliHarness.Result apply = hoist("apply", "-f", manifests.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private CliHarness.Result hoist(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--data-dir");
        all.add(data.toString());
        return cli.run(all.toArray(String[]::new));
    }

    @Test
    void outputFormatsAsKubectl() {
        assertThat(hoist("get", "plans", "-o", "name").out())
                .isEqualTo("plan.forklift.konveyor.io/batch\nplan.forklift.konveyor.io/web\n");
        assertThat(hoist("get", "secret", "creds", "-o", "name").out()).isEqualTo("secret/creds\n");

        String wide = hoist("get", "plans", "-o", "wide").out();
        assertThat(wide.lines().findFirst().orElseThrow())
                .contains("TYPE", "SOURCE", "DESTINATION", "TARGET NAMESPACE", "VMS").endsWith("AGE");
        assertThat(wide.lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow())
                .contains("warm", "demo/vcenter", "demo/host", "prod", " 2 ");
        assertThat(hoist("get", "plans").out().lines().findFirst().orElseThrow()).doesNotContain("TARGET NAMESPACE");

        assertThat(hoist("get", "plan", "web", "-o", "jsonpath={.spec.vms[0].name}").out()).isEqualTo("web-01");
        assertThat(hoist("get", "plans", "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.vms[*].name}{\"\\n\"}{end}").out())
                .isEqualTo("batch=batch-01\nweb=web-01 web-02\n");
        assertThat(hoist("get", "plan", "web", "-o", "jsonpath={.spec.vms[?(@.id==\"vm-1\")].name}").out()).isEqualTo("web-01");

        assertThat(hoist("get", "plans", "-o", "custom-columns=NAME:.metadata.name,TEAM:.metadata.labels.team,VM:.spec.vms[*].name").out())
                .isEqualTo("""
                        NAME    TEAM     VM
                        batch   <none>   batch-01
                        web     web      web-01,web-02
                        """);

        CliHarness.Result bad = hoist("get", "plans", "-o", "xml");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("error: -o: unknown output format 'xml' (one of: " + io.hoist.cli.output.OutputFormat.CHOICES + ")\n");
        assertThat(hoist("get", "plans", "-o", "custom-columns=NAME").err()).contains("'NAME' is not HEADER:EXPR");
    }

    @Test
    void yamlLooksLikeKubectlsAndDescribeAndDuplicateLeaveOutTheLastAppliedCopy() {
        String yaml = hoist("get", "plan", "web", "-o", "yaml").out();
        assertThat(yaml).contains("kind: Plan\n").contains("name: web\n").doesNotContain("\"web\"").doesNotContain("kind: \"Plan\"");
        // kubectl writes the last-applied JSON on one line, not folded at 80 columns
        assertThat(yaml.lines().filter(l -> l.contains("last-applied-configuration")).findFirst().orElseThrow())
                .contains("\\\"kind\\\":\\\"Plan\\\"").contains("\\\"vms\\\":[");

        assertThat(server.store().get(ResourceKind.PLAN, "demo", "web").orElseThrow()
                .path("metadata").path("annotations").has(ApplyPatch.LAST_APPLIED)).as("apply records it").isTrue();
        String described = hoist("describe", "plan", "web").out();
        assertThat(described).doesNotContain("last-applied").contains("Labels:      team=web");

        assertThat(hoist("duplicate", "web", "web-copy").code()).isZero();
        ObjectNode copy = server.store().get(ResourceKind.PLAN, "demo", "web-copy").orElseThrow();
        assertThat(copy.path("metadata").path("annotations").has(ApplyPatch.LAST_APPLIED)).isFalse();
        assertThat(copy.path("metadata").path("labels").path("team").asText()).isEqualTo("web");
    }

    @Test
    void deleteSeveralNamesOrTheObjectsOfAFile() {
        CliHarness.Result some = hoist("delete", "plan", "web", "missing", "batch");
        assertThat(some.code()).as("one of three failed").isEqualTo(1);
        assertThat(some.out()).isEqualTo("plan/web deleted\nplan/batch deleted\n");
        assertThat(some.err()).isEqualTo("error: plan 'missing' not found in namespace 'demo'\n");

        CliHarness.Result file = hoist("delete", "-f", manifests.toString(), "--ignore-not-found");
        assertThat(file.code()).as(file.err()).isZero();
        assertThat(file.out()).isEqualTo("provider/vcenter deleted\nsecret/creds deleted\n");
        assertThat(server.store().list(ResourceKind.PROVIDER, "demo")).isEmpty();

        CliHarness.Result again = hoist("delete", "-f", manifests.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err().lines()).hasSize(4).allMatch(l -> l.startsWith("error: " + manifests + " (object ") && l.contains("not found"));
        assertThat(hoist("delete", "plan").err()).contains("NAME: give at least one plan name");
        assertThat(hoist("delete", "plan", "x", "-f", manifests.toString()).err()).contains("not both");
    }

    @Test
    void versionAndCompletion() {
        CliHarness.Result client = cli.run("version", "--client");
        assertThat(client.out()).startsWith("Client Version: ").contains("plugin API " + io.hoist.api.PluginApi.VERSION).hasLineCount(1);
        CliHarness.Result both = hoist("version");
        assertThat(both.code()).as(both.err()).isZero();
        assertThat(both.out().lines().toList().get(1)).startsWith("Server Version: v1.").contains(server.url());

        String bash = cli.run("completion", "bash").out();
        assertThat(bash).contains("complete -F").contains("get").contains("cutover").contains("--insecure-skip-tls-verify");
        String zsh = cli.run("completion", "zsh").out();
        assertThat(zsh).startsWith("#compdef hoist\n").contains("bashcompinit").contains("complete -F");
        CliHarness.Result fish = cli.run("completion", "fish");
        assertThat(fish.code()).isEqualTo(2);
        assertThat(fish.err()).contains("SHELL").contains("bash").hasLineCount(1);
    }

    @Test
    void cutoverSaysWhatToDoForEachPlanThatIsNotRunning() {
        CliHarness.Result cold = hoist("cutover", "batch");
        assertThat(cold.code()).isEqualTo(1);
        assertThat(cold.err()).contains("cold migration").contains("warm plans only").hasLineCount(1);

        CliHarness.Result never = hoist("cutover", "web");
        assertThat(never.err()).contains("never started").contains("hoist start web").doesNotContain("restart");

        assertThat(hoist("start", "web").code()).isZero();
        assertThat(hoist("cutover", "web").code()).isZero();
        ObjectNode m = server.store().list(ResourceKind.MIGRATION, "demo").get(0);
        ObjectNode done = m.deepCopy();
        done.putObject("status").putArray("conditions").addObject().put("type", "Succeeded").put("status", "True");
        server.store().updateStatus(ResourceKind.MIGRATION, done);
        ObjectNode plan = server.store().get(ResourceKind.PLAN, "demo", "web").orElseThrow();
        ObjectNode vm = plan.putObject("status").putObject("migration").putArray("vms").addObject();
        vm.put("id", "vm-1").putArray("conditions").addObject().put("type", "Succeeded").put("status", "True");
        server.store().updateStatus(ResourceKind.PLAN, plan);
        CliHarness.Result succeeded = hoist("cutover", "web");
        assertThat(succeeded.err()).contains("already succeeded").contains("nothing to cut over").doesNotContain("hoist start");
    }

    @Test
    void errorsAreOneLineAndNameTheFileOrUrl() throws Exception {
        CliHarness.Result copy = cli.run("copy", data.resolve("no-such.img").toString(), data.resolve("out.img").toString(),
                "--no-progress");
        assertThat(copy.code()).isEqualTo(1);
        assertThat(copy.err()).hasLineCount(1).startsWith("error: copy " + data.resolve("no-such.img"))
                .contains(data.resolve("no-such.img").toString());
        CliHarness.Result verify = cli.run("verify", data.resolve("gone.img").toString());
        assertThat(verify.err()).hasLineCount(1).startsWith("error: verify ").contains(data.resolve("gone.img").toString())
                .doesNotContain("NoSuchFileException");

        CliHarness.Result refused = cli.run("get", "plans", "--server", "http://127.0.0.1:1", "--token", "x");
        assertThat(refused.err()).isEqualTo("error: cannot reach the server at http://127.0.0.1:1: connection refused"
                + " (is 'hoist serve' running?)\n");
    }

    @Test
    void everyCommandTakesTheSameTlsFlagsAndHoistCacert() throws Exception {
        Path missing = data.resolve("no-ca.pem");
        for (String[] cmd : List.of(new String[] {"get", "plans"}, new String[] {"status", "web"}, new String[] {"plugins"})) {
            List<String> args = new ArrayList<>(List.of(cmd));
            args.addAll(List.of("--cacert", missing.toString()));
            CliHarness.Result r = hoist(args.toArray(String[]::new));
            assertThat(r.err()).as(String.join(" ", cmd)).isEqualTo("error: --cacert: cannot read " + missing + " (no such file)\n");
        }
        for (String cmd : List.of("copy", "verify")) {
            CliHarness.Result r = cli.run(cmd, "--cacert", missing.toString(), "--insecure-skip-tls-verify", "--help");
            assertThat(r.code()).as(cmd + ": " + r.err()).isZero();
            assertThat(r.out()).as(cmd).contains("--cacert=FILE").contains("--insecure-skip-tls-verify");
        }
        CliHarness.Result env = new CliHarness(Map.of("HOIST_NAMESPACE", "demo", "HOIST_CACERT", missing.toString()))
                .run("get", "plans", "--data-dir", data.toString());
        assertThat(env.err()).isEqualTo("error: HOIST_CACERT: cannot read " + missing + " (no such file)\n");

        // A local data dir's own CA is trusted without flags (the server of --data-dir made it).
        Files.createDirectories(data.resolve("tls"));
        Files.writeString(data.resolve("tls/ca.crt"), "not a certificate");
        CliHarness.Result local = hoist("get", "plans");
        assertThat(local.code()).as("an http server ignores the CA file").isZero();
        assertThat(io.hoist.cli.client.ServerLocator.trusted(null, Map.of(), data)).isEqualTo(data.resolve("tls/ca.crt"));
        assertThat(io.hoist.cli.client.ServerLocator.trusted(null, Map.of(), null)).isNull();
    }

    @Test
    void helpNeverBreaksAFileNameAcrossLines() {
        String help = cli.run("apply", "--help").out();
        assertThat(help).contains("cat x.yaml");
        // option descriptions and the command list too (picocli alone breaks after '.', '-' and '/')
        String top = cli.run("--help").out();
        assertThat(top).contains("io.hoist.core.engine=debug").contains("spec.cancel)");
        assertThat(HelpText.wrap("see plugins/virt-v2v/README.md and hoist-quickstart/data now", 20))
                .containsExactly("see", "plugins/virt-v2v/README.md", "and", "hoist-quickstart/data", "now");
        for (String cmd : List.of("quickstart", "copy", "delete", "get", "apply", "status", "serve")) {
            cli.run(cmd, "--help").out().lines().forEach(l ->
                    assertThat(l).as(cmd + " --help line").doesNotMatch(".*[A-Za-z0-9]-$"));
        }
    }
}
