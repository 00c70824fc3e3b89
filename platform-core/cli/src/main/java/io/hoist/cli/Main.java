package io.hoist.cli;

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
            CreateCommand.class,
            KubeconfigCommand.class,
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
            MustGatherCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
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

    /** Runs one command line; returns the exit code. A plain copy or verify skips picocli ({@link DiskCommands}). */
    public static int run(String[] args, CliContext context, PrintWriter out, PrintWriter err) {
        Integer code = DiskCommands.run(args, context, out, err);
        return code != null ? code : runWithPicocli(args, context, out, err);
    }

    static int runWithPicocli(String[] args, CliContext context, PrintWriter out, PrintWriter err) {
        CommandLine cmd = commandLine(context, out, err, args.length > 0 ? args[0] : null);
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err) {
        return commandLine(context, out, err, null);
    }

    /**
     * The command line; when {@code first} names a subcommand (other than help), only that one is built: picocli
     * builds each command's model by reflection, and all of them cost ~0.5 CPU-s at start-up, which a one-disk
     * {@code hoist copy} per JVM pays every time. Anything else (no command, help, a typo) gets all of them.
     */
    static CommandLine commandLine(CliContext context, PrintWriter out, PrintWriter err, String first) {
        CommandLine cmd = new CommandLine(new Main(context));
        Class<?> only = null;
        for (Class<?> sub : SUBCOMMANDS) {
            Command c = sub.getAnnotation(Command.class);
            if (first != null && c != null && c.name().equals(first) && sub != CommandLine.HelpCommand.class) {
                only = sub;
            }
        }
        for (Class<?> sub : SUBCOMMANDS) {
            if (only == null || sub == only) {
                cmd.addSubcommand(sub);
            }
        }
        LogOptions.addTo(cmd);
        HelpText.install(cmd);
        cmd.setOut(out).setErr(err);
        cmd.setExecutionStrategy(parsed -> {
            LogOptions.apply(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        Terminal terminal = context.terminal();
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(terminal.colour() ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cmd.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter w = command.getErr();
            w.println(terminal.red("error:") + " " + ErrorLine.of(e));
            w.flush();
            return 1;
        });
        cmd.setParameterExceptionHandler((e, argv) -> {
            PrintWriter w = e.getCommandLine().getErr();
            w.println(terminal.red("error:") + " " + e.getMessage().strip().replaceAll("\\s*\\R\\s*", "; ")
                    + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            w.flush();
            return 2;
        });
        return cmd;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hoist " + version() + " (plugin API " + io.hoist.api.PluginApi.VERSION + ")"};
        }
    }

    /** The version of this build (from the jar manifest), {@code dev} when run from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
