package io.hoist.cli.plan;

import io.hoist.cli.CliException;
import io.hoist.cli.NamespacedCommand;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = {"Print the output of a VM's hooks and guest conversion (the last 1 MiB of each) in the plan's latest migration.",
        "Example: hoist logs web-tier db-01 --step PostHook -n demo"})
public final class LogsCommand extends NamespacedCommand {
    static final java.util.List<String> STEPS = java.util.List.of("PreHook", "ImageConversion", "PostHook");

    @Parameters(index = "0", paramLabel = "PLAN")
    String plan;

    @Parameters(index = "1", paramLabel = "VM", description = "The VM's id or name in the plan.")
    String vm;

    @Option(names = "--step", paramLabel = "STEP", description = "PreHook, ImageConversion or PostHook (default: every step with output, each under a header).")
    String step;

    @Option(names = "--migration", paramLabel = "UID", description = "A Migration's uid (default: the plan's latest).")
    String migration;

    @Override
    protected int execute() {
        if (step != null && !STEPS.contains(step)) {
            throw new CliException("--step: '" + step + "' must be one of " + String.join(", ", STEPS));
        }
        String path = "/apis/forklift.konveyor.io/v1beta1/namespaces/" + encode(namespace()) + "/plans/" + encode(plan)
                + "/log?vm=" + encode(vm) + (step == null ? "" : "&step=" + step)
                + (migration == null ? "" : "&migration=" + encode(migration));
        String text = client().getText(path); // errors (404 naming what is missing) end the command non-zero
        out().print(text.endsWith("\n") || text.isEmpty() ? text : text + "\n");
        out().flush();
        return 0;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
