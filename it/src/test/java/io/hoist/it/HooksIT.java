package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliContext;
import io.hoist.cli.Main;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.Manifests;
import io.hoist.core.model.ResourceKind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MTV Hooks end to end: a child JVM runs {@code hoist serve} with the plugin jars of dist/plugins (hooks-ansible
 * among them), migrates OVAs into a folder and runs the Hooks with the host's real ansible-playbook.
 */
class HooksIT {
    static final Path REPO = Path.of(System.getProperty("hoist.repo.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    Path shared; // what hooks write; hooks run as an unprivileged user when the tests run as root
    CrashResumeIT.Child child;

    @BeforeEach
    void sharedFolder() throws Exception {
        shared = Files.createTempDirectory(Path.of("/tmp"), "hoist-hooks-it-");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.kill();
        }
        try (var walk = Files.walk(shared)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * The folder destination writes 0750 folders and 0640 manifests; when the tests run as root the hooks run as
     * nobody, so, as examples/hooks/README.md tells root users, the target folder is given to nobody's group with
     * the setgid bit, which every folder and manifest made under it inherits.
     */
    static void hookGroupCanRead(Path target) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return; // the hooks run as the platform's own user, who owns the output
        }
        Process chgrp = new ProcessBuilder("chgrp", "nogroup", target.toString()).inheritIO().start();
        assertThat(chgrp.waitFor()).isZero();
        Process chmod = new ProcessBuilder("chmod", "g+s", target.toString()).inheritIO().start();
        assertThat(chmod.waitFor()).isZero();
    }

    /** examples/ova's providers and maps and examples/hooks, with /tmp/hoist-demo moved to {@code demo}. */
    void applyExamples(ApiClient api, Path demo, String extraVms) throws Exception {
        for (String f : List.of("10-secret.yaml", "20-providers.yaml", "50-networkmap.yaml", "60-storagemap.yaml")) {
            create(api, Files.readString(REPO.resolve("examples/ova").resolve(f)).replace("/tmp/hoist-demo", demo.toString()));
        }
        Path hooks = REPO.resolve("examples/hooks");
        // The Hooks file carries the plain playbooks beside it, base64-encoded as MTV stores them.
        List<ObjectNode> stored = Manifests.parse(Files.readString(hooks.resolve("40-hooks.yaml")));
        assertThat(decode(stored.get(0))).isEqualTo(Files.readString(hooks.resolve("playbooks/pre-hook.yml")));
        assertThat(decode(stored.get(1))).isEqualTo(Files.readString(hooks.resolve("playbooks/post-hook.yml")));
        for (ObjectNode hook : stored) {
            String playbook = decode(hook).replace("/tmp/hoist-demo", demo.toString());
            ((ObjectNode) hook.path("spec")).put("playbook", Base64.getEncoder().encodeToString(playbook.getBytes(StandardCharsets.UTF_8)));
            api.create(ResourceKind.HOOK, "hoist", hook);
        }
        create(api, Files.readString(hooks.resolve("70-plan.yaml")) + extraVms);
    }

    static String decode(ObjectNode hook) {
        return new String(Base64.getMimeDecoder().decode(hook.at("/spec/playbook").asText()), StandardCharsets.UTF_8);
    }

    static void create(ApiClient api, String yaml) {
        api.ensureNamespace("hoist"); // the examples' namespace (their 00-namespace.yaml)
        for (ObjectNode o : Manifests.parse(yaml)) {
            api.create(ResourceKind.byKind(o.path("kind").asText()).orElseThrow(), o.at("/metadata/namespace").asText("hoist"), o);
        }
    }

    static String hookYaml(String name, String playbook, long deadline) {
        return """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Hook
                metadata: {name: %s, namespace: hoist}
                spec:
                  image: quay.io/kubev2v/hook-runner
                  deadline: %d
                  playbook: %s
                """.formatted(name, deadline, Base64.getEncoder().encodeToString(playbook.getBytes(StandardCharsets.UTF_8)));
    }

    JsonNode waitFinal(ApiClient api, String plan, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            JsonNode p = child.client().get(ResourceKind.PLAN, "hoist", plan);
            if (p.at("/status/migration/completed").isTextual()
                    && (CrashResumeIT.isTrue(p, "Succeeded") || CrashResumeIT.isTrue(p, "Failed"))) {
                return p;
            }
            assertThat(System.nanoTime()).as("plan " + plan + " did not end: " + p.path("status")).isLessThan(end);
            Thread.sleep(500);
        }
    }

    static JsonNode vm(JsonNode plan, String name) {
        for (JsonNode v : plan.at("/status/migration/vms")) {
            if (name.equals(v.path("name").asText())) {
                return v;
            }
        }
        throw new AssertionError("no VM " + name + " in " + plan.path("status"));
    }

    static boolean vmIs(JsonNode vm, String type) {
        for (JsonNode c : vm.path("conditions")) {
            if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    static JsonNode step(JsonNode vm, String name) {
        for (JsonNode s : vm.path("pipeline")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        throw new AssertionError("no step " + name + " in " + vm);
    }

    String[] cli(String... args) throws Exception {
        String token = Files.readString(child.data().resolve("token")).trim();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--server";
        all[args.length + 1] = "http://127.0.0.1:" + child.port();
        all[args.length + 2] = "--token";
        all[args.length + 3] = token;
        int code = Main.run(all, new CliContext(Map.of(), new java.io.ByteArrayInputStream(new byte[0])), new PrintWriter(out), new PrintWriter(err));
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void examplesHooksRunAroundTheMigrationAndAFailedPostHookFailsOnlyItsVm() throws Exception {
        Path demo = Files.createDirectories(shared.resolve("demo"));
        Path ova = Files.createDirectories(demo.resolve("ova"));
        Files.createDirectories(demo.resolve("target"));
        Files.setPosixFilePermissions(demo.resolve("target"), PosixFilePermissions.fromString("rwxr-xr-x"));
        hookGroupCanRead(demo.resolve("target"));
        Appliances.build(ova, "quickstart-appliance", 16, 7L, "00:50:56:8a:01:23");
        Appliances.build(ova, "other-vm", 16, 8L, "00:50:56:8a:01:24");
        child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
        ApiClient api = child.client();
        create(api, hookYaml("app-check", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - name: Check the application answers
                    fail:
                      msg: application did not answer on port 8080
                """, 60));
        applyExamples(api, demo, """
                    - name: other-vm
                      hooks:
                        - hook: {name: show-workload, namespace: hoist}
                          step: PreHook
                        - hook: {name: app-check, namespace: hoist}
                          step: PostHook
                """);
        CrashResumeIT.waitTrue(api, ResourceKind.PLAN, "hoist", "ova-hooks-demo", "Ready", 120);
        create(api, Files.readString(REPO.resolve("examples/hooks/80-migration.yaml")));
        JsonNode plan = waitFinal(api, "ova-hooks-demo", 300);

        JsonNode good = vm(plan, "quickstart-appliance");
        assertThat(vmIs(good, "Succeeded")).as(good.toString()).isTrue();
        assertThat(step(good, "PreHook").at("/annotations/hoist.io~1hook-result").asText()).startsWith("ansible-playbook succeeded: localhost ok=2");
        assertThat(step(good, "PostHook").at("/annotations/hoist.io~1output").asText()).contains("localhost");
        JsonNode bad = vm(plan, "other-vm");
        assertThat(vmIs(bad, "Failed")).as(bad.toString()).isTrue();
        assertThat(bad.at("/error/phase").asText()).isEqualTo("PostHook");
        assertThat(step(bad, "PostHook").at("/error/reasons/0").asText())
                .contains("task \"Check the application answers\" failed on localhost: application did not answer on port 8080");
        assertThat(demo.resolve("target/demo-hooks/other-vm/virtualmachine.yaml")).as("the VM was created before its PostHook").exists();

        String[] logs = cli("logs", "ova-hooks-demo", "quickstart-appliance", "-n", "hoist");
        assertThat(logs[0]).as(logs[2]).isEqualTo("0");
        assertThat(logs[1]).contains("==> PreHook <==").contains("quickstart-appliance (MACs 00:50:56:8a:01:23) from ova-local to namespace demo-hooks")
                .contains("==> PostHook <==").contains("quickstart-appliance migrated: " + demo.resolve("target/demo-hooks/quickstart-appliance/virtualmachine.yaml"));
        String[] failed = cli("logs", "ova-hooks-demo", "other-vm", "--step", "PostHook", "-n", "hoist");
        assertThat(failed[1]).contains("fatal: [localhost]: FAILED!").doesNotContain("==> PreHook");
        String[] unknown = cli("logs", "ova-hooks-demo", "no-such-vm", "-n", "hoist");
        assertThat(unknown[0]).isNotEqualTo("0");
        assertThat(unknown[2]).contains("VM \"no-such-vm\" is not in the latest migration of plan hoist/ova-hooks-demo");

        // An image-only Hook cannot run without a cluster: the plan says why and is not Ready.
        create(api, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Hook
                metadata: {name: image-only, namespace: hoist}
                spec: {image: registry.example/custom-hook:1}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: image-hook, namespace: hoist}
                spec:
                  targetNamespace: demo-image
                  provider: {source: {name: ova-local}, destination: {name: local-folder}}
                  map: {network: {name: ova-networks}, storage: {name: ova-storage}}
                  vms:
                  - name: quickstart-appliance
                    hooks: [{hook: {name: image-only}, step: PreHook}]
                """);
        JsonNode refused = CrashResumeIT.waitTrue(api, ResourceKind.PLAN, "hoist", "image-hook", "HookNotValid", 60);
        assertThat(CrashResumeIT.isTrue(refused, "Ready")).isFalse();
        assertThat(refused.path("status").path("conditions").toString())
                .contains("hook hoist/image-only has no playbook (spec.playbook), only the image registry.example/custom-hook:1")
                .contains("local-folder is a folder");
    }

    @Test
    void aSucceededHookNeverRunsTwiceAcrossKillNineAndARestartedVmRunsItsHooksAgain() throws Exception {
        Path ova = Files.createDirectories(shared.resolve("ova"));
        Path target = Files.createDirectories(shared.resolve("target"));
        Appliances.build(ova, "hooked-vm", 16, 9L, "00:50:56:8a:02:01");
        Path counter = shared.resolve("count");
        Path flag = shared.resolve("post-may-pass");
        child = CrashResumeIT.Child.start(tmp.resolve("data"), CrashResumeIT.freePort());
        ApiClient api = child.client();
        create(api, """
                apiVersion: v1
                kind: Secret
                metadata: {name: ova, namespace: hoist}
                type: Opaque
                stringData: {url: "file://%1$s"}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: ova, namespace: hoist}
                spec: {type: ova, url: "file://%1$s", secret: {name: ova, namespace: hoist}}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Provider
                metadata: {name: folder, namespace: hoist}
                spec: {type: openshift, url: "file://%2$s", secret: {name: ova, namespace: hoist}}
                """.formatted(ova, target));
        JsonNode provider = CrashResumeIT.waitTrue(api, ResourceKind.PROVIDER, "hoist", "ova", "Ready", 120);
        String storage = CrashResumeIT.items(api.getPath("/providers/ova/" + provider.at("/metadata/uid").asText() + "/storages"))
                .get(0).path("id").asText();
        create(api, hookYaml("pre", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - shell: echo pre >> %s
                  - pause: {seconds: 3}
                """.formatted(counter), 120));
        create(api, hookYaml("post", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - shell: echo post >> %s
                  - stat: {path: %s}
                    register: flag
                  - fail: {msg: the application is not ready yet}
                    when: not flag.stat.exists
                """.formatted(counter, flag), 120));
        create(api, """
                apiVersion: forklift.konveyor.io/v1beta1
                kind: NetworkMap
                metadata: {name: net, namespace: hoist}
                spec:
                  provider: {source: {name: ova}, destination: {name: folder}}
                  map: [{source: {name: "VM Network"}, destination: {type: pod}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: StorageMap
                metadata: {name: stor, namespace: hoist}
                spec:
                  provider: {source: {name: ova}, destination: {name: folder}}
                  map: [{source: {id: "%s"}, destination: {storageClass: standard}}]
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: once, namespace: hoist}
                spec:
                  skipGuestConversion: true   # the sample appliance has no operating system to convert
                  targetNamespace: migrated
                  provider: {source: {name: ova}, destination: {name: folder}}
                  map: {network: {name: net}, storage: {name: stor}}
                  vms:
                  - name: hooked-vm
                    hooks:
                    - {hook: {name: pre}, step: PreHook}
                    - {hook: {name: post}, step: PostHook}
                ---
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Migration
                metadata: {name: once-1, namespace: hoist}
                spec: {plan: {name: once}}
                """.formatted(storage));
        // Kill -9 while the PreHook runs (its line written, its pause going on): the hook ends while the platform
        // is down, so its status can only be written after the restart.
        long end = System.nanoTime() + 180_000_000_000L;
        while (!Files.exists(counter) || Files.readAllLines(counter).isEmpty()) {
            assertThat(System.nanoTime()).as("the PreHook did not start").isLessThan(end);
            Thread.sleep(100);
        }
        child.kill();
        Thread.sleep(4000);
        child = CrashResumeIT.Child.start(child.data(), child.port());
        JsonNode plan = waitFinal(child.client(), "once", 300);
        JsonNode vm = vm(plan, "hooked-vm");
        assertThat(vmIs(vm, "Failed")).as(vm.toString()).isTrue();
        assertThat(vm.at("/error/phase").asText()).isEqualTo("PostHook");
        assertThat(Files.readAllLines(counter)).as("each hook ran once").containsExactly("pre", "post");

        // The user fixes what the PostHook checks and restarts: a new Migration runs the VM, and its hooks, again.
        Files.writeString(flag, "ok");
        Files.setPosixFilePermissions(flag, PosixFilePermissions.fromString("rw-r--r--"));
        String[] restart = cli("restart", "once", "-n", "hoist");
        assertThat(restart[0]).as(restart[2]).isEqualTo("0");
        long until = System.nanoTime() + 300_000_000_000L;
        while (true) {
            JsonNode p = child.client().get(ResourceKind.PLAN, "hoist", "once");
            if (CrashResumeIT.isTrue(p, "Succeeded")) {
                break;
            }
            assertThat(CrashResumeIT.isTrue(p, "Failed") && p.at("/status/migration/history").size() > 1).as(p.path("status").toString()).isFalse();
            assertThat(System.nanoTime()).as("restarted plan did not succeed: " + p.path("status")).isLessThan(until);
            Thread.sleep(500);
        }
        assertThat(Files.readAllLines(counter)).containsExactly("pre", "post", "pre", "post");
    }
}
