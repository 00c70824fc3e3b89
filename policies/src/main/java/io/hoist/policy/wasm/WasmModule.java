package io.hoist.policy.wasm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a WebAssembly 1.0 binary (plus bulk memory's memory.copy). Function indices are handed out when a
 * function is declared so bodies can call functions defined later; imports must be declared first.
 */
public final class WasmModule {
    private record Type(byte[] params, byte[] results) {
        @Override public boolean equals(Object o) {
            return o instanceof Type t && Arrays.equals(params, t.params) && Arrays.equals(results, t.results);
        }
        @Override public int hashCode() { return Arrays.hashCode(params) * 31 + Arrays.hashCode(results); }
    }

    private record Import(String module, String name, int type) {}
    private record Global(byte type, boolean mutable, long init) {}
    private record Export(String name, int kind, int index) {}

    private final List<Type> types = new ArrayList<>();
    private final Map<Type, Integer> typeIndex = new LinkedHashMap<>();
    private final List<Import> imports = new ArrayList<>();
    private final List<Integer> funcTypes = new ArrayList<>();
    private final List<Code> bodies = new ArrayList<>();
    private final List<String> funcNames = new ArrayList<>();
    private final List<Global> globals = new ArrayList<>();
    private final List<Export> exports = new ArrayList<>();
    private final List<byte[]> dataSegments = new ArrayList<>();
    private final List<Integer> dataOffsets = new ArrayList<>();
    private String memoryImportModule = "env", memoryImportName = "memory";
    private int memoryMinPages = 2;

    private int type(byte[] params, byte[] results) {
        Type t = new Type(params, results);
        return typeIndex.computeIfAbsent(t, k -> { types.add(k); return types.size() - 1; });
    }

    public int importFunction(String module, String name, byte[] params, byte[] results) {
        if (!funcTypes.isEmpty()) throw new IllegalStateException("imports must precede functions");
        imports.add(new Import(module, name, type(params, results)));
        return imports.size() - 1;
    }

    public void memoryMinPages(int pages) { this.memoryMinPages = pages; }

    /** Declares a function; its body is supplied later with {@link #define}. */
    public int declare(String name, byte[] params, byte[] results) {
        funcTypes.add(type(params, results));
        bodies.add(null);
        funcNames.add(name);
        return imports.size() + funcTypes.size() - 1;
    }

    public void define(int fn, Code body) { bodies.set(fn - imports.size(), body); }

    public int global(byte type, boolean mutable, long init) {
        globals.add(new Global(type, mutable, init));
        return globals.size() - 1;
    }

    /** Changes a global's initial value (e.g. the heap start, known only once static data is laid out). */
    public void globalInit(int g, long init) {
        Global old = globals.get(g);
        globals.set(g, new Global(old.type, old.mutable, init));
    }

    public void exportFunction(String name, int fn) { exports.add(new Export(name, 0, fn)); }
    public void exportGlobal(String name, int g) { exports.add(new Export(name, 3, g)); }
    public void exportMemory(String name) { exports.add(new Export(name, 2, 0)); }

    public void data(int offset, byte[] bytes) { dataOffsets.add(offset); dataSegments.add(bytes); }

    private final List<String> customNames = new ArrayList<>();
    private final List<byte[]> customContents = new ArrayList<>();

    /** A custom section (ignored by other Wasm hosts); written after the name section. */
    public void customSection(String name, byte[] content) {
        customNames.add(name);
        customContents.add(content);
    }

    public byte[] encode() {
        Bytes m = new Bytes();
        m.raw(new byte[] {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00});
        Bytes sec = new Bytes().u(types.size());
        for (Type t : types) {
            sec.b(0x60).u(t.params.length);
            for (byte p : t.params) sec.b(p);
            sec.u(t.results.length);
            for (byte r : t.results) sec.b(r);
        }
        section(m, 1, sec);
        sec = new Bytes().u(imports.size() + 1);
        for (Import i : imports) sec.name(i.module).name(i.name).b(0x00).u(i.type);
        sec.name(memoryImportModule).name(memoryImportName).b(0x02).b(0x00).u(memoryMinPages);
        section(m, 2, sec);
        sec = new Bytes().u(funcTypes.size());
        for (int t : funcTypes) sec.u(t);
        section(m, 3, sec);
        sec = new Bytes().u(globals.size());
        for (Global g : globals) {
            sec.b(g.type).b(g.mutable ? 1 : 0);
            if (g.type == Code.I64) sec.b(0x42).s(g.init);
            else sec.b(0x41).s(g.init);
            sec.b(0x0B);
        }
        section(m, 6, sec);
        sec = new Bytes().u(exports.size());
        for (Export e : exports) sec.name(e.name).b(e.kind).u(e.index);
        section(m, 7, sec);
        sec = new Bytes().u(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            Code c = bodies.get(i);
            if (c == null) throw new IllegalStateException("function declared but not defined: " + funcNames.get(i));
            sec.sized(new Bytes().raw(c.encode()));
        }
        section(m, 10, sec);
        sec = new Bytes().u(dataSegments.size());
        for (int i = 0; i < dataSegments.size(); i++) {
            sec.b(0x00).b(0x41).s(dataOffsets.get(i)).b(0x0B).u(dataSegments.get(i).length).raw(dataSegments.get(i));
        }
        section(m, 11, sec);
        // custom "name" section with function names: makes Chicory stack traces readable.
        Bytes names = new Bytes().name("name");
        Bytes fnames = new Bytes().u(bodies.size());
        for (int i = 0; i < bodies.size(); i++) fnames.u(imports.size() + i).name(funcNames.get(i));
        names.b(1).sized(fnames);
        m.b(0).sized(names);
        for (int i = 0; i < customNames.size(); i++) m.b(0).sized(new Bytes().name(customNames.get(i)).raw(customContents.get(i)));
        return m.toArray();
    }

    private static void section(Bytes m, int id, Bytes content) {
        m.b(id).sized(content);
    }
}
