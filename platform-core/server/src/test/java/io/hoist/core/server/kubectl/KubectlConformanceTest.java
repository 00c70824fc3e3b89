package io.hoist.core.server.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.model.admission.MtvAdmission;
import io.hoist.core.server.HoistServer;
import io.hoist.core.server.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl against a running Hoist API over TLS with the CA Hoist generates in its data dir (kubectl verifies
 * the certificate; the real store, the real MTV admission), verb by verb, as
 * an infrastructure team would drive it. kubectl must be installed (Debian: kubernetes-client); it is never skipped.
 * Manifests are applied with kubectl's default validation: it reads Hoist's /openapi/v3, sees the server validates
 * fields itself and sends fieldValidation=Strict.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlConformanceTest {
    static final String PROVIDER = """
            apiVersion: v1
            kind: Secret
            metadata: {name: vsphere-creds}
            type: Opaque
            stringData: {user: administrator@vsphere.local, password: S3cr3t-vc-pass, insecureSkipVerify: "true"}
            ---
            apiVersion: forklift.konveyor.io/v1beta1
            kind: Provider
            metadata: {name: vsphere}
            spec:
              type: vsphere
              url: https://vcenter.example.com/sdk
              secret: {name: vsphere-creds, namespace: demo}
            """;

    @TempDir
    static Path dir;
    static RunningServer api;
    static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.binary(); // fails at once, with how to install it, when kubectl is missing
        Path data = Files.createDirectories(dir.resolve("data"));
        // what hoist serve does by default: its own CA and certificate in DATA/tls, verified by kubectl
        api = new RunningServer(HoistServer.builder().admission(new MtvAdmission()).namespaces("demo").generatedTls(java.util.List.of()), data);
        assertThat(api.server.url()).startsWith("https://127.0.0.1:");
        Path work = Files.createDirectories(dir.resolve("kubectl"));
        Kubectl.writeKubeconfig(work.resolve("config"), api.server.url(), data.resolve("tls/ca.crt"), api.token, "demo");
        kubectl = new Kubectl(work.resolve("config"), work);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static JsonNode stored(ResourceKind kind, String name) {
        return api.server.store().get(kind, "demo", name).orElse(null);
    }

    @Test
    @Order(1)
    void versionAndDiscovery() throws Exception {
        assertThat(kubectl.run("version", "-o", "json").ok().out()).contains("hoist");
        String resources = kubectl.run("api-resources").ok().out();
        assertThat(resources).contains("plans", "providers", "secrets", "events");
        assertThat(kubectl.run("get", "--raw", "/readyz").ok().out()).isEqualTo("ok");
        assertThat(kubectl.run("auth", "can-i", "create", "plans.forklift.konveyor.io").ok().out().trim()).isEqualTo("yes");
        Kubectl.Result events = kubectl.run("auth", "can-i", "delete", "events");
        assertThat(events.code()).isNotZero();
        assertThat(events.out().trim()).isEqualTo("no - events are written by the platform only");
        assertThat(kubectl.run("auth", "can-i", "get", "pods").out().trim()).startsWith("no - hoist does not serve pods");
    }

    @Test
    @Order(1)
    void explainReadsMtvSchemasFromOpenApiV3() throws Exception {
        String explain = kubectl.run("explain", "plan.spec.vms").ok().out();
        assertThat(explain).contains("GROUP:", "forklift.konveyor.io", "KIND:", "Plan", "FIELD: vms <[]Object>");
        // the CRD's own description of a nested field, and its type
        String hooks = kubectl.run("explain", "plan.spec.vms.hooks.step").ok().out();
        assertThat(hooks).contains("FIELD: step <string>", "Pipeline step");
        assertThat(kubectl.run("explain", "secret.data").ok().out()).contains("FIELD: data <map[string]string>");
        // metadata is the shared ObjectMeta, as on a cluster
        assertThat(kubectl.run("explain", "provider.metadata.labels").ok().out()).contains("labels <map[string]string>");
        Kubectl.Result unknown = kubectl.run("explain", "plan.spec.bogus");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("field \"bogus\" does not exist");
    }

    @Test
    @Order(1)
    void applyValidatesUnknownFieldsThroughOpenApi() throws Exception {
        Kubectl.Result r = kubectl.runWithInput("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: strict}
                spec:
                  provider: {source: {name: vsphere}, destination: {name: host}}
                  map: [{source: {name: VM Network}, destination: {type: pod}}]
                  bogus: 1
                """, "apply", "-f", "-");
        assertThat(r.code()).as(r.out()).isNotZero();
        assertThat(r.err()).contains("spec.bogus");
        assertThat(stored(ResourceKind.NETWORK_MAP, "strict")).isNull();
        // --validate=warn (fieldValidation=Warn) prunes with a warning, as the API server does
        Kubectl.Result lax = kubectl.runWithInput("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: lax}
                spec:
                  provider: {source: {name: vsphere}, destination: {name: host}}
                  map: [{source: {name: VM Network}, destination: {type: pod}}]
                  bogus: 1
                """, "apply", "--validate=warn", "-f", "-").ok();
        assertThat(lax.err()).contains("unknown field \"spec.bogus\"");
        assertThat(stored(ResourceKind.NETWORK_MAP, "lax").at("/spec").has("bogus")).isFalse();
        kubectl.run("delete", "networkmap", "lax").ok();
    }

    @Test
    @Order(2)
    void applyCreatesThenLeavesUnchanged() throws Exception {
        String first = kubectl.runWithInput(PROVIDER, "apply", "-f", "-").ok().out();
        assertThat(first).contains("secret/vsphere-creds created", "provider.forklift.konveyor.io/vsphere created");
        assertThat(stored(ResourceKind.PROVIDER, "vsphere").at("/spec/url").asText()).isEqualTo("https://vcenter.example.com/sdk");
        long before = api.server.store().currentVersion();
        String again = kubectl.runWithInput(PROVIDER, "apply", "-f", "-").ok().out();
        assertThat(again).contains("provider.forklift.konveyor.io/vsphere unchanged");
        // kubectl decides "unchanged" itself, from values Hoist never returns: it sends the Secret and says
        // "configured"; the server writes nothing (no new resourceVersion, no event, no provider rebuilt)
        assertThat(again).contains("secret/vsphere-creds configured");
        assertThat(api.server.store().currentVersion()).isEqualTo(before);
        // a real change is written
        kubectl.runWithInput(PROVIDER.replace("S3cr3t-vc-pass", "N3w-vc-pass"), "apply", "-f", "-").ok();
        assertThat(api.server.store().currentVersion()).isGreaterThan(before);
        kubectl.runWithInput(PROVIDER, "apply", "-f", "-").ok();
        // server-side tables: the CRD's printer columns, as for MTV on a cluster
        String table = kubectl.run("get", "providers").ok().out();
        assertThat(table.lines().findFirst().orElse("")).contains("NAME", "TYPE", "STATUS", "READY", "CONNECTED", "INVENTORY", "URL", "AGE");
        assertThat(table).contains("vsphere", "https://vcenter.example.com/sdk");
        assertThat(kubectl.run("get", "providers", "-A", "-o", "wide").ok().out()).contains("NAMESPACE", "demo", "vsphere");
        assertThat(kubectl.run("get", "namespaces", "-o", "name").ok().out())
                .isEqualTo("namespace/default\nnamespace/demo\nnamespace/openshift-mtv\n");
        assertThat(kubectl.run("get", "secrets").ok().out().lines().findFirst().orElse("")).contains("NAME", "TYPE", "DATA", "AGE");
    }

    @Test
    @Order(3)
    void serverDryRunsChangeNothing() throws Exception {
        long before = api.server.store().currentVersion();
        String changed = PROVIDER.replace("vcenter.example.com", "vcenter2.example.com");
        String dry = kubectl.runWithInput(changed, "apply", "--dry-run=server", "-f", "-").ok().out();
        assertThat(dry).contains("provider.forklift.konveyor.io/vsphere configured (server dry run)");
        kubectl.runWithInput("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: never}
                spec: {targetNamespace: demo, provider: {source: {name: vsphere}, destination: {name: host}},
                       map: {network: {name: net}, storage: {name: store}}, vms: [{name: vm1}]}
                """, "create", "--dry-run=server", "-f", "-").ok();
        assertThat(kubectl.run("delete", "provider", "vsphere", "--dry-run=server").ok().out()).contains("(server dry run)");

        Kubectl.Result diff = kubectl.runWithInput(changed, "diff", "-f", "-");
        assertThat(diff.code()).as(diff.err()).isEqualTo(1); // 1: differences found
        assertThat(diff.out()).contains("vcenter2.example.com");

        assertThat(stored(ResourceKind.PROVIDER, "vsphere").at("/spec/url").asText()).isEqualTo("https://vcenter.example.com/sdk");
        assertThat(stored(ResourceKind.PLAN, "never")).isNull();
        assertThat(api.server.store().currentVersion()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void patchLabelAnnotateAndJsonPatch() throws Exception {
        kubectl.run("label", "provider", "vsphere", "site=dc1").ok();
        kubectl.run("annotate", "provider", "vsphere", "owner=infra").ok();
        kubectl.run("patch", "provider", "vsphere", "--type=merge", "-p", "{\"spec\":{\"settings\":{\"sdkEndpoint\":\"esxi\"}}}").ok();
        kubectl.run("patch", "provider", "vsphere", "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/url\",\"value\":\"https://vc3.example.com/sdk\"}]").ok();
        JsonNode p = stored(ResourceKind.PROVIDER, "vsphere");
        assertThat(p.at("/metadata/labels/site").asText()).isEqualTo("dc1");
        assertThat(p.at("/metadata/annotations/owner").asText()).isEqualTo("infra");
        assertThat(p.at("/spec/settings/sdkEndpoint").asText()).isEqualTo("esxi");
        assertThat(p.at("/spec/url").asText()).isEqualTo("https://vc3.example.com/sdk");
        assertThat(kubectl.run("get", "provider", "vsphere", "-o", "jsonpath={.metadata.labels.site}").ok().out()).isEqualTo("dc1");
    }

    @Test
    @Order(3)
    void namespacesAreCreatedListedAndDeleted() throws Exception {
        assertThat(kubectl.run("create", "namespace", "team-b").ok().out()).isEqualTo("namespace/team-b created\n");
        assertThat(kubectl.run("get", "namespaces", "-o", "name").ok().out()).contains("namespace/team-b");
        assertThat(kubectl.run("get", "namespace", "team-b", "-o", "jsonpath={.status.phase}").ok().out()).isEqualTo("Active");
        Kubectl.Result again = kubectl.run("create", "namespace", "team-b");
        assertThat(again.code()).isNotZero();
        assertThat(again.err()).contains("namespaces \"team-b\" already exists");
        // one that still holds objects is kept, with the reason
        Kubectl.Result busy = kubectl.run("delete", "namespace", "demo");
        assertThat(busy.code()).isNotZero();
        assertThat(busy.err()).contains("namespaces \"demo\" still holds", "delete them first");
        assertThat(kubectl.run("delete", "namespace", "team-b", "--dry-run=server").ok().out()).contains("(server dry run)");
        assertThat(kubectl.run("get", "namespaces", "-o", "name").ok().out()).contains("namespace/team-b");
        assertThat(kubectl.run("delete", "namespace", "team-b").ok().out()).contains("namespace \"team-b\" deleted");
        assertThat(kubectl.run("get", "namespaces", "-o", "name").ok().out())
                .isEqualTo("namespace/default\nnamespace/demo\nnamespace/openshift-mtv\n");
        assertThat(kubectl.run("auth", "can-i", "create", "namespaces").ok().out().trim()).isEqualTo("yes");
    }

    @Test
    @Order(3)
    void objectsInAMissingNamespaceAreRefusedAndANamespaceAppliesFirstInOneFile() throws Exception {
        String objects = """
                apiVersion: v1
                kind: Secret
                metadata: {name: wave-creds, namespace: wave-3}
                stringData: {user: admin, password: S3cr3t-wave}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: wave-vc, namespace: wave-3}
                spec: {type: vsphere, url: "https://vc-wave.example.com/sdk", secret: {name: wave-creds, namespace: wave-3}}
                """;
        Kubectl.Result refused = kubectl.runWithInput(objects, "apply", "-f", "-");
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err()).contains("namespaces \"wave-3\" not found");
        assertThat(api.server.store().list(ResourceKind.PROVIDER, "wave-3")).isEmpty();
        String withNamespace = """
                apiVersion: v1
                kind: Namespace
                metadata: {name: wave-3, labels: {wave: "3"}}
                ---
                """ + objects;
        assertThat(kubectl.runWithInput(withNamespace, "apply", "-f", "-").ok().out()).isEqualTo("""
                namespace/wave-3 created
                secret/wave-creds created
                provider.forklift.konveyor.io/wave-vc created
                """);
        assertThat(kubectl.runWithInput(withNamespace, "apply", "-f", "-").ok().out())
                .contains("namespace/wave-3 unchanged", "provider.forklift.konveyor.io/wave-vc unchanged");
        // a changed label on the Namespace is a patch of its metadata
        assertThat(kubectl.runWithInput(withNamespace.replace("wave: \"3\"", "wave: \"three\""), "apply", "-f", "-").ok().out())
                .contains("namespace/wave-3 configured");
        assertThat(kubectl.run("get", "namespace", "wave-3", "-o", "jsonpath={.metadata.labels.wave}").ok().out()).isEqualTo("three");
        // Hoist does not delete a namespace's objects with it: they go first, then the namespace
        kubectl.runWithInput(objects, "delete", "-f", "-").ok();
        assertThat(kubectl.run("delete", "namespace", "wave-3").ok().out()).contains("namespace \"wave-3\" deleted");
        assertThat(kubectl.run("get", "namespaces", "-o", "name").ok().out()).doesNotContain("wave-3");
    }

    /** Every examples/ folder applies with kubectl as it is (each creates its namespace first), then is unchanged. */
    @Test
    @Order(7)
    void everyExamplesFolderAppliesAsItIs() throws Exception {
        Path examples = Path.of(System.getProperty("hoist.repo.root", "../..")).toAbsolutePath().normalize().resolve("examples");
        java.util.List<Path> folders;
        try (java.util.stream.Stream<Path> dirs = java.nio.file.Files.list(examples)) {
            folders = dirs.filter(d -> java.nio.file.Files.isDirectory(d) && !d.getFileName().toString().equals("monitoring"))
                    .sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThanOrEqualTo(5);
        for (Path folder : folders) {
            String first = kubectl.run("apply", "-f", folder.toString()).ok().out();
            assertThat(first).as(folder.toString()).containsPattern("namespace/hoist (created|unchanged)");
            long version = api.server.store().currentVersion();
            String again = kubectl.run("apply", "-f", folder.toString()).ok().out();
            // kubectl reports Secrets "configured" (it compares values the server never returns); nothing is written
            assertThat(again.lines().filter(l -> !l.startsWith("secret/")).toList()).as(folder.toString())
                    .allMatch(l -> l.endsWith(" unchanged"));
            assertThat(api.server.store().currentVersion()).as(folder + ": nothing written").isEqualTo(version);
        }
    }

    @Test
    @Order(4)
    void theForkliftCategoryListsEveryMtvKind() throws Exception {
        String all = kubectl.run("get", "forklift").ok().out();
        assertThat(all).contains("provider.forklift.konveyor.io/vsphere");
        assertThat(all).doesNotContain("secret/");
        String resources = kubectl.run("api-resources", "--categories=forklift", "-o", "name").ok().out();
        assertThat(resources.lines().toList()).contains("plans.forklift.konveyor.io", "providers.forklift.konveyor.io",
                "hooks.forklift.konveyor.io").doesNotContain("secrets");
    }

    @Test
    @Order(4)
    void watchPrintsTableRows() throws Exception {
        try (Kubectl.Background watch = kubectl.start("get", "providers", "--watch")) {
            watch.awaitOutput(out -> out.contains("vsphere") && out.contains("https://"));
            assertThat(watch.output().lines().findFirst().orElse("")).contains("NAME", "TYPE", "URL");
            kubectl.runWithInput("""
                    apiVersion: forklift.konveyor.io/v1beta1
                    kind: Provider
                    metadata: {name: watched}
                    spec: {type: vsphere, url: "https://vc-watched.example.com/sdk", secret: {name: vsphere-creds, namespace: demo}}
                    """, "apply", "-f", "-").ok();
            watch.awaitOutput(out -> out.lines().anyMatch(l -> l.startsWith("watched ") && l.contains("vc-watched")));
        }
        kubectl.run("delete", "provider", "watched").ok();
    }

    @Test
    @Order(4)
    void aHookWhosePlaybookIsNotBase64GetsAnInvalidPlaybookCondition() throws Exception {
        // the upstream docs' hook manifests carry an elided playbook: accepted, as by MTV, and flagged
        String hook = """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Hook
                metadata: {name: pre-hook}
                spec: {image: quay.io/kubev2v/hook-runner, playbook: "LS0tCi0gbm..."}
                """;
        assertThat(kubectl.runWithInput(hook, "apply", "-f", "-").ok().out()).contains("hook.forklift.konveyor.io/pre-hook created");
        assertThat(kubectl.run("get", "hook", "pre-hook", "-o",
                "jsonpath={.status.conditions[?(@.type=='InvalidPlaybook')].category}").ok().out()).isEqualTo("Critical");
        assertThat(kubectl.run("get", "hook", "pre-hook", "-o", "jsonpath={.status.conditions[*].type}").ok().out())
                .isEqualTo("InvalidPlaybook");
        // fixed: the condition goes, the Hook is Ready (kubectl wait sees it)
        kubectl.runWithInput(hook.replace("LS0tCi0gbm...", "LS0tCi0gaG9zdHM6IGxvY2FsaG9zdAo="), "apply", "-f", "-").ok();
        kubectl.run("wait", "hook/pre-hook", "--for=condition=Ready", "--timeout=120s").ok();
        assertThat(kubectl.run("get", "hook", "pre-hook", "-o", "jsonpath={.status.conditions[*].type}").ok().out())
                .isEqualTo("Ready");
    }

    @Test
    @Order(5)
    void secretsNeverShowTheirValues() throws Exception {
        String yaml = kubectl.run("get", "secret", "vsphere-creds", "-o", "yaml").ok().out();
        assertThat(yaml).contains("password").doesNotContain("S3cr3t-vc-pass").doesNotContain("UzNjcjN0LXZjLXBhc3M");
        assertThat(kubectl.run("describe", "secret", "vsphere-creds").ok().out()).doesNotContain("S3cr3t-vc-pass");
    }

    @Test
    @Order(6)
    void unknownFieldsArePrunedWithAWarning() throws Exception {
        Kubectl.Result r = kubectl.run("patch", "provider", "vsphere", "--type=merge", "-p", "{\"spec\":{\"bogus\":1}}");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("Warning: unknown field \"spec.bogus\"");
        assertThat(stored(ResourceKind.PROVIDER, "vsphere").at("/spec").has("bogus")).isFalse();
    }

    @Test
    @Order(6)
    void invalidObjectsListEveryCause() throws Exception {
        Kubectl.Result r = kubectl.runWithInput("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: Wave_1}
                spec:
                  pvcNameTemplate: "{{.VmName"
                  provider: {source: {name: vsphere}, destination: {name: host}}
                  map: {network: {name: net}, storage: {name: store}}
                  vms: [{name: vm1, hooks: [{hook: {name: a}, step: PreHook}, {hook: {name: b}, step: PreHook}]}]
                """, "create", "-f", "-");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("metadata.name", "spec.pvcNameTemplate", "spec.vms[0].hooks[1].step");
    }

    @Test
    @Order(7)
    void eventsAreListedAndReadOnly() throws Exception {
        ObjectNode e = RunningServer.JSON.createObjectNode();
        e.putObject("metadata").put("name", "vsphere.1").put("namespace", "demo");
        e.putObject("involvedObject").put("kind", "Provider").put("name", "vsphere").put("namespace", "demo")
                .put("apiVersion", "forklift.konveyor.io/v1beta1");
        e.put("reason", "ConnectionFailed").put("message", "cannot reach vCenter").put("type", "Warning");
        api.server.store().create(ResourceKind.EVENT, e);
        assertThat(kubectl.run("get", "events").ok().out()).contains("ConnectionFailed", "cannot reach vCenter");
        assertThat(kubectl.run("get", "events", "-A").ok().out()).contains("ConnectionFailed");
        Kubectl.Result delete = kubectl.run("delete", "event", "vsphere.1");
        assertThat(delete.code()).isNotZero();
        assertThat(delete.err()).contains("written by the platform");
    }

    @Test
    @Order(8)
    void deleteRemovesForReal() throws Exception {
        assertThat(kubectl.run("delete", "provider", "vsphere").ok().out()).contains("deleted");
        assertThat(stored(ResourceKind.PROVIDER, "vsphere")).isNull();
        Kubectl.Result missing = kubectl.run("get", "provider", "vsphere");
        assertThat(missing.code()).isNotZero();
        // kubectl get prints its generic 404 text here (delete and patch print the Status message)
        assertThat(missing.err()).contains("NotFound");
        Kubectl.Result deleteAgain = kubectl.run("delete", "provider", "vsphere");
        assertThat(deleteAgain.code()).isNotZero();
        assertThat(deleteAgain.err()).contains("providers \"vsphere\" not found");
    }
}
