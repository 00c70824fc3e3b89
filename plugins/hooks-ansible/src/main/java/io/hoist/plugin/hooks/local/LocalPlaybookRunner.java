package io.hoist.plugin.hooks.local;

import io.hoist.api.HoistException;
import io.hoist.api.hook.HookRun;
import io.hoist.plugin.hooks.ansible.AnsibleOutput;
import io.hoist.plugin.hooks.mtv.MtvHookFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs a Hook's playbook with the Hoist host's {@code ansible-playbook}, the way MTV's hook-runner image does
 * in its pod: in a fresh private folder (mode 0700) holding {@code playbook.yml}, {@code plan.yml} and
 * {@code workload.yml}, with an empty inventory (only the implicit localhost), a scrubbed environment (the folder
 * as HOME, no variable of the platform's), the Secrets the Hook names as files under {@code secrets/<name>/<key>}
 * (mode 0600), and, when Hoist is root, as an unprivileged user. The folder, with the secrets and anything the
 * playbook wrote in HOME (an SSH key), is removed when the run ends.
 *
 * <p>The process runs in its own session so that it outlives a crash of the platform, and records its exit code
 * itself: a restarted platform adopts the run (waits for it, or reads its exit) instead of running it again.
 * The deadline ({@code spec.deadline}, from the recorded start) kills the whole process group and whatever left
 * it (ssh's ControlPersist master).
 */
public final class LocalPlaybookRunner {
    public static final String WORK_DIR_SETTING = "hooks_local_work_dir";
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** Records its pid first and its exit code last; ansible-playbook is "$@". */
    private static final String WRAPPER = """
            state="$1"; shift
            echo $$ > "$state/pid.tmp" && mv -f "$state/pid.tmp" "$state/pid"
            "$@" </dev/null
            rc=$?
            echo $rc > "$state/exit.tmp" && mv -f "$state/exit.tmp" "$state/exit"
            sync "$state/exit" "$state" 2>/dev/null
            exit $rc
            """;

    /** Whether ansible-playbook is on this host's PATH. */
    public static boolean ansibleInstalled() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (String dir : (path + ":/usr/bin:/usr/local/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ansible-playbook"))) {
                return true;
            }
        }
        return false;
    }

    public String run(HookRun run) throws Exception {
        RunState state = new RunState(run.stateDir());
        var recorded = state.result();
        if (recorded.isPresent()) {
            return replay(run, recorded.get()); // finished before a restart: never run twice
        }
        var attempt = state.attempt();
        if (attempt.isPresent()) {
            boolean alive = state.pid().flatMap(pid -> ProcessGroup.find(pid, run.stateDir().toString())).isPresent();
            if (alive || state.exitCode().isPresent()) {
                return await(run, state, attempt.get()); // adopt the run started before the restart
            }
            // Died without an exit (the machine went down): it never completed, so it starts over.
            deleteTree(attempt.get().workDir());
            state.clearAttempt();
        }
        run.log().clear();
        return await(run, state, start(run, state));
    }

    /** Kills a run still going (cancel) and forgets its folder; the record stays for inspection until archive. */
    public void cleanup(HookRun run) throws IOException {
        RunState state = new RunState(run.stateDir());
        var attempt = state.attempt();
        if (attempt.isPresent()) {
            ProcessGroup.killAll(state.pid().orElse(-1L), markers(run, attempt.get()));
            deleteTree(attempt.get().workDir());
        }
    }

    private RunState.Attempt start(HookRun run, RunState state) throws IOException {
        HookUser user = HookUser.resolve(run.settings().get(HookUser.SETTING, null));
        Path base = Path.of(run.settings().get(WORK_DIR_SETTING, System.getProperty("java.io.tmpdir")));
        Path work = Files.createTempDirectory(base, "hoist-hook-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        MtvHookFiles.Files files = MtvHookFiles.of(run.hook().playbook(), run.plan(), run.sourceProviderType(), run.workload());
        writePrivate(work.resolve("playbook.yml"), files.playbook());
        writePrivate(work.resolve("plan.yml"), files.plan());
        writePrivate(work.resolve("workload.yml"), files.workload());
        writePrivate(work.resolve("inventory"), ""); // no hosts but the implicit localhost, as ansible-runner's default
        // ansible expands ~ on the implicit localhost as ~<user>, from the passwd entry (nobody's home does not
        // exist), where MTV's pod has a home: the localhost of a hook runs through a connection that is the local
        // one except that ~ is HOME, this folder (so ~/.ssh/id_rsa of MTV's example playbook lands here).
        Files.createDirectory(work.resolve("host_vars"));
        writePrivate(work.resolve("host_vars/localhost.yml"), "ansible_connection: hoist_local\n"
                + "ansible_remote_tmp: " + work.resolve(".ansible/tmp") + "\n");
        Files.createDirectories(work.resolve(CONNECTION_PLUGINS));
        writePrivate(work.resolve(CONNECTION_PLUGINS).resolve("hoist_local.py"), HOIST_LOCAL);
        writeSecrets(work, run.secrets());
        writePrivate(work.resolve(SSH_CONFIG), sshConfig(work));
        try (var walk = Files.walk(work)) {
            for (Path p : walk.toList()) {
                user.own(p);
            }
        }
        RunState.Attempt attempt = new RunState.Attempt(work, System.currentTimeMillis(), run.hook().deadlineSeconds());
        state.recordAttempt(attempt); // before the process exists: a crash from here on is seen on restart

        List<String> command = new ArrayList<>(List.of("setsid", "--wait", "sh", "-c", WRAPPER, "hoist-hook", run.stateDir().toString()));
        command.addAll(user.prefix());
        command.addAll(List.of("ansible-playbook", "-i", work.resolve("inventory").toString(), work.resolve("playbook.yml").toString()));
        ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(state.output().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(environment(work));
        run.log().append("hoist: running " + run.hook().step() + " hook " + run.hook().namespace() + "/" + run.hook().name()
                + " with ansible-playbook in " + work + (user.switched() ? " as " + user.name() : "")
                + (attempt.deadlineSeconds() > 0 ? ", deadline " + attempt.deadlineSeconds() + " s" : "") + "\n");
        Process p = pb.start();
        p.onExit(); // reaped by the JVM; the outcome is read from the exit file
        return attempt;
    }

    static final String SSH_CONFIG = ".ssh_config";
    static final String CONNECTION_PLUGINS = ".hoist/connection_plugins";
    /** ansible's local connection, with ~ expanded from HOME instead of the user's passwd entry. */
    static final String HOIST_LOCAL = """
            # Hoist: the implicit localhost of a hook, where ~ is the hook's private folder (HOME), as in MTV's hook pod.
            from ansible.plugins.connection.local import Connection as _Local, DOCUMENTATION as _DOC
            DOCUMENTATION = _DOC.replace('name: local', 'name: hoist_local', 1)


            class Connection(_Local):
                transport = 'hoist_local'
                _remote_is_local = True
            """;

    /**
     * The ssh configuration of a hook: the playbook's own ~/.ssh/config first (if it writes one), then this folder's
     * ~/.ssh keys and known_hosts as defaults. Command-line options (a playbook's ansible_ssh_* variables) still win;
     * the Hoist host's ssh configuration is not read.
     */
    static String sshConfig(Path work) {
        Path ssh = work.resolve(".ssh");
        return "Include " + ssh.resolve("config") + "\n"
                + "UserKnownHostsFile " + ssh.resolve("known_hosts") + "\n"
                + "IdentityFile " + ssh.resolve("id_rsa") + "\n"
                + "IdentityFile " + ssh.resolve("id_ecdsa") + "\n"
                + "IdentityFile " + ssh.resolve("id_ed25519") + "\n";
    }

    /** What ansible-playbook sees: nothing of the platform's environment (tokens, other providers' settings). */
    static Map<String, String> environment(Path work) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", work.toString());
        env.put("TMPDIR", work.toString());
        env.put("LANG", "C.UTF-8");
        env.put("LC_ALL", "C.UTF-8");
        env.put("PYTHONUNBUFFERED", "1");
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_FORCE_COLOR", "0");
        env.put("ANSIBLE_RETRY_FILES_ENABLED", "0");
        env.put("ANSIBLE_STDOUT_CALLBACK", "default");
        env.put("ANSIBLE_LOCAL_TEMP", work.resolve(".ansible/tmp").toString());
        env.put("ANSIBLE_CONNECTION_PLUGINS", work.resolve(CONNECTION_PLUGINS).toString());
        // As ansible-runner in MTV's hook-runner image: a migrated VM's host key is new, so it is not checked
        // (a playbook that wants it checked sets ansible_host_key_checking: true and gives known_hosts).
        env.put("ANSIBLE_HOST_KEY_CHECKING", "False");
        // ssh takes ~ from the passwd entry, not HOME: its configuration (written by start) points keys and
        // known_hosts at this folder's ~/.ssh, where MTV playbooks write ~/.ssh/id_rsa.
        env.put("ANSIBLE_SSH_ARGS", "-C -o ControlMaster=auto -o ControlPersist=60s -F " + work.resolve(SSH_CONFIG));
        return env;
    }

    private String await(HookRun run, RunState state, RunState.Attempt attempt) throws Exception {
        List<String> markers = markers(run, attempt);
        long offset = 0;
        if (state.pid().isEmpty() && state.exitCode().isEmpty()) {
            // just started: give the wrapper a moment to record its pid
            waitFor(() -> state.pid().isPresent(), Duration.ofSeconds(10));
        } else {
            run.log().clear(); // adopted: the output file has everything from the start
        }
        long deadlineAt = attempt.deadlineSeconds() > 0 ? attempt.startedMillis() + attempt.deadlineSeconds() * 1000 : Long.MAX_VALUE;
        int deadAndSilent = 0;
        while (true) {
            offset = copy(state.output(), offset, run);
            if (state.exitCode().isPresent()) {
                break;
            }
            long pgid = state.pid().orElse(-1L);
            if (run.canceled()) {
                ProcessGroup.killAll(pgid, markers);
                copy(state.output(), offset, run);
                deleteTree(attempt.workDir());
                run.log().append("hoist: the migration was canceled; the hook was stopped\n");
                throw new HoistException(HoistException.Type.USER_ERROR, "HookCanceled", "hook " + name(run) + " was canceled");
            }
            if (System.currentTimeMillis() >= deadlineAt) {
                ProcessGroup.killAll(pgid, markers);
                copy(state.output(), offset, run);
                String message = "hook " + name(run) + " exceeded its deadline of " + attempt.deadlineSeconds()
                        + " s (spec.deadline) and was stopped";
                run.log().append("hoist: " + message + "\n");
                return finish(run, state, attempt, new RunState.Result(false, "HookDeadlineExceeded", message));
            }
            boolean alive = pgid > 0 && ProcessGroup.find(pgid, run.stateDir().toString()).isPresent();
            if (!alive && ++deadAndSilent > 10) {
                // gone without recording an exit: killed from outside
                return finish(run, state, attempt, new RunState.Result(false, "HookFailed",
                        "hook " + name(run) + ": ansible-playbook was killed before it finished"));
            }
            Thread.sleep(POLL.toMillis());
        }
        int exit = state.exitCode().orElseThrow();
        var already = state.result();
        if (already.isPresent()) {
            return replay(run, already.get()); // another runner of this run (before a restart) finished it
        }
        ProcessGroup.sweep(markers, Duration.ofSeconds(5)); // ssh ControlPersist masters outlive the playbook
        String output = new String(tail(state.output(), 1 << 20), StandardCharsets.UTF_8);
        if (exit == 0) {
            String recap = AnsibleOutput.recap(output);
            return finish(run, state, attempt, new RunState.Result(true, "", "ansible-playbook succeeded" + (recap.isEmpty() ? "" : ": " + recap)));
        }
        String why = AnsibleOutput.failure(output).orElse("ansible-playbook exited with code " + exit);
        return finish(run, state, attempt, new RunState.Result(false, "HookFailed", "hook " + name(run) + " failed: " + why));
    }

    private String finish(HookRun run, RunState state, RunState.Attempt attempt, RunState.Result result) throws Exception {
        deleteTree(attempt.workDir()); // the secrets and whatever the playbook left in HOME
        var earlier = state.result();
        if (earlier.isPresent()) {
            return replay(run, earlier.get()); // recorded by another caller of this run: one outcome only
        }
        state.recordResult(result);    // durable before the engine moves on (the output file goes at archive)
        return replay(run, result);
    }

    private static String replay(HookRun run, RunState.Result result) {
        if (result.ok()) {
            return result.message();
        }
        throw new HoistException(HoistException.Type.USER_ERROR, result.code(), result.message());
    }

    private static List<String> markers(HookRun run, RunState.Attempt attempt) {
        return List.of(attempt.workDir().toString(), run.stateDir().toString());
    }

    private static String name(HookRun run) {
        return run.hook().namespace() + "/" + run.hook().name();
    }

    private static void writeSecrets(Path work, Map<String, Map<String, String>> secrets) throws IOException {
        if (secrets.isEmpty()) {
            return;
        }
        Path root = Files.createDirectory(work.resolve("secrets"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (var s : secrets.entrySet()) {
            if (!SAFE_NAME.matcher(s.getKey()).matches()) {
                throw new HoistException(HoistException.Type.USER_ERROR, "HookNotValid", "Secret name '" + s.getKey() + "' is not a valid name");
            }
            Path dir = Files.createDirectory(root.resolve(s.getKey()), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (var kv : s.getValue().entrySet()) {
                if (!SAFE_NAME.matcher(kv.getKey()).matches() || kv.getKey().contains("..")) {
                    throw new HoistException(HoistException.Type.USER_ERROR, "HookNotValid",
                            "Secret " + s.getKey() + ": key '" + kv.getKey() + "' cannot be a file name");
                }
                writePrivate(dir.resolve(kv.getKey()), kv.getValue());
            }
        }
    }

    private static void writePrivate(Path f, String content) throws IOException {
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(f, content, StandardCharsets.UTF_8);
    }

    /** Appends what the output file has past {@code offset} to the run's log; returns the new offset. */
    private static long copy(Path output, long offset, HookRun run) throws IOException {
        if (!Files.isRegularFile(output)) {
            return offset;
        }
        try (RandomAccessFile raf = new RandomAccessFile(output.toFile(), "r")) {
            long len = raf.length();
            if (len <= offset) {
                return offset;
            }
            if (len - offset > (2 << 20)) {
                offset = len - (1 << 20); // the log keeps 1 MiB anyway
            }
            byte[] buf = new byte[(int) (len - offset)];
            raf.seek(offset);
            raf.readFully(buf);
            // stop before a cut UTF-8 sequence; it is read next time
            int end = buf.length;
            while (end > 0 && (buf[end - 1] & 0xC0) == 0x80) {
                end--;
            }
            if (end > 0 && (buf[end - 1] & 0x80) != 0) {
                end--;
            }
            if (end <= 0) {
                end = buf.length;
            }
            run.log().append(new String(buf, 0, end, StandardCharsets.UTF_8));
            return offset + end;
        }
    }

    static byte[] tail(Path f, int max) throws IOException {
        if (!Files.isRegularFile(f)) {
            return new byte[0];
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "r")) {
            long len = raf.length();
            int n = (int) Math.min(len, max);
            byte[] out = new byte[n];
            raf.seek(len - n);
            raf.readFully(out);
            return out;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException gone) {
            // removed meanwhile (the same run finished by another caller)
        }
    }
}
