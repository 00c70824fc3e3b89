package io.hoist.policy.rego.compile;

import static io.hoist.policy.wasm.Code.*;

import io.hoist.policy.builtins.Builtins;
import io.hoist.policy.builtins.ExactArithmetic;
import io.hoist.policy.rego.ast.Ast.Module;
import io.hoist.policy.rego.ast.Ast.Rule;
import io.hoist.policy.rego.parse.Parser;
import io.hoist.policy.runtime.Runtime;
import io.hoist.policy.runtime.Values;
import io.hoist.policy.wasm.Code;
import io.hoist.policy.wasm.WasmModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rego source to a Wasm module implementing OPA's policy ABI (version 1.3 exports: eval, opa_eval,
 * entrypoints, builtins, the eval context functions, JSON parse/dump, malloc/free, heap pointer), entirely in
 * the JVM. Errors are {@link io.hoist.policy.rego.parse.RegoSyntaxException}s naming file, line and column.
 */
public final class RegoCompiler {
    private static final byte[] I = {I32};
    private static final byte[] NONE = {};

    /**
     * Custom section with the parts of the input the module can read, as a JSON tree of object keys ({@code true}:
     * anything below; see InputKeys), absent when it may read anything; the host lays out just those parts.
     */
    public static final String INPUT_KEYS_SECTION = "hoist.input_keys";

    private RegoCompiler() {}

    /** entrypoints are rule or package paths relative to data, written "pkg/rule" or "pkg.rule". */
    public static CompiledPolicy compile(List<SourceFile> files, List<String> entrypoints) {
        List<Module> modules = new ArrayList<>();
        for (SourceFile f : files) modules.add(Parser.parseModule(f.name(), f.text()));
        boolean readsMetadata = files.stream().anyMatch(f -> f.text().contains("rego.metadata."));
        if (readsMetadata || files.stream().anyMatch(f -> f.text().contains("METADATA"))) {
            // read (and so checked) whenever present, as OPA does; only calls to rego.metadata.* need the rewrite
            Annotations annotations = Annotations.of(files, modules);
            if (readsMetadata) modules = annotations.rewrite(modules);
        }
        RuleTree tree = new RuleTree();
        for (Module mod : modules) {
            tree.addPackage(mod.pkg());
            for (Rule r : mod.rules()) tree.add(mod, r);
        }

        WasmModule m = new WasmModule();
        int abort = m.importFunction("env", "opa_abort", I, NONE);
        m.importFunction("env", "opa_println", I, NONE);
        int[] builtinImports = new int[5];
        for (int n = 0; n <= 4; n++) {
            byte[] params = new byte[n + 2];
            java.util.Arrays.fill(params, I32);
            builtinImports[n] = m.importFunction("env", "opa_builtin" + n, params, I);
        }
        StaticArea statics = new StaticArea();
        Runtime rt = new Runtime(m, statics, abort);
        int[] exactIds = java.util.Arrays.stream(ExactArithmetic.OPERATORS).mapToInt(Builtins::id).toArray();
        rt.useHostArithmetic(builtinImports[2], exactIds);
        int gInput = m.global(I32, true, 0), gData = m.global(I32, true, 0);
        CodeGen cg = new CodeGen(m, rt, statics, tree, gInput, gData, builtinImports);
        cg.prescanMocks();
        cg.declareGroups();
        Map<String, Integer> ids = new LinkedHashMap<>();
        List<Integer> entryFns = new ArrayList<>();
        for (String ep : entrypoints) {
            List<String> path = List.of(ep.replace('.', '/').split("/"));
            entryFns.add(cg.entrypointFunction(ep, path));
            ids.put(ep, ids.size());
        }
        rt.define();
        for (String op : ExactArithmetic.OPERATORS) cg.usedBuiltins.put(op, Builtins.id(op));
        cg.defineGroups();
        abi(m, rt, statics, cg, gInput, gData, entryFns, ids);
        int heapStart = (statics.end() + 15) & ~15;
        m.globalInit(rt.heapGlobal, heapStart);
        m.memoryMinPages(heapStart / 65536 + 2);
        m.data(StaticArea.BASE, statics.bytes());
        InputKeys.of(modules).ifPresent(readable -> {
            try {
                m.customSection(INPUT_KEYS_SECTION, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(readable));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e); // a tree of strings and true always serialises
            }
        });
        return new CompiledPolicy(m.encode(), ids);
    }

    private static void abi(WasmModule m, Runtime rt, StaticArea statics, CodeGen cg, int gInput, int gData,
                            List<Integer> entryFns, Map<String, Integer> ids) {
        m.exportMemory("memory");
        m.exportFunction("opa_malloc", rt.malloc);
        Code c = new Code(I32);
        m.exportFunction("opa_free", define(m, "opa_free", I, NONE, c));
        m.exportFunction("opa_json_parse", rt.jsonParse);
        m.exportFunction("opa_value_parse", rt.jsonParse);
        m.exportFunction("opa_json_dump", rt.jsonDump);
        m.exportFunction("opa_value_dump", rt.jsonDump);

        c = new Code();
        c.gget(rt.heapGlobal);
        m.exportFunction("opa_heap_ptr_get", define(m, "opa_heap_ptr_get", NONE, I, c));
        c = new Code(I32);
        c.get(0).gset(rt.heapGlobal);
        m.exportFunction("opa_heap_ptr_set", define(m, "opa_heap_ptr_set", I, NONE, c));

        c = new Code(I64);
        c.get(0).gset(rt.fuelGlobal);
        m.exportFunction("hoist_fuel_set", define(m, "hoist_fuel_set", new byte[] {I64}, NONE, c));

        // eval context: +0 input, +4 data, +8 entrypoint id, +12 result
        c = new Code();
        int ctx = c.i32Local();
        c.i32(16).call(rt.malloc).set(ctx);
        for (int off = 0; off < 16; off += 4) c.get(ctx).i32(0).i32Store(off);
        c.get(ctx);
        m.exportFunction("opa_eval_ctx_new", define(m, "opa_eval_ctx_new", NONE, I, c));
        String[] setters = {"opa_eval_ctx_set_input", "opa_eval_ctx_set_data", "opa_eval_ctx_set_entrypoint"};
        for (int i = 0; i < setters.length; i++) {
            c = new Code(I32, I32);
            c.get(0).get(1).i32Store(4 * i);
            m.exportFunction(setters[i], define(m, setters[i], new byte[] {I32, I32}, NONE, c));
        }
        c = new Code(I32);
        c.get(0).i32Load(12);
        m.exportFunction("opa_eval_ctx_get_result", define(m, "opa_eval_ctx_get_result", I, I, c));

        c = new Code(I32);
        int r = c.i32Local(), set = c.i32Local(), obj = c.i32Local();
        c.get(0).i32Load(0).gset(gInput);
        c.get(0).i32Load(4).gset(gData);
        c.gget(gData).op(I32_EQZ).ifThen().i32(4).call(rt.mkObj).gset(gData).end();
        cg.clearCaches(c);
        cg.clearOverrides(c);
        for (int i = 0; i < entryFns.size(); i++) {
            c.get(0).i32Load(8).i32(i).op(I32_EQ).ifThen().call(entryFns.get(i)).set(r).end();
        }
        c.i32(4).call(rt.mkSet).set(set);
        c.get(r).ifThen();
        c.i32(4).call(rt.mkObj).set(obj);
        c.get(obj).i32(statics.constant("result")).get(r).call(rt.objInsert);
        c.get(set).get(obj).call(rt.setAdd);
        c.end();
        c.get(0).get(set).i32Store(12);
        c.i32(0);
        int evalFn = define(m, "eval", I, I, c);
        m.exportFunction("eval", evalFn);

        TreeMap<Object, Object> epObj = Values.newObject();
        ids.forEach((k, v) -> epObj.put(k, (double) v));
        c = new Code();
        c.i32(statics.constant(epObj));
        m.exportFunction("entrypoints", define(m, "entrypoints", NONE, I, c));
        TreeMap<Object, Object> bObj = Values.newObject();
        cg.usedBuiltins.forEach((k, v) -> bObj.put(k, (double) v));
        c = new Code();
        c.i32(statics.constant(bObj));
        m.exportFunction("builtins", define(m, "builtins", NONE, I, c));

        // opa_eval(reserved, entrypoint, data, input_ptr, input_len, heap_ptr, format) -> result JSON address
        c = new Code(I32, I32, I32, I32, I32, I32, I32);
        ctx = c.i32Local();
        int in = c.i32Local();
        c.get(5).gset(rt.heapGlobal);
        c.get(4).ifThen();
        c.get(3).get(4).call(rt.jsonParse).set(in);
        c.get(in).op(I32_EQZ).ifThen().i32(statics.cstring("invalid input: not a JSON document")).call(rt.abortFn).end();
        c.end();
        c.i32(16).call(rt.malloc).set(ctx);
        c.get(ctx).get(in).i32Store(0);
        c.get(ctx).get(2).i32Store(4);
        c.get(ctx).get(1).i32Store(8);
        c.get(ctx).call(evalFn).drop();
        c.get(ctx).i32Load(12).call(rt.jsonDump);
        m.exportFunction("opa_eval", define(m, "opa_eval", new byte[] {I32, I32, I32, I32, I32, I32, I32}, I, c));

        m.exportGlobal("opa_wasm_abi_version", m.global(I32, false, 1));
        m.exportGlobal("opa_wasm_abi_minor_version", m.global(I32, false, 3));
    }

    private static int define(WasmModule m, String name, byte[] params, byte[] results, Code c) {
        int fn = m.declare(name, params, results);
        m.define(fn, c);
        return fn;
    }
}
