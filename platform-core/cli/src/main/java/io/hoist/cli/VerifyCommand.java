package io.hoist.cli;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.tool.VerifyTool;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hoist verify TARGET}: recompute a disk's sha256-4m checksum by reading it. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Read a disk and print its sha256-4m checksum (the one hoist copy prints).",
                "TARGET: a file or block device, an http(s) URL, nbd://host:port/export or nbd+unix:///export?socket=PATH."})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET")
    String target;

    @Option(names = "--expect", description = "Exit 1 unless the checksum equals this sha256-4m:... value.")
    String expect;

    @picocli.CommandLine.Mixin
    TlsOptions tlsOptions;

    @Override
    public Integer call() throws Exception {
        TlsSettings tls = tlsOptions.settings();
        String sum;
        try {
            sum = VerifyTool.run(target, tls, System.out);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("verify " + target + ": " + ErrorLine.describe(e));
        }
        if (expect != null && !expect.equals(sum)) {
            System.err.println("checksum mismatch: expected " + expect + ", got " + sum);
            return 1;
        }
        return 0;
    }
}
