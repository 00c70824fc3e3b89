package io.hoist.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoist.cli.CliContext;
import io.hoist.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: a full OVA → KubeVirt-folder migration on the embedded platform. */
class QuickstartIT {
    @Test
    void quickstartMigratesTheSampleApplianceByteForByte(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"quickstart", "--dir", tmp.toString(), "--disk-mib", "24", "--timeout", "240"},
                CliContext.system(), new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as("exit code; stderr: " + err).isZero();
        Path vmDir = tmp.resolve("target/migrated/quickstart-appliance");
        Path disk = Appliances.onlyDiskImage(vmDir);
        assertThat(disk).as("the disk image in " + vmDir).isNotNull().exists();
        assertThat(vmDir.resolve("virtualmachine.yaml")).exists();
        String expected = Appliances.rawSha256(tmp.resolve("ova/quickstart-appliance.ova"), "quickstart-appliance", tmp);
        assertThat(Appliances.sha256(disk)).isEqualTo(expected);
        var vm = io.hoist.core.model.Manifests.parse(Files.readString(vmDir.resolve("virtualmachine.yaml"))).get(0);
        assertThat(vm.path("kind").asText()).isEqualTo("VirtualMachine");
        assertThat(vm.at("/spec/template/spec/domain/devices/interfaces/0/macAddress").asText()).isEqualTo("00:50:56:8a:01:23");
        assertThat(vm.at("/spec/runStrategy").asText()).as("an OVA source is off, so the target stays off").isEqualTo("Halted");

        // issue 20 item 2: plain output that ends with how to look at the result
        String first = out.toString();
        assertThat(first).doesNotContain("\033[").doesNotContainPattern("(?m)^\\d+ \\[").doesNotContain(" INFO ")
                .contains("Migrated. quickstart-appliance is in " + vmDir)
                .contains("./hoist serve --data-dir").contains("./hoist get plans -n quickstart --data-dir")
                .contains(vmDir.resolve("upload.sh").toString())
                // issue 22 item 6: the web console's address and a one-time login link are part of the output
                .containsPattern("(?m)^\\* console: https?://[^/ ]+/console/ +\\(one-time login link, valid 15 minutes: "
                        + "https?://[^/ ]+/console/auth/link\\?code=\\S+\\)$");

        // A second run says plainly that the VM is already migrated, and where; it migrates nothing.
        StringWriter out2 = new StringWriter();
        int code2 = Main.run(new String[] {"quickstart", "--dir", tmp.toString(), "--disk-mib", "24", "--timeout", "240"},
                CliContext.system(), new PrintWriter(out2), new PrintWriter(new StringWriter()));
        assertThat(code2).as(out2.toString()).isZero();
        assertThat(out2.toString()).contains("Already migrated").contains("It is in " + vmDir)
                .contains("./hoist quickstart --again").doesNotContain("starting migration");

        // --again migrates anew: the old copy is gone first and the new one is the same bytes.
        Files.writeString(vmDir.resolve("stale-marker"), "from the first run");
        StringWriter out3 = new StringWriter();
        int code3 = Main.run(new String[] {"quickstart", "--dir", tmp.toString(), "--disk-mib", "24", "--timeout", "240", "--again"},
                CliContext.system(), new PrintWriter(out3), new PrintWriter(new StringWriter()));
        assertThat(code3).as(out3.toString()).isZero();
        assertThat(out3.toString()).contains("migrating again").contains("starting migration").contains("Migrated.");
        assertThat(vmDir.resolve("stale-marker")).doesNotExist();
        assertThat(Appliances.sha256(Appliances.onlyDiskImage(vmDir))).isEqualTo(expected);
    }
}
