package io.hoist.cli;

import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.DiskChecksum;
import io.hoist.core.transfer.tool.CopySpec;
import io.hoist.core.transfer.tool.CopyTool;
import io.hoist.core.transfer.tool.TransferTool;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hoist copy SOURCE TARGET}: one disk through the migration engine's copier. */
@Command(name = "copy", mixinStandardHelpOptions = true,
        description = {"Copy one disk with the transfer engine and print bytes, throughput and both checksums.",
                "SOURCE: a file or block device, an http(s) URL, nbd://host:port/export or nbd+unix:///export?socket=PATH.",
                "TARGET: a file or block device (written sparse), or an http(s) upload URL."})
public final class CopyCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET")
    String target;

    @Option(names = "--in-flight", defaultValue = "8", description = "Requests in flight (default ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--request-size", defaultValue = "4M", description = "Bytes per read request, 64K..4M (default ${DEFAULT-VALUE}).")
    String requestSize;

    @Option(names = "--rate", defaultValue = "0", description = "Bandwidth limit in MiB/s, 0 = none.")
    double rate;

    @Option(names = "--checkpoint-dir", description = "Record checkpoints here so an interrupted copy resumes.")
    Path checkpointDir;

    @Option(names = "--no-progress", description = "Do not print the live progress line.")
    boolean noProgress;

    @Option(names = "--checksum", defaultValue = "sha256-4m", paramLabel = "sha256-4m|xxh128-4m|none",
            converter = ChecksumModeConverter.class,
            description = {"sha256-4m (default): hash both sides and fail on a difference.",
                    "xxh128-4m: the same with XXH3-128, ~20x cheaper; catches accidental corruption, not a party who can choose the bytes.",
                    "none: no hashing (saves ~0.55 CPU-s per GiB of data); the copy is then NOT verified."})
    ChecksumMode checksum;

    /** Lets picocli report a bad value as a usage error (exit 2) naming the option and the choices. */
    static final class ChecksumModeConverter implements picocli.CommandLine.ITypeConverter<ChecksumMode> {
        @Override
        public ChecksumMode convert(String value) {
            try {
                return ChecksumMode.parse(value, "--checksum");
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @picocli.CommandLine.Mixin
    TlsOptions tlsOptions;

    @Override
    public Integer call() throws Exception {
        TlsSettings tls = tlsOptions.settings();
        int size = requestSize == null ? DiskChecksum.BLOCK_SIZE : TransferTool.parseSize(requestSize);
        try {
            CopyTool.run(new CopySpec(source, target, inFlight, size, rate, checkpointDir, tls, !noProgress, checksum), System.out);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            // The transfer engine's exceptions name the failure, not always the disk; say which copy failed.
            throw new CliException("copy " + source + " to " + target + ": " + ErrorLine.describe(e));
        }
        return 0;
    }
}
