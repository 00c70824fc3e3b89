package io.hoist.core.transfer.tool;

import io.hoist.api.HoistException;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.core.transfer.checksum.ChecksumMode;
import io.hoist.core.transfer.checksum.DiskChecksum;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A runnable entry point of this module alone ({@code java -cp ... io.hoist.core.transfer.tool.TransferTool}),
 * used by the benchmark before the full CLI exists; {@code hoist copy} and {@code hoist verify} call the same
 * {@link CopyTool} and {@link VerifyTool}.
 *
 * <pre>
 * copy [--in-flight N] [--request-size BYTES[K|M]] [--rate MIBPS] [--checkpoint-dir DIR] [--progress]
 *      [--checksum sha256-4m|xxh128-4m|none]
 *      [--ca-file PEM] [--thumbprint HEX] [--insecure-skip-verify] SOURCE TARGET
 * verify [--checksum sha256-4m|xxh128-4m] [--ca-file PEM] [--thumbprint HEX] [--insecure-skip-verify] TARGET
 * </pre>
 */
public final class TransferTool {
    private TransferTool() {}

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (HoistException e) {
            System.err.println("error [" + e.code() + "]: " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String[] args) throws IOException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: copy [options] SOURCE TARGET | verify [options] TARGET");
        }
        int inFlight = 8;
        int requestSize = DiskChecksum.BLOCK_SIZE;
        double rate = 0;
        Path checkpointDir = null;
        boolean progress = false;
        String caFile = null;
        String thumbprint = null;
        boolean insecure = false;
        ChecksumMode checksum = ChecksumMode.SHA256_4M;
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--in-flight" -> inFlight = Integer.parseInt(value(args, ++i, a));
                case "--request-size" -> requestSize = parseSize(value(args, ++i, a));
                case "--rate" -> rate = Double.parseDouble(value(args, ++i, a));
                case "--checkpoint-dir" -> checkpointDir = Path.of(value(args, ++i, a));
                case "--progress" -> progress = true;
                case "--ca-file" -> caFile = value(args, ++i, a);
                case "--thumbprint" -> thumbprint = value(args, ++i, a);
                case "--insecure-skip-verify" -> insecure = true;
                case "--checksum" -> checksum = ChecksumMode.parse(value(args, ++i, a), "--checksum");
                default -> {
                    if (a.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + a);
                    }
                    positional.add(a);
                }
            }
        }
        TlsSettings tls = new TlsSettings(caFile == null ? null : Files.readString(Path.of(caFile)), thumbprint, insecure);
        switch (args[0]) {
            case "copy" -> {
                if (positional.size() != 2) {
                    throw new IllegalArgumentException("copy needs SOURCE and TARGET, got " + positional.size() + " arguments");
                }
                CopyTool.run(new CopySpec(positional.get(0), positional.get(1), inFlight, requestSize, rate,
                        checkpointDir, tls, progress, checksum), System.out);
                return 0;
            }
            case "verify" -> {
                if (positional.size() != 1) {
                    throw new IllegalArgumentException("verify needs exactly one TARGET");
                }
                VerifyTool.run(positional.get(0), tls, checksum, System.out);
                return 0;
            }
            default -> throw new IllegalArgumentException("unknown command " + args[0] + " (copy or verify)");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** {@code 262144}, {@code 256K} or {@code 4M}. */
    public static int parseSize(String s) {
        String t = s.trim().toUpperCase();
        long mult = 1;
        if (t.endsWith("K")) {
            mult = 1024;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("M")) {
            mult = 1024 * 1024;
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.toIntExact(Long.parseLong(t) * mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("request size '" + s + "' is not a size like 262144, 256K or 4M");
        }
    }
}
