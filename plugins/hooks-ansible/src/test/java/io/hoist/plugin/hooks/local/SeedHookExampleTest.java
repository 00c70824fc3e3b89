package io.hoist.plugin.hooks.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.plugin.hooks.testing.HookRunForTest;
import io.hoist.plugin.hooks.testing.SshServerForTest;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example playbook of the MTV docs' hook chapter ({@code proc_adding-migration-hook-via-cli.adoc}), read from
 * the shared seed. Its first task is {@code k8s_info} (the {@code kubernetes.core} collection, which MTV's
 * hook-runner image has, with the Python kubernetes client and a cluster to ask): on the Hoist host it fails at that
 * task, naming it. With that one task
 * replaced by the Secret file Hoist gives the hook, the rest runs unchanged: it writes the SSH key to
 * {@code ~/.ssh/id_rsa}, logs into {@code vm.ipaddress} as root over SSH (an OpenSSH server on a loopback address,
 * port 22, as the playbook names none), stops MariaDB and writes {@code /premigration.txt} there.
 */
class SeedHookExampleTest {
    @TempDir
    Path tmp;

    static String seedPlaybook() throws Exception {
        Path doc = Path.of(System.getProperty("hoist.shared.dir", "../../../shared"))
                .resolve("seed/upstream-docs/proc_adding-migration-hook-via-cli.adoc");
        String text = Files.readString(doc);
        int start = text.indexOf("- name: Main\n");
        int end = text.indexOf("\n----", start);
        assertThat(start).as("example playbook in " + doc).isPositive();
        return text.substring(start, end + 1);
    }

    static Map<String, Object> vsphereWorkload(String ip) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("id", "vm-2001");
        w.put("name", "mariadb-01");
        w.put("ipAddress", ip);
        w.put("selfLink", "providers/vsphere/u/workloads/vm-2001");
        return w;
    }

    @Test
    void asWrittenItNeedsKubernetesCore() throws Exception {
        HookRunForTest r = HookRunForTest.ova(Files.createDirectories(tmp.resolve("state")), "PreHook", seedPlaybook(), 120);
        assertThatThrownBy(() -> new LocalPlaybookRunner().run(r)).isInstanceOfSatisfying(HoistException.class, e ->
                // Without the collection ansible cannot resolve the module; with Debian's "ansible" package (collections,
                // a Recommends of ansible-core) it resolves but lacks the Python kubernetes client and a cluster.
                assertThat(e.getMessage()).as(r.log().toString()).containsAnyOf("couldn't resolve module/action 'k8s_info'",
                        "task \"k8s_info\" failed on localhost: Failed to import the required Python library (kubernetes)"));
    }

    @Test
    void withTheSecretFileInsteadOfK8sInfoTheRestRunsUnchanged() throws Exception {
        Assumptions.assumeTrue(SshServerForTest.isRoot(), "the example logs in as root on port 22: needs root");
        String playbook = seedPlaybook();
        String k8sInfo = playbook.substring(playbook.indexOf("  - k8s_info:"), playbook.indexOf("register: ssh_credentials\n")
                + "register: ssh_credentials\n".length());
        String hoist = """
                  - name: Read the SSH key Hoist gives the hook as a file (Secret privkey)
                    set_fact:
                      ssh_credentials: {resources: [{data: {key: "{{ lookup('file', 'secrets/privkey/key', rstrip=false) | b64encode }}"}}]}
                """;
        String adapted = playbook.replace(k8sInfo, hoist);
        assertThat(adapted.replace(hoist, "")).isEqualTo(playbook.replace(k8sInfo, "")); // nothing else changed

        String address = freeLoopbackOn22();
        Path marker = Path.of("/premigration.txt");
        byte[] before = Files.exists(marker) ? Files.readAllBytes(marker) : null;
        try (SshServerForTest vm = SshServerForTest.start(tmp.resolve("sshd"), address, 22)) {
            HookRunForTest r = HookRunForTest.ova(Files.createDirectories(tmp.resolve("state")), "PreHook", adapted, 180)
                    .withSecrets(Map.of("privkey", Map.of("key", vm.clientPrivateKey)));
            r = new HookRunForTest(r.hook(), r.runId(), r.planNamespace(), r.planName(), r.planUid(), r.migrationUid(), r.vmId(),
                    r.vmName(), r.targetNamespace(), r.plan(), "vsphere", vsphereWorkload(address), r.destination(), r.secrets(),
                    r.settings(), r.stateDir(), r.log(), r.cancel());
            String summary = new LocalPlaybookRunner().run(r);
            assertThat(summary).contains(address + " ok=3 changed=1"); // facts, Stop MariaDB (already stopped), Create Test File
            assertThat(r.log().toString()).contains("TASK [Stop MariaDB]").contains("TASK [Create Test File]");
            assertThat(Files.readString(marker)).isEqualTo("Migration from ova-local of vm-2001 has finished\n");
        } finally {
            if (before != null) {
                Files.write(marker, before);
            } else {
                Files.deleteIfExists(marker);
            }
        }
    }

    /** 127.x.y.z with nothing listening on port 22. */
    static String freeLoopbackOn22() throws Exception {
        Random random = new Random();
        for (int i = 0; i < 20; i++) {
            String a = "127." + (1 + random.nextInt(250)) + "." + random.nextInt(250) + "." + (2 + random.nextInt(250));
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(a, 22));
                return a;
            } catch (java.io.IOException taken) {
                // try another address
            }
        }
        throw new IllegalStateException("no free loopback address on port 22");
    }
}
