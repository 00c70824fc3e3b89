package io.hoist.cli.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.cli.CliException;
import io.hoist.cli.NamespacedCommand;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "cutover", description = {"Set the cutover time of a warm plan's running Migration (default: now).",
        "Example: hoist cutover web-tier --at 2026-06-01T22:00:00Z -n demo"})
public final class CutoverCommand extends NamespacedCommand {
    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Option(names = "--at", paramLabel = "TIME", description = "RFC 3339 time, e.g. 2026-06-01T22:00:00Z or 2026-06-01T23:00:00+01:00.")
    String at;

    @Override
    protected int execute() {
        String when = parse(at);
        ApiClient api = client();
        String ns = namespace();
        ObjectNode running = Plans.requireRunning(api, ns, plan);
        String name = running.path("metadata").path("name").asText();
        Plans.update(api, ResourceKind.MIGRATION, ns, name, m -> ((ObjectNode) m.path("spec")).put("cutover", when));
        out().println("migration/" + name + " cutover set to " + when);
        return 0;
    }

    static String parse(String at) {
        if (at == null) {
            return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        }
        try {
            return OffsetDateTime.parse(at).toInstant().toString();
        } catch (DateTimeParseException e) {
            throw new CliException("--at: '" + at + "' is not a time like 2026-06-01T22:00:00Z");
        }
    }
}
