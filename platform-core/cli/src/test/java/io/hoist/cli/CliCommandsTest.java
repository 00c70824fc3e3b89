package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every client command against {@link ApiContractTestServer} over a real socket. */
class CliCommandsTest {
    private static final String TOKEN = "t0k3n-for-tests";
    private static final String MANIFESTS = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: vcenter-credentials
            type: Opaque
            stringData:
              user: administrator@vsphere.local
              password: hunter2-very-secret
            ---
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Provider
            metadata:
              name: vcenter
            spec:
              type: vsphere
              url: https://vcenter.example/sdk
              secret: {name: vcenter-credentials, namespace: demo}
            ---
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Plan
            metadata:
              name: web-tier
              labels: {team: web}
            spec:
              warm: true
              provider:
                source: {name: vcenter, namespace: demo}
                destination: {name: host, namespace: demo}
              vms:
                - id: vm-431
                  name: web-01
                - name: web-02
            """;

    @TempDir
    Path tmp;

    private ApiContractTestServer server;
    private CliHarness cli;

    @BeforeEach
    void start() throws Exception {
        server = new ApiContractTestServer(TOKEN);
        cli = new CliHarness(Map.of("HOIST_SERVER", server.url(), "HOIST_TOKEN", TOKEN, "HOIST_NAMESPACE", "demo"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path manifests() throws Exception {
        Path f = tmp.resolve("all.yaml");
        Files.writeString(f, MANIFESTS);
        return f;
    }

    @Test
    void applyCreatesThenLeavesUnchangedThenConfigures() throws Exception {
        Path f = manifests();
        CliHarness.Result first = cli.run("apply", "-f", f.toString());
        assertThat(first.code()).isZero();
        assertThat(first.out()).isEqualTo("secret/vcenter-credentials created\nprovider/vcenter created\nplan/web-tier created\n");
        assertThat(server.object(ResourceKind.PLAN, "demo", "web-tier").orElseThrow()
                .path("metadata").path("namespace").asText()).isEqualTo("demo");

        CliHarness.Result again = cli.run("apply", "-f", f.toString());
        assertThat(again.out()).contains("provider/vcenter unchanged", "plan/web-tier unchanged");

        Files.writeString(f, MANIFESTS.replace("warm: true", "warm: false"));
        CliHarness.Result changed = cli.run("apply", "-f", tmp.toString());
        assertThat(changed.code()).isZero();
        assertThat(changed.out()).contains("plan/web-tier configured", "provider/vcenter unchanged");
        assertThat(server.object(ResourceKind.PLAN, "demo", "web-tier").orElseThrow()
                .path("spec").path("warm").asBoolean()).isFalse();
    }

    @Test
    void applyFromStdinAndNamespaceMismatch() {
        String doc = "apiVersion: forklift.konveyor.io/v1beta1\nkind: Hook\nmetadata: {name: h1, namespace: other}\nspec: {image: quay.io/x}\n";
        CliHarness.Result ok = cli.runWithStdin(doc, "apply", "-f", "-");
        assertThat(ok.out()).isEqualTo("hook/h1 created\n");
        assertThat(server.object(ResourceKind.HOOK, "other", "h1")).isPresent();

        CliHarness.Result mismatch = cli.runWithStdin(doc, "apply", "-f", "-", "-n", "demo");
        assertThat(mismatch.code()).isEqualTo(1);
        assertThat(mismatch.err()).isEqualTo("error: <stdin> (object 1): metadata.namespace 'other' does not match -n demo\n");
    }

    @Test
    void applyRejectedPrintsEachCauseAndExits1() throws Exception {
        server.admission(o -> o.path("kind").asText().equals("Provider")
                ? List.of(new String[] {"spec.url", "must be an https URL"}, new String[] {"spec.type", "unknown provider type"})
                : List.of());
        CliHarness.Result r = cli.run("apply", "-f", manifests().toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("secret/vcenter-credentials created", "plan/web-tier created");
        // one line per failed object, its causes on it (issue 20 item 7)
        assertThat(r.err()).isEqualTo("error: provider/vcenter: Provider \"vcenter\" is invalid: "
                + "spec.url: must be an https URL; spec.type: unknown provider type\n");
    }

    @Test
    void badYamlNamesFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.yaml");
        Files.writeString(f, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: [unclosed\n");
        CliHarness.Result r = cli.run("apply", "-f", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: invalid manifest: " + f + ":4:");
        assertThat(r.err().lines()).hasSize(1);

        CliHarness.Result unknownKind = cli.runWithStdin("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "apply", "-f", "-");
        assertThat(unknownKind.err()).isEqualTo("error: <stdin> (object 1): kind 'Pod' is not served by hoist\n");
    }

    @Test
    void getTableYamlJsonAndSecretsStayHidden() throws Exception {
        cli.run("apply", "-f", manifests().toString());
        ObjectNode status = new ObjectMapper().createObjectNode();
        status.put("phase", "Ready");
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True").put("category", "Required");
        server.setStatus(ResourceKind.PROVIDER, "demo", "vcenter", status);

        CliHarness.Result table = cli.run("get", "providers");
        assertThat(table.code()).isZero();
        assertThat(table.out().lines().toList()).containsExactly(
                "NAME      TYPE      STATUS   READY   CONNECTED   INVENTORY   URL                           AGE",
                "vcenter   vsphere   Ready    True                            https://vcenter.example/sdk   5m30s");

        // issue 20 item 5: a canceled plan says so in its columns
        ObjectNode canceled = new ObjectMapper().createObjectNode();
        canceled.putArray("conditions").addObject().put("type", "Canceled").put("status", "True").put("category", "Advisory");
        server.setStatus(ResourceKind.PLAN, "demo", "web-tier", canceled);
        CliHarness.Result plans = cli.run("get", "Plan");
        assertThat(plans.out().lines().toList()).containsExactly(
                "NAME       READY   EXECUTING   SUCCEEDED   FAILED   CANCELED   ARCHIVED   AGE",
                "web-tier                                            True                  5m30s");

        CliHarness.Result yaml = cli.run("get", "plan", "web-tier", "-o", "yaml");
        assertThat(yaml.out()).contains("kind: Plan", "name: web-tier", "warm: true");
        CliHarness.Result json = cli.run("get", "plans", "-o", "json");
        assertThat(new ObjectMapper().readTree(json.out()).path("items").get(0).path("metadata").path("name").asText())
                .isEqualTo("web-tier");

        for (String format : List.of("yaml", "json", "table")) {
            CliHarness.Result secret = cli.run("get", "secret", "vcenter-credentials", "-o", format);
            assertThat(secret.code()).isZero();
            assertThat(secret.out()).doesNotContain("hunter2");
        }
        assertThat(cli.run("describe", "secret", "vcenter-credentials").out())
                .contains("password:  19 bytes").doesNotContain("hunter2");

        CliHarness.Result empty = cli.run("get", "hooks");
        assertThat(empty.code()).isZero();
        assertThat(empty.err()).isEqualTo("No hooks found in namespace demo.\n");
    }

    @Test
    void describeShowsMetadataSpecAndConditions() throws Exception {
        cli.run("apply", "-f", manifests().toString());
        ObjectNode status = new ObjectMapper().createObjectNode();
        status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
                .put("category", "Required").put("message", "The migration plan is ready.");
        server.setStatus(ResourceKind.PLAN, "demo", "web-tier", status);
        CliHarness.Result r = cli.run("describe", "plan", "web-tier");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Name:        web-tier", "Namespace:   demo", "Labels:      team=web",
                "Spec:", "  warm: true", "Conditions:", "The migration plan is ready.");
    }

    @Test
    void missingObjectsAndUnknownKindsAreOneLineErrors() {
        CliHarness.Result missing = cli.run("get", "plan", "nope");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("error: plan 'nope' not found in namespace 'demo'\n");
        CliHarness.Result kind = cli.run("get", "pods");
        assertThat(kind.code()).isEqualTo(1);
        assertThat(kind.err()).startsWith("error: unknown kind 'pods'; one of: provider, host,").doesNotContain("\n\n");
        CliHarness.Result del = cli.run("delete", "plan", "nope");
        assertThat(del.err()).isEqualTo("error: plan 'nope' not found in namespace 'demo'\n");
        CliHarness.Result usage = cli.run("start");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err().lines()).hasSize(1);
        assertThat(usage.err()).contains("PLAN").contains("hoist start --help");
    }

    @Test
    void deleteRemovesTheObject() throws Exception {
        cli.run("apply", "-f", manifests().toString());
        CliHarness.Result r = cli.run("delete", "plan", "web-tier");
        assertThat(r.out()).isEqualTo("plan/web-tier deleted\n");
        assertThat(server.object(ResourceKind.PLAN, "demo", "web-tier")).isEmpty();
    }

    @Test
    void planLifecycleActions() throws Exception {
        cli.run("apply", "-f", manifests().toString());

        CliHarness.Result start = cli.run("start", "web-tier");
        assertThat(start.code()).isZero();
        assertThat(start.out()).matches("migration/web-tier-[a-z0-9]{5} created for plan/web-tier\n");
        ObjectNode migration = server.objects(ResourceKind.MIGRATION, "demo").get(0);
        String mig = migration.path("metadata").path("name").asText();
        assertThat(migration.path("spec").path("plan").path("name").asText()).isEqualTo("web-tier");

        assertThat(cli.run("start", "web-tier").err()).startsWith("error: plan 'web-tier' was already started (migration '" + mig);
        assertThat(cli.run("restart", "web-tier").err()).startsWith("error: plan 'web-tier' has a running migration '" + mig);

        server.injectConflicts(1); // someone else writes first: the update starts over
        CliHarness.Result cutover = cli.run("cutover", "web-tier", "--at", "2026-06-01T23:00:00+01:00");
        assertThat(cutover.code()).isZero();
        assertThat(server.object(ResourceKind.MIGRATION, "demo", mig).orElseThrow().path("spec").path("cutover").asText())
                .isEqualTo("2026-06-01T22:00:00Z");
        assertThat(cli.run("cutover", "web-tier", "--at", "tomorrow").err())
                .isEqualTo("error: --at: 'tomorrow' is not a time like 2026-06-01T22:00:00Z\n");

        CliHarness.Result cancel = cli.run("cancel", "web-tier", "web-01", "web-02");
        assertThat(cancel.code()).isZero();
        cli.run("cancel", "web-tier", "vm-431");
        assertThat(server.object(ResourceKind.MIGRATION, "demo", mig).orElseThrow().path("spec").path("cancel").toString())
                .isEqualTo("[{\"id\":\"vm-431\",\"name\":\"web-01\"},{\"name\":\"web-02\"}]");
        assertThat(cli.run("cancel", "web-tier", "db-09").err())
                .isEqualTo("error: VM 'db-09' is not in plan 'web-tier' (spec.vms lists it by id or name)\n");

        ObjectNode done = new ObjectMapper().createObjectNode();
        done.putArray("conditions").addObject().put("type", "Failed").put("status", "True");
        server.setStatus(ResourceKind.MIGRATION, "demo", mig, done);
        assertThat(cli.run("cutover", "web-tier").err()).startsWith("error: plan 'web-tier' is not running: its last migration")
                .contains("hoist restart web-tier").doesNotContain("hoist start");
        CliHarness.Result restart = cli.run("restart", "web-tier");
        assertThat(restart.code()).isZero();
        assertThat(server.objects(ResourceKind.MIGRATION, "demo")).hasSize(2);

        // every VM of the last migration succeeded: nothing to run again, and no Migration is created
        ObjectNode allDone = new ObjectMapper().createObjectNode();
        var vms = allDone.putObject("migration").putArray("vms");
        for (String vm : List.of("web-01", "web-02")) {
            vms.addObject().put("name", vm).putArray("conditions").addObject().put("type", "Succeeded").put("status", "True");
        }
        for (ObjectNode m : server.objects(ResourceKind.MIGRATION, "demo")) { // both finished: none is running
            server.setStatus(ResourceKind.MIGRATION, "demo", m.path("metadata").path("name").asText(), done);
        }
        server.setStatus(ResourceKind.PLAN, "demo", "web-tier", allDone);
        CliHarness.Result nothing = cli.run("restart", "web-tier");
        assertThat(nothing.code()).isEqualTo(1);
        assertThat(nothing.err()).startsWith("error: plan 'web-tier' has nothing to run again");
        assertThat(server.objects(ResourceKind.MIGRATION, "demo")).hasSize(2);

        assertThat(cli.run("archive", "web-tier").out()).isEqualTo("plan/web-tier archived\n");
        assertThat(server.object(ResourceKind.PLAN, "demo", "web-tier").orElseThrow().path("spec").path("archived").asBoolean()).isTrue();
        // an archived plan cannot run again
        server.setStatus(ResourceKind.PLAN, "demo", "web-tier", new ObjectMapper().createObjectNode());
        assertThat(cli.run("restart", "web-tier").err()).startsWith("error: plan 'web-tier' is archived");
        assertThat(cli.run("start", "web-tier").err()).startsWith("error: plan 'web-tier' is archived");
        assertThat(server.objects(ResourceKind.MIGRATION, "demo")).hasSize(2);

        assertThat(cli.run("duplicate", "web-tier", "web-tier-2").out()).isEqualTo("plan/web-tier-2 created (copy of plan/web-tier)\n");
        ObjectNode copy = server.object(ResourceKind.PLAN, "demo", "web-tier-2").orElseThrow();
        assertThat(copy.path("spec").has("archived")).isFalse();
        assertThat(copy.path("spec").path("vms").size()).isEqualTo(2);
        assertThat(copy.path("metadata").path("labels").path("team").asText()).isEqualTo("web");
        assertThat(cli.run("duplicate", "web-tier", "web-tier-2").err()).contains("already exists");
        CliHarness.Result badName = cli.run("duplicate", "web-tier", "Web_Tier");
        assertThat(badName.code()).isEqualTo(1);
        assertThat(badName.err()).hasLineCount(1).startsWith("error: NEW_NAME 'Web_Tier' is not a valid plan name: metadata.name: ");
    }

    @Test
    void rejectedWriteOfOneObjectPrintsOnlyItsCauses() throws Exception {
        cli.run("apply", "-f", manifests().toString());
        server.admission(o -> o.path("metadata").path("name").asText().equals("copy")
                ? List.<String[]>of(new String[] {"spec.targetNamespace", "namespace quota exceeded"}) : List.of());
        CliHarness.Result r = cli.run("duplicate", "web-tier", "copy");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).hasLineCount(1).startsWith("error: ").endsWith("spec.targetNamespace: namespace quota exceeded\n");
    }

    @Test
    void pluginsTable() {
        CliHarness.Result r = cli.run("plugins");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                "ID       VERSION   STATE     EXTENSIONS                   ERROR",
                "ova      0.1.0     STARTED   SourceProviderFactory(ova)",
                "future   2.0       FAILED    -                            plugin 'future' refused: it requires plugin API 2.0.0");
    }

    @Test
    void everyCommandHasSynopsisInHelp() {
        for (String command : List.of("apply", "get", "describe", "delete", "plugins", "start", "cutover", "cancel",
                "restart", "archive", "duplicate")) {
            CliHarness.Result r = cli.run(command, "--help");
            assertThat(r.code()).as(command).isZero();
            assertThat(r.out()).as(command).startsWith("Usage: hoist " + command).contains("Example: hoist " + command);
        }
        assertThat(cli.run("--help").out()).contains("apply", "cutover", "plugins");
    }
}
