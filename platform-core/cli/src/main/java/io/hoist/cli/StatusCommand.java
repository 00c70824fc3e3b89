package io.hoist.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.cli.client.ApiClient;
import io.hoist.core.model.ResourceKind;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hoist status PLAN [--watch]}: per-VM pipeline progress with rate and ETA. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a plan's migration: each VM's phase and pipeline steps with progress, rate and ETA.")
public final class StatusCommand extends ClientCommand {
    @Mixin
    NamespaceOption namespace;

    @Parameters(paramLabel = "PLAN", description = "Plan name.")
    String plan;

    @Option(names = {"-w", "--watch"}, description = "Refresh every 2 seconds until the migration ends: redrawn on a terminal, each change appended elsewhere.")
    boolean watch;

    @Override
    protected int execute() throws Exception {
        ApiClient client = client();
        boolean redraw = watch && context().terminal().interactive();
        String last = null;
        while (true) {
            JsonNode p = client.get(ResourceKind.PLAN, namespace.resolve(context()), plan);
            String text = render(p);
            // On a terminal the screen is redrawn; in a pipe or file each change is printed once, after a blank line.
            if (redraw) {
                out().print(Terminal.CLEAR + text);
            } else if (!text.equals(last)) {
                out().print((last == null ? "" : "\n") + text);
            }
            last = text;
            out().flush();
            boolean done = isTrue(p, "Succeeded") || isTrue(p, "Failed") || isTrue(p, "Canceled");
            if (!watch || done) {
                return isTrue(p, "Failed") ? 1 : 0;
            }
            Thread.sleep(2000);
        }
    }

    static boolean isTrue(JsonNode resource, String type) {
        for (JsonNode c : resource.path("status").path("conditions")) {
            if (type.equals(c.path("type").asText()) && "True".equals(c.path("status").asText())) {
                return true;
            }
        }
        return false;
    }

    /** One block per VM: phase, then each step with progress, rate and ETA. */
    public static String render(JsonNode plan) {
        StringBuilder sb = new StringBuilder();
        sb.append("PLAN ").append(plan.path("metadata").path("name").asText()).append("  ");
        for (JsonNode c : plan.path("status").path("conditions")) {
            if ("True".equals(c.path("status").asText())) {
                sb.append('[').append(c.path("type").asText()).append("] ");
            }
        }
        sb.append('\n');
        JsonNode vms = plan.path("status").path("migration").path("vms");
        if (vms.isEmpty()) {
            sb.append("  (not started)\n");
        }
        for (JsonNode vm : vms) {
            String state = vm.path("completed").isMissingNode() || vm.path("completed").isNull() ? "running" : "done";
            for (JsonNode c : vm.path("conditions")) {
                if ("True".equals(c.path("status").asText())) {
                    state = c.path("type").asText() + (c.path("type").asText().equals("Pending") ? ": " + c.path("message").asText() : "");
                }
            }
            sb.append(String.format(Locale.ROOT, "  VM %-24s phase %-22s %s%n", vm.path("name").asText(vm.path("id").asText()),
                    vm.path("phase").asText(), state));
            for (JsonNode step : vm.path("pipeline")) {
                JsonNode progress = step.path("progress");
                String prog = progress.isMissingNode() ? "" : progress.path("completed").asLong() + "/" + progress.path("total").asLong() + " MB";
                JsonNode ann = step.path("annotations");
                String rate = ann.has("hoist.io/rate-mibps") && "Running".equals(step.path("phase").asText())
                        ? ann.path("hoist.io/rate-mibps").asText() + " MiB/s" : "";
                String eta = ann.has("hoist.io/eta-seconds") && "Running".equals(step.path("phase").asText())
                        && ann.path("hoist.io/eta-seconds").asLong() >= 0 ? "ETA " + ann.path("hoist.io/eta-seconds").asText() + "s" : "";
                String extra = step.has("reason") ? step.path("reason").asText() : "";
                if (step.has("error")) {
                    StringBuilder reasons = new StringBuilder();
                    step.path("error").path("reasons").forEach(r -> reasons.append(r.asText()).append(' '));
                    extra = "error: " + reasons.toString().trim();
                }
                sb.append(String.format(Locale.ROOT, "    %-24s %-10s %-14s %-12s %-10s %s%n", step.path("name").asText(),
                        step.path("phase").asText(), prog, rate, eta, extra).replaceAll("\\s+$", "")).append('\n');
            }
        }
        return sb.toString().replace("\n\n", "\n");
    }

}
