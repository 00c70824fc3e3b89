package io.hoist.cli;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.tool.VerifyTool;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hoist verify TARGET}: recompute a disk's checksum (sha256-4m or xxh128-4m) by reading it. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Read a disk and print its checksum (the one hoist copy prints).",
                "TARGET: a file or block device, an http(s) URL, nbd://host:port/export or nbd+unix:///export?socket=PATH."})
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET")
    String target;

    @Option(names = "--expect", description = "Exit 1 unless the checksum equals this sha256-4m:... or xxh128-4m:... value.")
    String expect;

    @Option(names = "--checksum", paramLabel = "sha256-4m|xxh128-4m", converter = CopyCommand.ChecksumModeConverter.class,
            description = "Which checksum to compute; default: the kind --expect names, else sha256-4m.")
    ChecksumMode checksum;

    @picocli.CommandLine.Mixin
    TlsOptions tlsOptions;

    @Override
    public Integer call() throws Exception {
        TlsSettings tls = tlsOptions.settings();
        String sum;
        try {
            sum = VerifyTool.run(target, tls, mode(), System.out);
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

    /** --checksum, else the kind --expect names, else sha256-4m; --checksum none or one that --expect contradicts is refused. */
    private ChecksumMode mode() {
        ChecksumMode expected = expect == null ? null : ChecksumMode.ofChecksum(expect);
        if (expect != null && expected == null) {
            throw new CliException("--expect: '" + expect + "' is not a sha256-4m:... or xxh128-4m:... checksum");
        }
        if (checksum != null && !checksum.verifies()) {
            throw new CliException("--checksum: verify computes a checksum; 'none' is not one (use sha256-4m or xxh128-4m)");
        }
        if (checksum != null && expected != null && checksum != expected) {
            throw new CliException("--checksum " + checksum + " cannot produce the " + expected + " checksum given to --expect");
        }
        return checksum != null ? checksum : expected != null ? expected : ChecksumMode.SHA256_4M;
    }
}
