package io.hoist.policy.testing;

import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks a validation rule package as a provider plugin ships it (a folder of {@code .rego} files and their
 * {@code _test.rego} files): the files it declares are exactly the folder's rule files, they compile with MTV's
 * two entrypoints ({@code validate}, {@code rules_version}) and answer them on an empty input, and every test in
 * the folder passes. Plugins call it from their own tests, so a rule file added without being declared, or a
 * broken rule, fails the plugin's build.
 */
public final class RulePackageCheck {
    private RulePackageCheck() {}

    /**
     * @param folder      the package folder in the plugin's sources, e.g. {@code src/main/resources/rules/vmware}
     * @param packageName MTV's package name ({@code vmware} for {@code io.konveyor.forklift.vmware})
     * @param declared    the rule file names the plugin declares
     * @return the test report, printed as {@code hoist policy test} prints it
     * @throws IllegalStateException naming what is wrong
     */
    public static String check(Path folder, String packageName, List<String> declared) throws IOException {
        List<String> onDisk = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".rego") && !n.endsWith("_test.rego"))
                    .sorted().forEach(onDisk::add);
        }
        if (!onDisk.equals(declared.stream().sorted().toList())) {
            throw new IllegalStateException("rule files declared " + declared.stream().sorted().toList() + " but "
                    + folder + " holds " + onDisk);
        }
        List<SourceFile> rules = new ArrayList<>();
        for (String name : onDisk) {
            rules.add(new SourceFile(name, Files.readString(folder.resolve(name), StandardCharsets.UTF_8)));
        }
        String pkg = "io/konveyor/forklift/" + packageName + "/";
        Limits limits = Limits.defaults().withTimeBudget(Duration.ofSeconds(30));
        PolicyInstance p = PolicyEngine.load(RegoCompiler.compile(rules, List.of(pkg + "validate", pkg + "rules_version")).wasm(),
                "{}", limits);
        for (String entry : List.of("rules_version", "validate")) {
            if (p.evaluateResult(pkg + entry, "{}") == null) {
                throw new IllegalStateException(packageName + ": " + entry + " is undefined for an empty input");
            }
        }
        RegoTestRunner.Report report = new RegoTestRunner(limits).run(folder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RegoTestRunner.print(report, new PrintStream(out, true, StandardCharsets.UTF_8), false);
        String text = out.toString(StandardCharsets.UTF_8);
        if (report.results().isEmpty() || report.failed() > 0) {
            throw new IllegalStateException(packageName + ": the package's own tests must pass\n" + text);
        }
        return text;
    }
}
