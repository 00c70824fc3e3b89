package io.hoist.core.validation.rules;

import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.rego.ast.Ast;
import io.hoist.policy.rego.compile.CompiledPolicy;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.rego.parse.Parser;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges custom rules into a provider's default package, MTV's way: a custom file with the same file name
 * as a default file replaces it (that is how rules_version is bumped); a rule with the same name as a
 * default rule adds definitions to it (OR); a rule that contradicts a default one is refused.
 */
public class RuleSetCompiler {
    private final Limits limits;

    public RuleSetCompiler(Limits limits) {
        this.limits = limits;
    }

    /** Compiles defaults plus customs for one package; throws {@link RuleSetException} naming files and lines. */
    public RuleSet compile(String pkg, List<RuleFile> defaults, List<RuleFile> customs) {
        Map<String, RuleFile> byName = new LinkedHashMap<>();
        for (RuleFile f : defaults) {
            byName.put(f.name(), f);
        }
        Map<String, RuleFile> seenCustom = new LinkedHashMap<>();
        for (RuleFile f : customs) {
            RuleFile twin = seenCustom.put(f.name(), f);
            if (twin != null) {
                throw new RuleSetException("two custom rule files are named " + f.name() + ": " + twin.label()
                        + " and " + f.label() + "; rename one");
            }
            byName.put(f.name(), f);
        }
        List<RuleFile> files = new ArrayList<>(byName.values());
        List<Parsed> parsed = new ArrayList<>();
        for (RuleFile f : files) {
            Ast.Module m;
            try {
                m = Parser.parseModule(f.label(), f.text());
            } catch (RegoSyntaxException e) {
                throw new RuleSetException(e.getMessage(), e);
            }
            String want = RulePackage.regoPackage(pkg);
            String got = String.join(".", m.pkg());
            if (!got.equals(want)) {
                throw new RuleSetException(f.label() + ": package " + got + " is not the " + pkg
                        + " rules package " + want);
            }
            parsed.add(new Parsed(f, m));
        }
        checkConflicts(parsed);
        CompiledPolicy policy;
        try {
            List<SourceFile> sources = files.stream().map(f -> new SourceFile(f.label(), f.text())).toList();
            policy = RegoCompiler.compile(sources, List.of(RuleSet.entrypoint(pkg, RuleSet.VALIDATE),
                    RuleSet.entrypoint(pkg, RuleSet.RULES_VERSION)));
        } catch (RegoSyntaxException e) {
            throw new RuleSetException(e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new RuleSetException("the " + pkg + " rules nest too deeply to compile", e);
        }
        RuleSet set;
        try {
            set = new RuleSet(pkg, files, PolicyEngine.load(policy.wasm(), limits));
            // complete rules whose bodies disagree only fail at evaluation time: try one to refuse them now
            set.validate("{\"name\":\"rule-set-check\",\"disks\":[]}");
        } catch (PolicyEvaluationException e) {
            throw new RuleSetException("the " + pkg + " rules fail on a minimal VM: " + e.getMessage(), e);
        }
        if (set.rulesVersion().isEmpty()) {
            throw new RuleSetException("the " + pkg + " rules define no rules_version.rules_version");
        }
        return set;
    }

    private record Parsed(RuleFile file, Ast.Module module) {}

    private record Definition(RuleFile file, Ast.Rule rule) {
        String where() {
            return "`" + sourceLine() + "` (" + file.label() + ":" + rule.pos().line() + ")";
        }

        String sourceLine() {
            String[] lines = file.text().split("\n", -1);
            int i = rule.pos().line() - 1;
            return i >= 0 && i < lines.length ? lines[i].strip() : String.join(".", rule.path());
        }
    }

    // The compiler refuses some of these too, but names only one place; users need both files and lines.
    private static void checkConflicts(List<Parsed> parsed) {
        Map<String, Definition> defaults = new LinkedHashMap<>();
        Map<String, Definition> kinds = new LinkedHashMap<>();
        Map<String, Definition> constants = new LinkedHashMap<>();
        for (Parsed p : parsed) {
            for (Ast.Rule r : p.module().rules()) {
                String name = String.join(".", r.path());
                Definition d = new Definition(p.file(), r);
                if (r.isDefault()) {
                    Definition other = defaults.putIfAbsent(name, d);
                    if (other != null) {
                        throw conflict(name, other, d, "two default values");
                    }
                }
                Definition sameName = kinds.putIfAbsent(name, d);
                if (sameName != null && sameName.rule().kind() != r.kind()) {
                    throw conflict(name, sameName, d, "a " + kind(sameName.rule()) + " and a " + kind(r));
                }
                if (!r.isDefault() && r.kind() == Ast.RuleKind.COMPLETE && r.body().isEmpty()
                        && r.value() instanceof Ast.Scalar s) {
                    Definition other = constants.putIfAbsent(name, d);
                    if (other != null && other.rule().value() instanceof Ast.Scalar o
                            && !java.util.Objects.equals(o.value(), s.value())) {
                        throw conflict(name, other, d, "two different values");
                    }
                }
            }
        }
    }

    private static RuleSetException conflict(String name, Definition first, Definition second, String why) {
        return new RuleSetException("rule " + name + " conflicts (" + why + "): " + second.where()
                + " contradicts " + first.where());
    }

    private static String kind(Ast.Rule r) {
        return switch (r.kind()) {
            case COMPLETE -> "complete rule";
            case PARTIAL_SET -> "partial set";
            case PARTIAL_OBJECT -> "partial object";
            case FUNCTION -> "function";
        };
    }
}
