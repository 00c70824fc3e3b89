package io.hoist.cli;

import io.hoist.api.transfer.TlsSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** TLS options of the commands that read disks over https (copy, verify), as one picocli mixin. */
public final class TlsOptions {
    @Option(names = "--ca-file", description = "PEM CA certificate(s) to trust for https.")
    Path caFile;

    @Option(names = "--thumbprint", description = "SHA-1 or SHA-256 fingerprint the https server certificate must have.")
    String thumbprint;

    @Option(names = "--insecure-skip-verify", description = "Do not verify https certificates at all.")
    boolean insecure;

    TlsSettings settings() throws IOException {
        return new TlsSettings(caFile == null ? null : Files.readString(caFile), thumbprint, insecure);
    }
}
