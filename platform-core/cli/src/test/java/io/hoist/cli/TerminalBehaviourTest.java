package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;
import io.hoist.core.server.HoistServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the CLI does on a terminal and off it (issue 20 items 7 and 8): the real {@code hoist} main class in its
 * own JVM, once in a pseudo-terminal made by util-linux {@code script} and once with its output on a pipe.
 * Redraws and colour appear only in the first; NO_COLOR turns colour off there too.
 */
class TerminalBehaviourTest {
    private static final String ESC = "\033[";
    private static final String CLEAR = "\033[H\033[2J";

    @TempDir
    Path data;

    private HoistServer server;

    @BeforeEach
    void start() throws Exception {
        server = HoistServer.builder().dataDir(data).port(0).namespaces("demo").admission(new ProviderUrlAdmissionTestDouble()).build().start();
        CliHarness.Result apply = new CliHarness(Map.of()).runWithStdin("""
                apiVersion: forklift.konveyor.io/v1beta1
                kind: Plan
                metadata: {name: web, namespace: demo}
                spec: {vms: [{id: vm-1, name: web-01}]}
                """, "apply", "-f", "-", "--data-dir", data.toString());
        assertThat(apply.code()).as(apply.err()).isZero();
        ObjectNode plan = server.store().get(ResourceKind.PLAN, "demo", "web").orElseThrow();
        ObjectNode status = plan.putObject("status");
        status.putArray("conditions").addObject().put("type", "Succeeded").put("status", "True");
        ObjectNode vm = status.putObject("migration").putArray("vms").addObject();
        vm.put("id", "vm-1").put("name", "web-01").put("phase", "Completed");
        vm.putArray("conditions").addObject().put("type", "Succeeded").put("status", "True");
        server.store().updateStatus(ResourceKind.PLAN, plan);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void getWatchRedrawsOnlyOnATerminal() throws Exception {
        String tty = hoistInTerminal(Map.of(), "get", "plans", "-w", "--timeout", "2", "-n", "demo");
        assertThat(tty).contains(CLEAR).contains("NAME").contains("web");
        String piped = hoistPiped(Map.of(), "get", "plans", "-w", "--timeout", "2", "-n", "demo");
        assertThat(piped).doesNotContain(ESC);
        assertThat(piped.lines().toList()).hasSize(2);
        assertThat(piped.lines().findFirst().orElseThrow()).startsWith("NAME");
    }

    @Test
    void statusWatchRedrawsOnlyOnATerminal() throws Exception {
        String tty = hoistInTerminal(Map.of(), "status", "web", "--watch", "-n", "demo");
        assertThat(tty).contains(CLEAR).contains("VM web-01");
        String piped = hoistPiped(Map.of(), "status", "web", "--watch", "-n", "demo");
        assertThat(piped).doesNotContain(ESC).contains("VM web-01");
    }

    @Test
    void colourOnlyOnATerminalAndNotWithNoColor() throws Exception {
        String tty = hoistInTerminal(Map.of(), "get", "plan", "nope", "-n", "demo");
        assertThat(tty).contains(ESC + "31merror:" + ESC + "0m plan 'nope' not found");
        String noColor = hoistInTerminal(Map.of("NO_COLOR", "1"), "get", "plan", "nope", "-n", "demo");
        assertThat(noColor).contains("error: plan 'nope' not found").doesNotContain(ESC);
        String piped = hoistPiped(Map.of(), "get", "plan", "nope", "-n", "demo");
        assertThat(piped).isEqualTo("error: plan 'nope' not found in namespace 'demo'\n");

        assertThat(hoistInTerminal(Map.of(), "get", "--help")).contains(ESC);
        assertThat(hoistInTerminal(Map.of("NO_COLOR", "1"), "get", "--help")).doesNotContain(ESC).contains("Usage: hoist get");
    }

    /** The CLI's JVM command: the same main class and classpath the {@code hoist} launcher runs. */
    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.hoist.cli.Main"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", data.toString()));
        return cmd;
    }

    private String hoistPiped(Map<String, String> env, String... args) throws Exception {
        return run(new ProcessBuilder(command(args)), env);
    }

    /** Runs in a pseudo-terminal: {@code script -qec CMD /dev/null} gives the command a pty for stdin and stdout. */
    private String hoistInTerminal(Map<String, String> env, String... args) throws Exception {
        StringBuilder line = new StringBuilder();
        for (String a : command(args)) {
            line.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        return run(new ProcessBuilder("script", "-qec", line.toString().strip(), "/dev/null"), env).replace("\r\n", "\n");
    }

    private String run(ProcessBuilder pb, Map<String, String> env) throws IOException, InterruptedException {
        Map<String, String> e = pb.environment();
        e.remove("NO_COLOR");
        e.put("TERM", "xterm");
        e.putAll(new HashMap<>(env));
        Path out = Files.createTempFile(data, "out", ".txt");
        pb.redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            // Minutes on a loaded machine; ends as soon as the command does.
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("hoist ended: " + pb.command()).isTrue();
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
