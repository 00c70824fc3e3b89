package io.hoist.cli;

import io.hoist.core.server.logging.Logging;
import io.hoist.core.transfer.checksum.ChecksumMode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/**
 * {@code hoist copy} and {@code hoist verify} without picocli: one JVM per disk, and picocli's set-up (its Java 5
 * class files, which the JDK's AOT cache cannot link, and the reflection over the command classes) was about half
 * of an empty copy's CPU. The command line is read here only when it is plainly valid (known options, plain values,
 * the right number of operands); anything else (help, version, logging options, a typo, a bad value, {@code @file})
 * returns {@code null} and goes through picocli as before, so help, usage errors and exit codes stay picocli's.
 * The same {@link CopyCommand} / {@link VerifyCommand} objects run either way.
 */
public final class DiskCommands {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,12}(\\.[0-9]{1,12})?");
    private static final Set<String> COPY_VALUED = Set.of("--in-flight", "--request-size", "--rate", "--checkpoint-dir",
            "--checksum", "--cacert", "--thumbprint");
    private static final Set<String> VERIFY_VALUED = Set.of("--expect", "--checksum", "--cacert", "--thumbprint");
    private static final Set<String> COPY_FLAGS = Set.of("--no-progress", "--insecure-skip-tls-verify");
    private static final Set<String> VERIFY_FLAGS = Set.of("--insecure-skip-tls-verify");

    private DiskCommands() {}

    /** The launcher's entry for {@code copy} and {@code verify}: this fast path, or {@link Main} when it declines. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(runOrPicocli(args, CliContext.system(), out, err));
    }

    /** This fast path, or picocli when it declines; the exit code. */
    static int runOrPicocli(String[] args, CliContext context, PrintWriter out, PrintWriter err) {
        Integer code = run(args, context, out, err);
        return code != null ? code : Main.runWithPicocli(args, context, out, err);
    }

    /** Runs {@code args} when it is a plainly valid copy or verify command line; {@code null} when picocli should. */
    static Integer run(String[] args, CliContext context, PrintWriter out, PrintWriter err) {
        Callable<Integer> command = args.length == 0 ? null : switch (args[0]) {
            case "copy" -> copy(args);
            case "verify" -> verify(args);
            default -> null;
        };
        if (command == null) {
            return null;
        }
        // What LogOptions.apply does when no logging option was given (those go through picocli).
        Logging.configureCli(0, Logging.Format.TEXT);
        int code;
        try {
            code = command.call();
        } catch (Exception e) {
            // As Main's execution exception handler.
            err.println(context.terminal().red("error:") + " " + ErrorLine.of(e));
            code = 1;
        }
        out.flush();
        err.flush();
        return code;
    }

    private static CopyCommand copy(String[] args) {
        List<String> operands = new ArrayList<>();
        List<String[]> options = parse(args, COPY_VALUED, COPY_FLAGS, operands);
        if (options == null || operands.size() != 2) {
            return null;
        }
        CopyCommand c = new CopyCommand();
        c.source = operands.get(0);
        c.target = operands.get(1);
        c.inFlight = 8;
        c.requestSize = "4M";
        c.checksum = ChecksumMode.SHA256_4M;
        c.tlsOptions = new TlsOptions();
        for (String[] o : options) {
            String v = o[1];
            switch (o[0]) {
                case "--in-flight" -> {
                    if (!DIGITS.matcher(v).matches()) {
                        return null;
                    }
                    c.inFlight = Integer.parseInt(v);
                }
                case "--request-size" -> c.requestSize = v;
                case "--rate" -> {
                    if (!DECIMAL.matcher(v).matches()) {
                        return null;
                    }
                    c.rate = Double.parseDouble(v);
                }
                case "--checkpoint-dir" -> c.checkpointDir = Path.of(v);
                case "--checksum" -> {
                    try {
                        c.checksum = ChecksumMode.parse(v, "--checksum");
                    } catch (IllegalArgumentException e) {
                        return null;
                    }
                }
                case "--no-progress" -> c.noProgress = true;
                default -> {
                    if (!tls(c.tlsOptions, o[0], v)) {
                        return null;
                    }
                }
            }
        }
        return c;
    }

    private static VerifyCommand verify(String[] args) {
        List<String> operands = new ArrayList<>();
        List<String[]> options = parse(args, VERIFY_VALUED, VERIFY_FLAGS, operands);
        if (options == null || operands.size() != 1) {
            return null;
        }
        VerifyCommand c = new VerifyCommand();
        c.target = operands.get(0);
        c.tlsOptions = new TlsOptions();
        for (String[] o : options) {
            if (o[0].equals("--expect")) {
                c.expect = o[1];
            } else if (o[0].equals("--checksum")) {
                try {
                    c.checksum = ChecksumMode.parse(o[1], "--checksum");
                } catch (IllegalArgumentException e) {
                    return null;
                }
            } else if (!tls(c.tlsOptions, o[0], o[1])) {
                return null;
            }
        }
        return c;
    }

    private static boolean tls(TlsOptions tls, String name, String value) {
        switch (name) {
            case "--cacert" -> tls.caFile = Path.of(value);
            case "--thumbprint" -> tls.thumbprint = value;
            case "--insecure-skip-tls-verify" -> tls.insecure = true;
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Splits {@code args[1..]} into options ({@code --name value}, {@code --name=value}, flags) and operands;
     * {@code null} on anything picocli would read differently or reject: an unknown option, a flag with a value, a
     * missing value or one that looks like an option, an option given twice, {@code --}, {@code @file}, a lone {@code -}.
     */
    private static List<String[]> parse(String[] args, Set<String> valued, Set<String> flags, List<String> operands) {
        List<String[]> options = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("@") || a.equals("-") || a.isEmpty()) {
                return null;
            }
            if (!a.startsWith("-")) {
                operands.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            String value;
            if (flags.contains(name) && eq < 0) {
                value = null;
            } else if (valued.contains(name)) {
                value = eq >= 0 ? a.substring(eq + 1) : ++i < args.length ? args[i] : null;
                if (value == null || value.startsWith("-") || value.startsWith("@")) {
                    return null;
                }
            } else {
                return null;
            }
            if (!seen.add(name)) {
                return null;
            }
            options.add(new String[] {name, value});
        }
        return options;
    }
}
