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
        ObjectNode running = requireRunningWarm(api, ns);
        String name = running.path("metadata").path("name").asText();
        Plans.update(api, ResourceKind.MIGRATION, ns, name, m -> ((ObjectNode) m.path("spec")).put("cutover", when));
        out().println("migration/" + name + " cutover set to " + when);
        return 0;
    }

    /**
     * The plan's running Migration; otherwise one error that says what state the plan is in and the one
     * command that moves it on (never a loop of "use start" / "use restart").
     */
    private ObjectNode requireRunningWarm(ApiClient api, String ns) {
        ObjectNode p = api.get(ResourceKind.PLAN, ns, plan);
        boolean warm = p.path("spec").path("warm").asBoolean(false) || "warm".equals(p.path("spec").path("type").asText());
        if (!warm) {
            throw new CliException("plan '" + plan + "' is a cold migration: cutover applies to warm plans only"
                    + " (set spec.type: warm in a new plan to copy while the VMs run)");
        }
        var migrations = Plans.migrations(api, ns, plan);
        var running = migrations.stream().filter(m -> !Plans.finished(m)).findFirst();
        if (running.isPresent()) {
            return running.get();
        }
        if (migrations.isEmpty()) {
            throw new CliException("plan '" + plan + "' is not running: it was never started. Run 'hoist start " + plan
                    + " -n " + ns + "', then 'hoist cutover " + plan + "' while its precopies run"
                    + " (or set the time in advance: 'hoist cutover " + plan + " --at TIME' once started)");
        }
        String last = migrations.get(0).path("metadata").path("name").asText();
        if (Plans.nothingToRerun(p)) {
            throw new CliException("plan '" + plan + "' is not running: its last migration '" + last
                    + "' already succeeded, so there is nothing to cut over");
        }
        throw new CliException("plan '" + plan + "' is not running: its last migration '" + last + "' ended without"
                + " migrating every VM. Run 'hoist restart " + plan + " -n " + ns + "' for the VMs left, then cut over");
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
