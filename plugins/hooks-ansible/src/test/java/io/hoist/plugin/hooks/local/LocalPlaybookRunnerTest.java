package io.hoist.plugin.hooks.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoist.api.HoistException;
import io.hoist.plugin.hooks.testing.HookRunForTest;
import io.hoist.plugin.hooks.testing.SshServerForTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runner against Debian's real ansible-playbook (ansible-core) and a real OpenSSH server. Hooks run as
 * an unprivileged user when the tests run as root, so what they write goes to a world-writable folder.
 */
class LocalPlaybookRunnerTest {
    @TempDir
    Path tmp;
    Path out; // where playbooks write what the test checks (any user may write)
    final LocalPlaybookRunner runner = new LocalPlaybookRunner();

    @BeforeEach
    void outFolder() throws Exception {
        out = Files.createTempDirectory(Path.of("/tmp"), "hoist-hook-test-out-");
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void removeOut() throws Exception {
        LocalPlaybookRunner.deleteTree(out);
    }

    HookRunForTest run(String step, String playbook, long deadline) throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state-" + step + "-" + System.nanoTime()));
        return HookRunForTest.ova(state, step, playbook, deadline);
    }

    @Test
    void preHookReadsWorkloadAndPlanAsMtvWritesThem() throws Exception {
        HookRunForTest r = run("PreHook", """
                - name: Main
                  hosts: localhost
                  vars_files:
                    - plan.yml
                    - workload.yml
                  tasks:
                  - name: Write the VM's name and MAC
                    copy:
                      dest: %s/vm.txt
                      content: "{{ vm.vm1.vm0.name }} {{ vm.nics[0].mac }} from {{ provider.source.name }} id {{ vms[0].ref.id }}\\n"
                """.formatted(out), 0);
        String summary = runner.run(r);
        assertThat(Files.readString(out.resolve("vm.txt"))).isEqualTo("web-01 52:54:00:12:34:56 from ova-local id ova-vm-1\n");
        assertThat(summary).startsWith("ansible-playbook succeeded: localhost ok=").contains("changed=1").contains("failed=0");
        assertThat(r.log().toString()).contains("TASK [Write the VM's name and MAC]").contains("PLAY RECAP");
        Path work = new RunState(r.stateDir()).attempt().orElseThrow().workDir();
        assertThat(work).doesNotExist(); // the private folder is gone
        assertThat(new RunState(r.stateDir()).result().orElseThrow().ok()).isTrue();
    }

    @Test
    void workingFolderIsPrivateEnvironmentScrubbedSecretsAreFilesAndHookRunsUnprivileged() throws Exception {
        HookRunForTest r = run("PreHook", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - name: Look around
                    shell: |
                      stat -c '%%a' . > %1$s/dir-mode
                      stat -c '%%a' secrets/ssh-credentials/key > %1$s/key-mode
                      cat secrets/ssh-credentials/key > %1$s/key
                      ls > %1$s/files
                      env | cut -d= -f1 | sort > %1$s/env
                      id -un > %1$s/user
                      pwd > %1$s/pwd
                """.formatted(out), 0).withSecrets(Map.of("ssh-credentials", Map.of("key", "PRIVATE KEY BYTES")));
        runner.run(r);
        assertThat(Files.readString(out.resolve("dir-mode")).strip()).isEqualTo("700");
        assertThat(Files.readString(out.resolve("key-mode")).strip()).isEqualTo("600");
        assertThat(Files.readString(out.resolve("key"))).isEqualTo("PRIVATE KEY BYTES");
        assertThat(Files.readString(out.resolve("files")).split("\n")).contains("playbook.yml", "plan.yml", "workload.yml", "secrets");
        Set<String> env = new TreeSet<>(java.util.List.of(Files.readString(out.resolve("env")).strip().split("\n")));
        // Only what the runner sets (and what ansible and the shell add themselves): nothing of this JVM's environment.
        assertThat(System.getenv().keySet()).isNotEmpty();
        for (String inherited : System.getenv().keySet()) {
            if (!LocalPlaybookRunner.environment(tmp).containsKey(inherited) && !Set.of("PWD", "SHLVL", "_", "OLDPWD").contains(inherited)) {
                assertThat(env).as("environment of the hook").doesNotContain(inherited);
            }
        }
        assertThat(Files.readString(out.resolve("user")).strip()).isEqualTo(HookUser.isRoot() ? "nobody" : System.getProperty("user.name"));
        Path work = Path.of(Files.readString(out.resolve("pwd")).strip());
        assertThat(work).doesNotExist(); // secrets removed with it
    }

    @Test
    void failingTaskFailsWithAnsiblesTaskAndMessage() throws Exception {
        HookRunForTest r = run("PostHook", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - name: Fine
                    debug: msg=ok
                  - name: Check the application answers
                    fail:
                      msg: application did not answer on port 8080
                """, 0);
        assertThatThrownBy(() -> runner.run(r)).isInstanceOfSatisfying(HoistException.class, e -> {
            assertThat(e.code()).isEqualTo("HookFailed");
            assertThat(e.getMessage()).isEqualTo("hook hoist/hook-posthook failed: task \"Check the application answers\" failed on"
                    + " localhost: application did not answer on port 8080");
        });
        assertThat(r.log().toString()).contains("fatal: [localhost]: FAILED!");
        // A second call (the engine after a restart) gets the recorded outcome without running anything.
        assertThatThrownBy(() -> runner.run(r)).hasMessageContaining("application did not answer");
    }

    @Test
    void deadlineKillsTheWholeProcessTreeInTime() throws Exception {
        HookRunForTest r = run("PreHook", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - name: Wait forever
                    pause:
                      seconds: 600
                """, 3);
        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(r)).isInstanceOfSatisfying(HoistException.class, e -> {
            assertThat(e.code()).isEqualTo("HookDeadlineExceeded");
            assertThat(e.getMessage()).contains("exceeded its deadline of 3 s");
        });
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(Duration.ofSeconds(10)); // 3 s deadline + kill (slack for a loaded machine), not 600 s
        Path work = new RunState(r.stateDir()).attempt().orElseThrow().workDir();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
                .map(c -> c.contains(work.toString()) || c.contains(r.stateDir().toString())).orElse(false)).toList())
                .as("processes of the hook left").isEmpty();
        assertThat(work).doesNotExist();
    }

    @Test
    void aSecondCallAdoptsTheRunningHookInsteadOfRunningItAgain() throws Exception {
        HookRunForTest r = run("PreHook", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - name: Count this run
                    shell: echo ran >> %s/count
                  - name: Take a while
                    pause:
                      seconds: 3
                """.formatted(out), 0);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> call(r));
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(out.resolve("count")) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        // As after a restart of the platform: another runner, the same run id and state folder.
        String second = new LocalPlaybookRunner().run(r);
        assertThat(first.get()).startsWith("ansible-playbook succeeded");
        assertThat(second).isEqualTo(first.get());
        assertThat(new LocalPlaybookRunner().run(r)).isEqualTo(first.get());
        assertThat(Files.readAllLines(out.resolve("count"))).containsExactly("ran");
    }

    @Test
    void cancelStopsTheHook() throws Exception {
        HookRunForTest r = run("PostHook", """
                - hosts: localhost
                  gather_facts: false
                  tasks:
                  - pause:
                      seconds: 600
                """, 0);
        CompletableFuture<Throwable> f = CompletableFuture.supplyAsync(() -> {
            try {
                runner.run(r);
                return null;
            } catch (Exception e) {
                return e;
            }
        });
        Thread.sleep(1500);
        r.cancel().set(true);
        assertThat(f.get()).isInstanceOfSatisfying(HoistException.class, e -> assertThat(e.code()).isEqualTo("HookCanceled"));
    }

    @Test
    void postHookLogsIntoTheMigratedVmOverSsh() throws Exception {
        try (SshServerForTest vm = SshServerForTest.start(tmp.resolve("sshd"))) {
            HookRunForTest r = run("PostHook", """
                    - name: Post-migration check
                      hosts: localhost
                      gather_facts: false
                      vars_files: [workload.yml]
                      tasks:
                      - add_host:
                          name: migrated
                          ansible_host: "%s"
                          ansible_port: %d
                          ansible_user: %s
                          ansible_ssh_private_key_file: secrets/vm-ssh/key
                          ansible_ssh_common_args: "-o UserKnownHostsFile={{ playbook_dir }}/secrets/vm-ssh/known_hosts"
                          ansible_host_key_checking: true
                          groups: vms
                    - hosts: vms
                      gather_facts: false
                      vars_files: [workload.yml]
                      tasks:
                      - name: Leave a marker on the VM
                        shell: echo "migrated {{ vm.vm1.vm0.name }}" > %s/marker
                    """.formatted(vm.address, vm.port, vm.user, out), 120)
                    .withSecrets(Map.of("vm-ssh", Map.of("key", vm.clientPrivateKey, "known_hosts", vm.knownHosts)));
            String summary = runner.run(r);
            assertThat(summary).contains("migrated ok=1");
            assertThat(Files.readString(out.resolve("marker"))).isEqualTo("migrated web-01\n");
            Path work = new RunState(r.stateDir()).attempt().orElseThrow().workDir();
            assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> c.contains(work.toString())).orElse(false))
                    .toList()).as("ssh ControlPersist master left").isEmpty();
        }
    }

    private static String call(HookRunForTest r) {
        try {
            return new LocalPlaybookRunner().run(r);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
