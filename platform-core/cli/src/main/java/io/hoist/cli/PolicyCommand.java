package io.hoist.cli;

import io.hoist.policy.conformance.ConformanceRunner;
import io.hoist.policy.engine.Bundle;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.CompiledPolicy;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import io.hoist.policy.testing.RegoTestRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** "hoist policy ...": compile Rego to Wasm, evaluate policies, run the OPA conformance cases. */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Rego policies compiled to WebAssembly inside the JVM",
        subcommands = {PolicyCommand.Conformance.class, PolicyCommand.Compile.class, PolicyCommand.Eval.class,
                PolicyCommand.Test.class})
public final class PolicyCommand implements Runnable {
    @Override
    public void run() {
        System.out.println("usage: hoist policy (conformance|compile|eval|test) --help");
    }

    @Command(name = "conformance", description = "Compile and run every OPA evaluation case in DIR; prints pass/fail per area")
    static final class Conformance implements Callable<Integer> {
        @Parameters(index = "0", description = "folder of conformance cases (one sub-folder per area)")
        Path dir;

        @Option(names = "--verbose", description = "list every failing case with the reason")
        boolean verbose;

        @Option(names = "--aot", description = "run with Chicory's ahead-of-time compiler instead of the interpreter")
        boolean aot;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                System.err.println("conformance: DIR " + dir + " is not a directory");
                return 2;
            }
            Limits limits = Limits.defaults().withTimeBudget(Duration.ofSeconds(10)).withNetwork(true)
                    .withMode(aot ? Limits.Mode.AOT : Limits.Mode.INTERPRETER);
            ConformanceRunner.Report r = new ConformanceRunner(limits).run(dir);
            ConformanceRunner.print(r, System.out, verbose);
            return r.failed() == 0 ? 0 : 1;
        }
    }

    @Command(name = "compile", description = "Compile Rego files to a Wasm module (or an OPA-style bundle)")
    static final class Compile implements Callable<Integer> {
        @Parameters(description = "Rego source files", arity = "1..*")
        List<Path> files;

        @Option(names = {"-e", "--entrypoint"}, required = true, description = "entrypoint, e.g. migration/allow (repeatable)")
        List<String> entrypoints;

        @Option(names = {"-o", "--output"}, required = true, description = "output file: .wasm, or .tar.gz for a bundle")
        Path output;

        @Option(names = "--data", description = "data.json to put in the bundle")
        Path data;

        @Override
        public Integer call() throws Exception {
            CompiledPolicy p;
            try {
                p = RegoCompiler.compile(read(files), entrypoints);
            } catch (RegoSyntaxException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            if (output.toString().endsWith(".tar.gz")) {
                String dataJson = data == null ? "{}" : Files.readString(data);
                Files.write(output, new Bundle(p.wasm(), dataJson, "{\"revision\":\"\",\"roots\":[\"\"]}").write());
            } else {
                Files.write(output, p.wasm());
            }
            System.out.println("wrote " + output + " (" + p.wasm().length + " bytes of Wasm, entrypoints " + p.entrypoints() + ")");
            return 0;
        }
    }

    @Command(name = "eval", description = "Evaluate an entrypoint of Rego files, a .wasm module or a bundle .tar.gz")
    static final class Eval implements Callable<Integer> {
        @Parameters(description = "Rego files, one .wasm, or one bundle .tar.gz", arity = "1..*")
        List<Path> files;

        @Option(names = {"-e", "--entrypoint"}, required = true)
        String entrypoint;

        @Option(names = {"-i", "--input"}, description = "input JSON file")
        Path input;

        @Option(names = {"-d", "--data"}, description = "data JSON file (ignored for bundles)")
        Path data;

        @Option(names = "--timeout-ms", defaultValue = "1000")
        long timeoutMs;

        @Option(names = "--aot", description = "use Chicory's ahead-of-time compiler")
        boolean aot;

        @Override
        public Integer call() throws Exception {
            // like opa eval: http.send and net.lookup_ip_addr may reach the network here (never in the validation service)
            Limits limits = Limits.defaults().withTimeBudget(Duration.ofMillis(timeoutMs)).withNetwork(true)
                    .withMode(aot ? Limits.Mode.AOT : Limits.Mode.INTERPRETER);
            String dataJson = data == null ? "{}" : Files.readString(data);
            String inputJson = input == null ? null : Files.readString(input);
            try {
                PolicyInstance inst;
                String first = files.get(0).toString();
                if (first.endsWith(".tar.gz")) inst = PolicyEngine.loadBundle(Files.readAllBytes(files.get(0)), limits);
                else if (first.endsWith(".wasm")) inst = PolicyEngine.load(Files.readAllBytes(files.get(0)), dataJson, limits);
                else inst = PolicyEngine.load(RegoCompiler.compile(read(files), List.of(entrypoint)).wasm(), dataJson, limits);
                System.out.println(inst.evaluate(entrypoint, inputJson));
                return 0;
            } catch (RegoSyntaxException | PolicyEvaluationException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "test", description = "Run the test_* rules of every .rego file under DIR, like opa test")
    static final class Test implements Callable<Integer> {
        @Parameters(index = "0", description = "folder of .rego files and their _test.rego files")
        Path dir;

        @Option(names = {"-v", "--verbose"}, description = "list passing tests too")
        boolean verbose;

        @Option(names = "--timeout-ms", defaultValue = "10000", description = "time budget of one test")
        long timeoutMs;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(dir)) {
                System.err.println("test: DIR " + dir + " is not a directory");
                return 2;
            }
            try {
                RegoTestRunner.Report r = new RegoTestRunner(Limits.defaults().withTimeBudget(Duration.ofMillis(timeoutMs)).withNetwork(true)).run(dir);
                RegoTestRunner.print(r, System.out, verbose);
                return r.failed() == 0 && !r.results().isEmpty() ? 0 : 1;
            } catch (RegoSyntaxException e) {
                System.err.println(e.getMessage());
                return 1;
            }
        }
    }

    static List<SourceFile> read(List<Path> files) throws java.io.IOException {
        List<SourceFile> out = new ArrayList<>();
        for (Path f : files) out.add(new SourceFile(f.toString(), Files.readString(f, StandardCharsets.UTF_8)));
        return out;
    }
}
