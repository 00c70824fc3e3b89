package io.hoist.policy.engine;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.util.function.Function;

/**
 * Loads Wasm policies (ours or OPA-built) into the Chicory runtime. A {@link LoadedPolicy} is parsed (and, in
 * AOT mode, translated to JVM bytecode) once and can create many instances; an instance serves one thread.
 */
public final class PolicyEngine {
    private PolicyEngine() {}

    /** A parsed module ready to instantiate. */
    public record LoadedPolicy(WasmModule module, Function<Instance, Machine> machineFactory, Limits limits) {
        public PolicyInstance instantiate(String dataJson) {
            return new PolicyInstance(this, dataJson);
        }
    }

    public static LoadedPolicy load(byte[] wasm, Limits limits) {
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("policy: not a valid Wasm module: " + e.getMessage(), e);
        }
        Function<Instance, Machine> factory = limits.mode() == Limits.Mode.AOT ? MachineFactoryCompiler.compile(module) : null;
        return new LoadedPolicy(module, factory, limits);
    }

    /** One-step load of a module with its base data document. */
    public static PolicyInstance load(byte[] wasm, String dataJson, Limits limits) {
        return load(wasm, limits).instantiate(dataJson);
    }

    /** Loads an OPA bundle (tar.gz with /policy.wasm and /data.json). */
    public static PolicyInstance loadBundle(byte[] tarGz, Limits limits) {
        Bundle b = Bundle.read(tarGz);
        return load(b.wasm(), limits).instantiate(b.dataJson());
    }
}
