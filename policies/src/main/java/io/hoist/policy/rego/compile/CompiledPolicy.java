package io.hoist.policy.rego.compile;

import java.util.Map;

/** A compiled policy: the Wasm module (OPA's ABI) and the ids of its entrypoints ("pkg/rule" form). */
public record CompiledPolicy(byte[] wasm, Map<String, Integer> entrypoints) {}
