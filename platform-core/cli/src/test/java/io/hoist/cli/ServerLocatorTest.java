package io.hoist.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How client commands find the server and token: options, then environment, then the data dir. */
class ServerLocatorTest {
    @TempDir
    Path data;

    private ApiContractTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ApiContractTestServer("right-token");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void writeDataDir(long pid) throws Exception {
        Files.writeString(data.resolve("server.json"), "{\"url\":\"" + server.url() + "\",\"tls\":false,\"pid\":" + pid + "}");
        Files.writeString(data.resolve("token"), "right-token\n");
    }

    @Test
    void dataDirServerJsonAndToken() throws Exception {
        writeDataDir(ProcessHandle.current().pid());
        CliHarness.Result r = new CliHarness(Map.of()).run("get", "plans", "--data-dir", data.toString());
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEqualTo("No plans found in namespace default.\n");
        assertThat(server.requests()).containsExactly("GET /apis/forklift.konveyor.io/v1beta1/namespaces/default/plans");
    }

    @Test
    void optionsBeatEnvironmentWhichBeatsDataDir() throws Exception {
        writeDataDir(ProcessHandle.current().pid());
        Map<String, String> env = Map.of("HOIST_SERVER", "http://127.0.0.1:1", "HOIST_TOKEN", "wrong");
        CliHarness cli = new CliHarness(env);
        CliHarness.Result viaEnv = cli.run("get", "plans", "--data-dir", data.toString());
        assertThat(viaEnv.code()).isEqualTo(1);
        assertThat(viaEnv.err()).isEqualTo("error: cannot reach the server at http://127.0.0.1:1: connection refused"
                + " (is 'hoist serve' running?)\n");

        CliHarness.Result viaOptions = cli.run("get", "plans", "--server", server.url(), "--token", "right-token");
        assertThat(viaOptions.code()).isZero();
    }

    @Test
    void wrongTokenIsOneClearLineWithoutTheToken() {
        CliHarness.Result r = new CliHarness(Map.of()).run("get", "plans", "--server", server.url(), "--token", "s3cr3t-guess");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: unauthorized: the server at " + server.url()
                + " rejected the token (check --token, HOIST_TOKEN or DATA/token)\n");
        assertThat(r.err()).doesNotContain("s3cr3t-guess");
    }

    @Test
    void missingOrStaleDataDirIsExplained() throws Exception {
        CliHarness cli = new CliHarness(Map.of());
        CliHarness.Result none = cli.run("get", "plans", "--data-dir", data.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).startsWith("error: no server: pass --server or set HOIST_SERVER, or start 'hoist serve --data-dir");

        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        writeDataDir(exited.pid());
        CliHarness.Result stale = cli.run("get", "plans", "--data-dir", data.toString());
        assertThat(stale.err()).isEqualTo("error: the server in " + data + " is not running (process " + exited.pid()
                + " has exited); start it with 'hoist serve --data-dir " + data + "'\n");

        CliHarness.Result badUrl = cli.run("get", "plans", "--server", "vcenter.local", "--token", "x");
        assertThat(badUrl.err()).isEqualTo("error: --server: 'vcenter.local' is not an http:// or https:// URL\n");
    }
}
