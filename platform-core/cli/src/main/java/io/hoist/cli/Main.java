package io.hoist.cli;

import io.hoist.cli.client.ApiException;
import io.hoist.cli.plan.ArchiveCommand;
import io.hoist.cli.plan.CancelCommand;
import io.hoist.cli.plan.CutoverCommand;
import io.hoist.cli.plan.DuplicateCommand;
import io.hoist.cli.plan.RestartCommand;
import io.hoist.cli.plan.StartCommand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code hoist} command line. Every error is one clear line on stderr and a non-zero exit. */
@Command(name = "hoist", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Hoist: migrate virtual machines to KubeVirt. MTV (forklift.konveyor.io) manifests work as they are.",
        synopsisSubcommandLabel = "COMMAND")
public final class Main implements Runnable {
    /**
     * The subcommands, one per line, in help order. Commands from other modules (copy, verify, policy)
     * are added here as they land.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ServeCommand.class,
            QuickstartCommand.class,
            ApplyCommand.class,
            GetCommand.class,
            DescribeCommand.class,
            DeleteCommand.class,
            PluginsCommand.class,
            StartCommand.class,
            CutoverCommand.class,
            CancelCommand.class,
            RestartCommand.class,
            ArchiveCommand.class,
            DuplicateCommand.class,
            StatusCommand.class,
            io.hoist.cli.plan.LogsCommand.class,
            PolicyCommand.class,
            CopyCommand.class,
            VerifyCommand.class,
            CommandLine.HelpCommand.class);

    private final CliContext context;

    @Spec
    CommandSpec spec;

    public Main(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(args, CliContext.system(), out, err));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, CliContext context, PrintWriter out, PrintWriter err) {
        CommandLine cmd = commandLine(context, out, err);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main(context));
        for (Class<?> sub : SUBCOMMANDS) {
            cmd.addSubcommand(sub);
        }
        cmd.setOut(out).setErr(err);
        cmd.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter w = command.getErr();
            if (e instanceof CliException ce && !ce.causes().isEmpty()) {
                // A 422 is its causes, one "field: message" per line; other errors name themselves first.
                if (!(e instanceof ApiException api && api.status() == 422)) {
                    w.println("error: " + ce.getMessage());
                }
                ce.causes().forEach(w::println);
            } else if (e instanceof CliException) {
                w.println("error: " + e.getMessage());
            } else {
                w.println("error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            }
            w.flush();
            return 1;
        });
        cmd.setParameterExceptionHandler((e, argv) -> {
            PrintWriter w = e.getCommandLine().getErr();
            w.println("error: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            w.flush();
            return 2;
        });
        return cmd;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"hoist " + (v == null ? "dev" : v) + " (plugin API " + io.hoist.api.PluginApi.VERSION + ")"};
        }
    }
}
