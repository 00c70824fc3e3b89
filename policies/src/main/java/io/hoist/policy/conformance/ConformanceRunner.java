package io.hoist.policy.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hoist.policy.engine.Limits;
import io.hoist.policy.engine.PolicyEngine;
import io.hoist.policy.engine.PolicyEvaluationException;
import io.hoist.policy.engine.PolicyInstance;
import io.hoist.policy.rego.compile.CompiledPolicy;
import io.hoist.policy.rego.compile.RegoCompiler;
import io.hoist.policy.rego.compile.SourceFile;
import io.hoist.policy.rego.parse.Parser;
import io.hoist.policy.rego.parse.RegoSyntaxException;
import io.hoist.policy.runtime.Values;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Runs OPA evaluation cases through the Rego compiler and the Wasm runtime: each case's modules are compiled once,
 * loaded into Chicory, and evaluated against the case's data and input. Two formats: the JSON cases of
 * /work/shared/conformance/rego (see its README; {@code data.query} is evaluated and compared with
 * {@code want_plan_result}), and OPA's own YAML files ({@code test/cases/testdata/v1/<area>/*.yaml}: a
 * {@code query} whose bindings are compared with {@code want_result}, see {@link QueryCase}).
 */
public final class ConformanceRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();

    /** Per-area counts plus the failures (case note and reason). */
    public record Report(Map<String, int[]> areas, List<String> failures) {
        public int passed() { return areas.values().stream().mapToInt(a -> a[0]).sum(); }
        public int failed() { return areas.values().stream().mapToInt(a -> a[1]).sum(); }
    }

    private final Limits limits;

    public ConformanceRunner(Limits limits) { this.limits = limits; }

    public ConformanceRunner() {
        // OPA's cases may resolve names (net.lookup_ip_addr), as `opa test` can; the budget only bounds a runaway
        // case (it ends as soon as the case does), so it is generous for a loaded machine
        this(Limits.defaults().withTimeBudget(Duration.ofSeconds(60)).withNetwork(true));
    }

    public Report run(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("conformance directory does not exist: " + dir);
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".yaml")
                    || p.toString().endsWith(".yml")).sorted().toList();
        }
        Map<String, int[]> areas = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Path file : files) {
            JsonNode root = file.toString().endsWith(".json") ? JSON.readTree(file.toFile()) : YAML.readTree(file.toFile());
            String area = dir.relativize(file).getNameCount() > 1 ? dir.relativize(file).getName(0).toString() : "cases";
            for (JsonNode c : root.path("cases")) {
                String why = runCase(c);
                int[] counts = areas.computeIfAbsent(area, k -> new int[2]);
                if (why == null) counts[0]++;
                else {
                    counts[1]++;
                    failures.add(c.path("note").asText() + " [" + file.getFileName() + "]: " + why);
                }
            }
        }
        return new Report(areas, failures);
    }

    /** Null when the case passes, else the reason. */
    String runCase(JsonNode c) {
        if (!c.has("entrypoints") && c.has("query")) return runQueryCase(c);
        List<SourceFile> sources = new ArrayList<>();
        int i = 0;
        for (JsonNode m : c.path("modules")) sources.add(new SourceFile("module" + (i++) + ".rego", m.asText()));
        boolean wantError = c.has("want_error") || c.has("want_error_code");
        String wantCode = c.path("want_error_code").asText(null);
        try {
            CompiledPolicy policy = RegoCompiler.compile(sources, List.of("query"));
            String data = c.has("data") ? JSON.writeValueAsString(c.get("data")) : "{}";
            Object input = null;
            if (c.has("input")) input = Values.fromJson(c.get("input"));
            // a Rego term may be a set (or hold one), which JSON cannot carry: pass the value itself
            else if (c.has("input_term")) input = constantOf(c.get("input_term").asText());
            boolean strict = c.path("strict_error").asBoolean(false);
            PolicyInstance inst = PolicyEngine.load(policy.wasm(), data, limits.withStrictBuiltinErrors(strict));
            String out = inst.evaluateValue("query", input);
            if (wantError) return "expected error " + wantCode + " but got " + out;
            Object got = exact(JSON.readTree(out));
            JsonNode want = c.path("want_plan_result").path("query");
            Object result = ((List<?>) got).isEmpty() ? null : ((Map<?, ?>) ((List<?>) got).get(0)).get("result");
            if (want.isMissingNode()) return result == null ? null : "expected undefined but got " + out;
            if (result == null) return "undefined result, want " + want;
            Object w = exact(want);
            if (Values.equal(w, result)) return null;
            if (c.path("sort_bindings").asBoolean(false) && Values.equal(sorted(w), sorted(result))) return null;
            return "got " + Values.toJsonText(result) + " want " + want;
        } catch (PolicyEvaluationException e) {
            if (wantError && (wantCode == null || wantCode.equals(e.code()))) return null;
            return "evaluation error " + e.getMessage();
        } catch (RegoSyntaxException e) {
            return "compile error " + e.getMessage();
        } catch (RuntimeException | IOException | StackOverflowError e) {
            return "internal error " + e;
        }
    }

    /** A case of OPA's own format: the query's bindings against {@code want_result} (or {@code want_defined}). */
    String runQueryCase(JsonNode c) {
        boolean wantError = c.has("want_error") || c.has("want_error_code");
        String wantCode = c.path("want_error_code").asText(null);
        try {
            List<SourceFile> sources = new ArrayList<>();
            int i = 0;
            for (JsonNode m : c.path("modules")) sources.add(new SourceFile("module" + (i++) + ".rego", m.asText()));
            sources.add(new SourceFile("query.rego", QueryCase.module(c.path("query").asText())));
            CompiledPolicy policy = RegoCompiler.compile(sources, List.of(QueryCase.ENTRYPOINT));
            String data = c.has("data") && !c.get("data").isNull() ? JSON.writeValueAsString(c.get("data")) : "{}";
            Object input = null;
            if (c.has("input") && !c.get("input").isNull()) input = Values.fromJson(c.get("input"));
            else if (c.has("input_term")) input = constantOf(c.get("input_term").asText());
            boolean strict = c.path("strict_error").asBoolean(false);
            PolicyInstance inst = PolicyEngine.load(policy.wasm(), data, limits.withStrictBuiltinErrors(strict));
            String out = inst.evaluateValue(QueryCase.ENTRYPOINT, input);
            if (wantError) return "expected error " + (wantCode != null ? wantCode : c.get("want_error").asText()) + " but got " + out;
            List<?> rs = (List<?>) exact(JSON.readTree(out));
            Object result = rs.isEmpty() ? null : ((Map<?, ?>) rs.get(0)).get("result");
            List<?> bindings = result == null ? List.of() : (List<?>) result;
            if (c.has("want_defined")) {
                boolean want = c.get("want_defined").asBoolean();
                return want == !bindings.isEmpty() ? null : "want_defined " + want + " but got " + out;
            }
            JsonNode want = c.path("want_result");
            if (want.isMissingNode() || want.isNull()) return bindings.isEmpty() ? null : "expected no result but got " + out;
            // bindings come back as a set: compared without order (OPA's order matters only without sort_bindings)
            if (Values.equal(sorted(exact(want)), sorted(new ArrayList<>(bindings)))) return null;
            return "got " + Values.toJsonText(bindings) + " want " + want;
        } catch (PolicyEvaluationException e) {
            if (wantError && (wantCode == null || wantCode.equals(e.code()))) return null;
            return "evaluation error " + e.getMessage();
        } catch (RegoSyntaxException e) {
            // compile-time refusals (rego_parse_error, rego_type_error, rego_compile_error, ...): our errors carry
            // no OPA code, so any compile error counts for any rego_* code
            if (wantError && (wantCode == null || wantCode.startsWith("rego_"))) return null;
            return "compile error " + e.getMessage();
        } catch (RuntimeException | IOException | StackOverflowError e) {
            return "internal error " + e;
        }
    }

    /**
     * As Values.fromJson, but integers beyond float64's exact range stay exact (nanosecond timestamps, int64
     * bounds), so a result that is off by one in the last digit fails instead of rounding to the wanted value.
     */
    private static Object exact(JsonNode n) {
        if (n.isIntegralNumber() && n.bigIntegerValue().abs().bitLength() > 53) return new java.math.BigDecimal(n.bigIntegerValue());
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(exact(e)));
            return l;
        }
        if (n.isObject()) {
            TreeMap<Object, Object> m = Values.newObject();
            n.properties().forEach(e -> m.put(e.getKey(), exact(e.getValue())));
            return m;
        }
        return Values.fromJson(n);
    }

    private static Object constantOf(String rego) {
        var t = Parser.parseTerm("input_term", rego);
        Object v = io.hoist.policy.rego.compile.Constants.of(t);
        if (v == null) throw new IllegalArgumentException("input_term is not a constant: " + rego);
        return v;
    }

    @SuppressWarnings("unchecked")
    private static Object sorted(Object v) {
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(sorted(x));
            out.sort(Values.ORDER);
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            TreeMap<Object, Object> out = Values.newObject();
            ((Map<Object, Object>) m).forEach((k, x) -> out.put(k, sorted(x)));
            return out;
        }
        return v;
    }

    /** Prints per-area results and the final "N passed, M failed" line. */
    public static void print(Report r, PrintStream out, boolean verbose) {
        r.areas().forEach((area, n) -> out.printf("%-32s %4d passed %4d failed%n", area, n[0], n[1]));
        if (verbose) r.failures().forEach(f -> out.println("FAIL " + f));
        out.println(r.passed() + " passed, " + r.failed() + " failed");
    }
}
