package io.hoist.policy.engine;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.fasterxml.jackson.databind.JsonNode;
import io.hoist.policy.builtins.BuiltinError;
import io.hoist.policy.builtins.Builtins;
import io.hoist.policy.runtime.MemoryCodec;
import io.hoist.policy.runtime.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One sandboxed instance of a policy module with its base data loaded. Not thread-safe: use one per thread
 * (instantiate more from the {@link PolicyEngine.LoadedPolicy}). A failed evaluation (error, fuel, time,
 * memory) does not poison the instance: the next evaluation starts from a fresh module instance.
 */
public final class PolicyInstance {
    private final PolicyEngine.LoadedPolicy loaded;
    private final String dataJson;
    private Instance instance;
    private Memory memory;
    private MemoryCodec codec;

    /**
     * The parts of the input our compiler found the rules can read (its custom section: a tree of object keys,
     * true for anything below), or null when they may read anything.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> inputKeys(com.dylibso.chicory.wasm.WasmModule module) {
        if (!(module.customSection(io.hoist.policy.rego.compile.RegoCompiler.INPUT_KEYS_SECTION)
                instanceof com.dylibso.chicory.wasm.types.UnknownCustomSection section)) return null;
        try {
            return JSON.readValue(section.bytes(), Map.class);
        } catch (java.io.IOException e) {
            return null; // unreadable: lay out the whole input
        }
    }
    private boolean ours;
    private Builtins.Builtin[] builtinsById = new Builtins.Builtin[0];
    private Map<String, Integer> entrypoints;
    private int dataAddr;
    private int baseHeap;
    private boolean dirty = true;
    private java.util.function.Consumer<String> output = PolicyInstance::log;
    private ExportFunction heapSet, opaEval, fuelSet;
    private ExportFunction ctxNew, ctxSetInput, ctxSetData, ctxSetEntrypoint, ctxGetResult, evalFn;

    PolicyInstance(PolicyEngine.LoadedPolicy loaded, String dataJson) {
        this.loaded = loaded;
        this.dataJson = dataJson == null ? "{}" : dataJson;
        init();
    }

    public Map<String, Integer> entrypoints() { return Collections.unmodifiableMap(entrypoints); }

    private static final System.Logger PRINT_LOG = System.getLogger("io.hoist.policy.print");

    private static void log(String line) {
        PRINT_LOG.log(System.Logger.Level.INFO, line);
    }

    /** Where {@code print} and {@code trace} lines go (the log by default); returns this instance. */
    public PolicyInstance onOutput(java.util.function.Consumer<String> sink) {
        this.output = sink == null ? PolicyInstance::log : sink;
        return this;
    }

    private void init() {
        int min = loaded.module().importSection().stream().filter(i -> i instanceof MemoryImport)
                .map(i -> ((MemoryImport) i).limits().initialPages()).findFirst().orElse(2);
        int max = loaded.limits().maxMemoryPages();
        if (min > max) throw new PolicyEvaluationException("memory_limit_error", "module needs " + min + " pages, cap is " + max);
        memory = new ByteArrayMemory(new MemoryLimits(min, max));
        List<HostFunction> fns = new ArrayList<>();
        fns.add(new HostFunction("env", "opa_abort", FunctionType.of(List.of(ValType.I32), List.of()), (inst, args) -> {
            String msg = codec.readCString((int) args[0]);
            int colon = msg.indexOf(": ");
            String code = colon > 0 && msg.substring(0, colon).matches("[a-z_]+") ? msg.substring(0, colon) : "policy_abort";
            throw new PolicyEvaluationException(code, colon > 0 && !code.equals("policy_abort") ? msg.substring(colon + 2) : msg);
        }));
        fns.add(new HostFunction("env", "opa_println", FunctionType.of(List.of(ValType.I32), List.of()), (inst, args) -> {
            output.accept(codec.readCString((int) args[0]));
            return null;
        }));
        for (int n = 0; n <= 4; n++) {
            List<ValType> params = new ArrayList<>();
            for (int i = 0; i < n + 2; i++) params.add(ValType.I32);
            fns.add(new HostFunction("env", "opa_builtin" + n, FunctionType.of(params, List.of(ValType.I32)), this::callBuiltin));
        }
        var builder = Instance.builder(loaded.module())
                .withImportValues(ImportValues.builder().addMemory(new ImportMemory("env", "memory", memory))
                        .withFunctions(new ArrayList<>(fns)).build());
        if (loaded.machineFactory() != null) builder.withMachineFactory(loaded.machineFactory());
        instance = builder.build();
        var exports = loaded.module().exportSection();
        ours = false;
        for (int i = 0; i < exports.exportCount(); i++) if (exports.getExport(i).name().equals("hoist_fuel_set")) ours = true;
        ExportFunction malloc = instance.export("opa_malloc");
        ExportFunction heapGet = instance.export("opa_heap_ptr_get");
        codec = new MemoryCodec(memory, n -> (int) malloc.apply(n)[0], () -> (int) heapGet.apply()[0]);
        if (ours) codec.onlyInputKeys(inputKeys(loaded.module()));
        heapSet = instance.export("opa_heap_ptr_set");
        opaEval = instance.export("opa_eval");
        fuelSet = ours ? instance.export("hoist_fuel_set") : null;
        if (ours) {
            ctxNew = instance.export("opa_eval_ctx_new");
            ctxSetInput = instance.export("opa_eval_ctx_set_input");
            ctxSetData = instance.export("opa_eval_ctx_set_data");
            ctxSetEntrypoint = instance.export("opa_eval_ctx_set_entrypoint");
            ctxGetResult = instance.export("opa_eval_ctx_get_result");
            evalFn = instance.export("eval");
        }
        entrypoints = new HashMap<>();
        Object eps = Values.parseJson(dump((int) instance.export("entrypoints").apply()[0]));
        ((Map<?, ?>) eps).forEach((k, v) -> entrypoints.put((String) k, ((Double) v).intValue()));
        builtinsById = new Builtins.Builtin[0];
        Object bs = Values.parseJson(dump((int) instance.export("builtins").apply()[0]));
        for (Map.Entry<?, ?> e : ((Map<?, ?>) bs).entrySet()) {
            Builtins.Builtin b = Builtins.get((String) e.getKey());
            if (b == null) throw new IllegalArgumentException("policy: needs builtin " + e.getKey() + " which this host does not provide");
            int id = ((Double) e.getValue()).intValue();
            if (id >= builtinsById.length) builtinsById = java.util.Arrays.copyOf(builtinsById, id + 1);
            builtinsById[id] = b;
        }
        dataAddr = parse(dataJson);
        if (dataAddr == 0) throw new IllegalArgumentException("data: not a JSON document");
        baseHeap = (int) instance.export("opa_heap_ptr_get").apply()[0];
        // our modules never write below the heap start (constants, the data document); modules from opa build might
        if (ours) codec.stableBelow(baseHeap);
        dirty = false;
    }

    private String dump(int addr) {
        return codec.readCString((int) instance.export("opa_json_dump").apply(addr)[0]);
    }

    private int parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        int p = (int) instance.export("opa_malloc").apply(b.length)[0];
        memory.write(p, b, 0, b.length);
        return (int) instance.export("opa_json_parse").apply(p, b.length)[0];
    }

    private long[] callBuiltin(Instance inst, long... args) {
        int id = (int) args[0];
        Builtins.Builtin b = id >= 0 && id < builtinsById.length ? builtinsById[id] : null;
        if (b == null) throw new PolicyEvaluationException("policy_abort", "unknown builtin id " + args[0]);
        Object[] values = new Object[args.length - 2];
        for (int i = 2; i < args.length; i++) {
            values[i - 2] = ours ? codec.read((int) args[i]) : Values.parseJson(dump((int) args[i]));
        }
        Object result;
        try {
            result = b.fn().apply(values);
        } catch (BuiltinError e) {
            if (!loaded.limits().strictBuiltinErrors()) return new long[] {0};
            throw new PolicyEvaluationException(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            // a builtin bug must not take the host down: report it as a builtin error
            if (!loaded.limits().strictBuiltinErrors()) return new long[] {0};
            throw new PolicyEvaluationException("eval_builtin_error", b.name() + ": " + e, e);
        }
        if (result == null) return new long[] {0};
        if (result instanceof io.hoist.policy.builtins.Output.Line line) {
            output.accept(line.text());
            result = Boolean.TRUE;
        }
        return new long[] {ours ? codec.write(result) : parse(Values.toJsonText(result))};
    }

    /**
     * Evaluates an entrypoint with the given input (JSON text, null for no input) and returns OPA's result set
     * as JSON: [] when undefined, [{"result": value}] otherwise.
     */
    public String evaluate(String entrypoint, String inputJson) {
        return ours ? evaluate(entrypoint, inputJson, null, false, true, false).toString()
                : (String) evaluate(entrypoint, inputJson, null, false, false, false);
    }

    /**
     * Evaluates through the module's own opa_eval export (Wasm-side JSON parse and dump), the path any OPA
     * Wasm host uses; {@link #evaluate} takes a faster host-side path for modules from our compiler.
     */
    public String evaluateThroughOpaEval(String entrypoint, String inputJson) {
        return (String) evaluate(entrypoint, inputJson, null, false, false, false);
    }

    /**
     * Evaluates with an input given as a value (Values' Java form): unlike JSON text it can hold sets, which
     * OPA accepts as input too. Modules not built by our compiler get its JSON form.
     */
    public String evaluateValue(String entrypoint, Object input) {
        if (!ours) return evaluate(entrypoint, input == null ? null : Values.toJsonText(input));
        return evaluate(entrypoint, null, input, input != null, true, false).toString();
    }

    /**
     * Evaluates an entrypoint and returns its value as a Jackson tree, or null when undefined: OPA's result set
     * without the JSON text round trip (our modules' values are read straight from memory).
     */
    public JsonNode evaluateResult(String entrypoint, String inputJson) {
        if (!ours) return firstResult(evaluate(entrypoint, inputJson));
        return (JsonNode) evaluate(entrypoint, inputJson, null, false, true, true);
    }

    /**
     * {@link #evaluateResult(String, String)} with the input as a Java value: Values' form or a JSON tree as
     * Jackson maps it (Maps with String keys, Lists, numbers, Booleans, Strings, null), laid out without JSON text.
     */
    public JsonNode evaluateResultOf(String entrypoint, Object input) {
        if (!ours) return firstResult(evaluate(entrypoint, input == null ? null : JSON.valueToTree(input).toString()));
        return (JsonNode) evaluate(entrypoint, null, input, input != null, true, true);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static JsonNode firstResult(String resultSet) {
        try {
            JsonNode set = JSON.readTree(resultSet);
            return set.isEmpty() ? null : set.get(0).get("result");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("policy returned malformed JSON: " + e.getMessage(), e);
        }
    }

    /**
     * One evaluation. Our modules (hostJson) take the input laid out by the host and return the result set (or,
     * with {@code resultOnly}, the first result's value) as a Jackson tree; other modules go through opa_eval
     * and return its JSON text.
     */
    private Object evaluate(String entrypoint, String inputJson, Object givenInput, boolean hasGiven, boolean hostJson,
                            boolean resultOnly) {
        if (dirty) init();
        Builtins.startEvaluation(loaded.limits().network());
        Integer ep = entrypoints.get(entrypoint);
        if (ep == null) throw new IllegalArgumentException("entrypoint: unknown \"" + entrypoint + "\" (known: " + entrypoints.keySet() + ")");
        Thread self = Thread.currentThread();
        long budgetMs = loaded.limits().timeBudget().toMillis();
        // the alarm may only interrupt while this evaluation runs, never the caller's later work;
        // a caller's own pending interrupt is set aside and restored afterwards
        boolean callerInterrupted = Thread.interrupted();
        TimeBudget.Alarm alarm = TimeBudget.start(loaded.limits().timeBudget().toNanos());
        boolean ok = false;
        try {
            heapSet.apply(baseHeap);
            if (fuelSet != null) fuelSet.apply(loaded.limits().fuel());
            if (hostJson) {
                // our layout is known to the host: the input is laid out in Java and copied in once, the result
                // read straight from memory, which is much cheaper than JSON work inside the module
                int in = 0;
                if (hasGiven) {
                    in = codec.writeInput(givenInput);
                } else if (inputJson != null) {
                    try {
                        in = codec.writeInputJson(inputJson);
                    } catch (IllegalArgumentException e) {
                        ok = true;
                        throw new IllegalArgumentException("input: " + e.getMessage(), e);
                    }
                }
                int ctx = (int) ctxNew.apply()[0];
                ctxSetInput.apply(ctx, in);
                ctxSetData.apply(ctx, dataAddr);
                ctxSetEntrypoint.apply(ctx, ep);
                evalFn.apply(ctx);
                int set = (int) ctxGetResult.apply(ctx)[0];
                Object out = resultOnly ? codec.readJson(firstResultValue(set)) : codec.readJson(set);
                ok = true;
                return out;
            }
            byte[] in = inputJson == null ? new byte[0] : inputJson.getBytes(StandardCharsets.UTF_8);
            int inPtr = baseHeap;
            if (inPtr + in.length + 65536 > memory.pages() * 65536 && memory.grow((in.length >> 16) + 1) < 0) {
                throw new PolicyEvaluationException("memory_limit_error", "input does not fit under the memory cap");
            }
            memory.write(inPtr, in, 0, in.length);
            int heap = (inPtr + in.length + 15) & ~15;
            int res = (int) opaEval.apply(0, ep, dataAddr, inPtr, in.length, heap, 0)[0];
            String out = codec.readCString(res);
            ok = true;
            return out;
        } catch (RuntimeException e) {
            throw translate(e, budgetMs);
        } finally {
            alarm.stop();
            Thread.interrupted();
            if (callerInterrupted) self.interrupt();
            if (!ok) dirty = true;
        }
    }

    /** The value of {"result": v} in a result set of our layout (a set of one-key objects), 0 when empty. */
    private int firstResultValue(int set) {
        if (set == 0 || memory.readInt(set + 4) == 0) return 0;
        int obj = memory.readInt(memory.readInt(set + 12));
        return memory.readInt(memory.readInt(obj + 12) + 4);
    }

    private RuntimeException translate(RuntimeException e, long budgetMs) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PolicyEvaluationException p) return p;
            if (t instanceof ChicoryInterruptedException || t instanceof InterruptedException) {
                return new PolicyEvaluationException("time_limit_exceeded", "evaluation exceeded its time budget of " + budgetMs + " ms", e);
            }
            if (t instanceof StackOverflowError) return new PolicyEvaluationException("wasm_trap", "stack overflow", e);
        }
        if (e instanceof IllegalArgumentException) return e;
        if (e instanceof ChicoryException) return new PolicyEvaluationException("wasm_trap", String.valueOf(e.getMessage()), e);
        return e;
    }
}
