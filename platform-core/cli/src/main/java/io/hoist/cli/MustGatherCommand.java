package io.hoist.cli;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "must-gather", description = {
        "Write a support archive (tar.gz): every resource with Secrets reduced to key names, plan and migration status",
        "history, the providers' inventory and validation concerns, plugins, settings, the server log and hook/conversion",
        "logs, version and environment. No Secret value or token is in it. --plan/--vm narrow it like MTV's targeted gather.",
        "Example: hoist must-gather -n demo --plan web-tier -o web-tier.tar.gz"})
public final class MustGatherCommand extends ClientCommand {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "Only this namespace (default: all).")
    String namespace;

    @Option(names = "--plan", paramLabel = "PLAN", description = "Only this plan, its migrations, providers, maps, hooks and logs.")
    String plan;

    @Option(names = "--vm", paramLabel = "VM", description = "Only plans holding this VM (id or name), and its logs.")
    String vm;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE.tar.gz", description = "Archive to write (default: must-gather-<time>.tar.gz).")
    Path output;

    @Override
    protected int execute() {
        List<String> query = new ArrayList<>();
        add(query, "namespace", namespace);
        add(query, "plan", plan);
        add(query, "vm", vm);
        String path = "/api/v1/must-gather" + (query.isEmpty() ? "" : "?" + String.join("&", query));
        byte[] archive = client().getBytes(path, "application/gzip");
        Path file = output != null ? output : Path.of("must-gather-" + java.time.Instant.now().toString().replace(":", "") + ".tar.gz");
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".must-gather-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, archive);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        out().println("wrote " + file + " (" + archive.length + " bytes)");
        return 0;
    }

    private static void add(List<String> query, String name, String value) {
        if (value != null && !value.isBlank()) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
