package io.hoist.cli;

import io.hoist.api.transfer.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * TLS options of the commands that read disks over https (copy, verify): the same names as every client
 * command's ({@code --cacert}, {@code --insecure-skip-tls-verify}), plus a certificate fingerprint.
 */
public final class TlsOptions {
    @Option(names = "--cacert", paramLabel = "FILE", description = "PEM file of CAs to trust for an https disk URL.")
    Path caFile;

    @Option(names = "--thumbprint", description = "SHA-1 or SHA-256 fingerprint the https server certificate must have.")
    String thumbprint;

    @Option(names = "--insecure-skip-tls-verify", description = "Do not verify https certificates at all (unsafe).")
    boolean insecure;

    TlsSettings settings() {
        if (caFile == null) {
            return new TlsSettings(null, thumbprint, insecure);
        }
        try {
            return new TlsSettings(Files.readString(caFile), thumbprint, insecure);
        } catch (IOException e) {
            throw new CliException("--cacert: cannot read " + caFile + ": " + ErrorLine.describe(e));
        }
    }
}
