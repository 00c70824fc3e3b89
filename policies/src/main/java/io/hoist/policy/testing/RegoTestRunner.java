package io.hoist.policy.testing;

import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.ast.Ast;
import io.hoist.policy.rego.compile.CompiledPolicy;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.rego.parse.Parser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs Rego unit tests the way {@code opa test} does: every rule whose name starts with {@code test_} is
 * an entrypoint, and a test passes when it evaluates to {@code true}. All files of a folder are compiled
 * together, so tests see the rules of their package.
 */
public final class RegoTestRunner {
    /** One test's outcome; {@code detail} says why a test failed (undefined, false, an evaluation error). */
    public record Result(String name, String file, int line, boolean passed, String detail, List<String> output) {}

    /** All outcomes, in file then source order. */
    public record Report(List<Result> results) {
        public long passed() { return results.stream().filter(Result::passed).count(); }
        public long failed() { return results.size() - passed(); }
    }

    private final Limits limits;

    public RegoTestRunner(Limits limits) {
        this.limits = limits;
    }

    /** Reads every {@code .rego} file under dir (recursively) and runs its tests. */
    public Report run(Path dir) throws IOException {
        return run(readTree(dir));
    }

    public static List<SourceFile> readTree(Path dir) throws IOException {
        List<SourceFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".rego")).sorted().toList()) {
                files.add(new SourceFile(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8)));
            }
        }
        return files;
    }

    /** Compiles the files (a syntax error is thrown, as for any compile) and evaluates each test rule. */
    public Report run(List<SourceFile> files) {
        record Test(String entrypoint, String file, int line) {}
        List<Test> tests = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (SourceFile f : files) {
            Ast.Module m = Parser.parseModule(f.name(), f.text());
            for (Ast.Rule r : m.rules()) {
                String name = r.path().get(r.path().size() - 1);
                if (r.path().size() == 1 && name.startsWith("test_") && r.kind() == Ast.RuleKind.COMPLETE) {
                    String ep = String.join("/", m.pkg()) + "/" + name;
                    if (seen.add(ep)) {
                        tests.add(new Test(ep, f.name(), r.pos().line()));
                    }
                }
            }
        }
        List<Result> results = new ArrayList<>();
        if (tests.isEmpty()) {
            return new Report(results);
        }
        CompiledPolicy policy = RegoCompiler.compile(files, tests.stream().map(Test::entrypoint).toList());
        PolicyEngine.LoadedPolicy loaded = PolicyEngine.load(policy.wasm(), limits);
        List<String> output = new ArrayList<>();
        PolicyInstance instance = loaded.instantiate("{}").onOutput(output::add);
        for (Test t : tests) {
            String name = t.entrypoint().replace('/', '.');
            output.clear();
            try {
                String out = instance.evaluate(t.entrypoint(), "{}");
                boolean ok = out.replace(" ", "").equals("[{\"result\":true}]");
                results.add(new Result(name, t.file(), t.line(), ok,
                        ok ? "" : out.equals("[]") ? "undefined" : "got " + out, List.copyOf(output)));
            } catch (PolicyEvaluationException e) {
                results.add(new Result(name, t.file(), t.line(), false, e.getMessage(), List.copyOf(output)));
                instance = loaded.instantiate("{}").onOutput(output::add);
            }
        }
        return new Report(results);
    }

    /** Prints failures (every test with verbose) and the "N passed, M failed" line opa test users expect. */
    public static void print(Report report, PrintStream out, boolean verbose) {
        for (Result r : report.results()) {
            if (!r.passed() || verbose) {
                out.println((r.passed() ? "PASS " : "FAIL ") + r.file() + ":" + r.line() + ": " + r.name()
                        + (r.passed() ? "" : " (" + r.detail() + ")"));
                // print() and trace() lines of the test, as opa test shows them
                for (String line : r.output()) out.println("    " + line);
            }
        }
        out.println(report.passed() + " passed, " + report.failed() + " failed");
    }
}
