package io.hoist.cli;

import io.hoist.cli.client.ApiClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command that talks to a running server: connection options and the output streams. */
public abstract class ClientCommand implements Callable<Integer> {
    @ParentCommand
    protected Main main;

    @Spec
    protected CommandSpec spec;

    @Mixin
    protected ClientOptions clientOptions;

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    protected CliContext context() {
        return main.context();
    }

    protected ApiClient client() {
        return clientOptions.connect(context(), err());
    }

    @Override
    public final Integer call() throws Exception {
        return execute();
    }

    /** Runs the command; throw {@link CliException} for a one-line error. Returns the exit code. */
    protected abstract int execute() throws Exception;
}
