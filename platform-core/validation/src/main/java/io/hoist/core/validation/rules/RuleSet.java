package io.hoist.core.validation.rules;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyInstance;
import java.util.List;

/**
 * One provider package's active rules, compiled to Wasm (and, in AOT mode, to JVM bytecode) once.
 * Evaluation is thread-safe: each thread gets its own module instance.
 */
public final class RuleSet {
    static final String VALIDATE = "validate";
    static final String RULES_VERSION = "rules_version";

    private final String pkg;
    private final List<RuleFile> files;
    private final PolicyEngine.LoadedPolicy loaded;
    private final ThreadLocal<PolicyInstance> instances;
    private final JsonNode rulesVersion;

    RuleSet(String pkg, List<RuleFile> files, PolicyEngine.LoadedPolicy loaded) {
        this.pkg = pkg;
        this.files = List.copyOf(files);
        this.loaded = loaded;
        this.instances = ThreadLocal.withInitial(() -> loaded.instantiate("{}"));
        this.rulesVersion = evaluate(RULES_VERSION, null);
    }

    public String pkg() {
        return pkg;
    }

    public List<RuleFile> files() {
        return files;
    }

    /** The {@code rules_version} document ({"rules_version": N}), or null when the rules do not define it. */
    public JsonNode rulesVersionDocument() {
        return rulesVersion;
    }

    /** {@code rules_version.rules_version} as text ("1"), "" when undefined. */
    public String rulesVersion() {
        return rulesVersion == null ? "" : rulesVersion.path("rules_version").asText("");
    }

    /** The {@code validate} document for one VM workload ({rules_version, errors, concerns}), or null when undefined. */
    public JsonNode validate(String inputJson) {
        return evaluate(VALIDATE, inputJson);
    }

    /**
     * The {@code validate} document for a workload given as a JSON tree in Java (Maps, Lists, scalars as Jackson
     * reads them): laid into the module's memory directly, no JSON text in between.
     */
    public JsonNode validate(java.util.Map<String, ?> input) {
        return instances.get().evaluateResultOf(entrypoint(pkg, VALIDATE), input);
    }

    /** A rule's value in the package (OPA's result), or null when undefined. */
    public JsonNode evaluate(String rule, String inputJson) {
        return instances.get().evaluateResult(entrypoint(pkg, rule), inputJson);
    }

    static String entrypoint(String pkg, String rule) {
        return RulePackage.regoPackage(pkg).replace('.', '/') + "/" + rule;
    }
}
