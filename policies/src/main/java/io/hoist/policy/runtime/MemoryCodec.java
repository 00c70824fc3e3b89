package io.hoist.policy.runtime;

import com.dylibso.chicory.runtime.Memory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;

/** Reads and writes {@link Layout} values in a module's memory from Java (host builtins, results). */
public final class MemoryCodec {
    private final Memory mem;
    private final IntUnaryOperator malloc;
    private final IntSupplier heapPointer;
    private final LayoutWriter writer = new LayoutWriter();

    /** {@code malloc} is the module's bump allocator, {@code heapPointer} where its next allocation starts. */
    public MemoryCodec(Memory mem, IntUnaryOperator malloc, IntSupplier heapPointer) {
        this.mem = mem;
        this.malloc = malloc;
        this.heapPointer = heapPointer;
    }

    public Object read(int addr) {
        if (addr == 0) return null;
        int tag = mem.readInt(addr);
        switch (tag) {
            case Layout.NULL: return Values.NULL;
            case Layout.BOOL: return mem.readInt(addr + 4) != 0;
            case Layout.NUMBER: {
                int text = mem.readInt(addr + 4);
                if (text != 0) return new java.math.BigDecimal((String) read(text));
                return mem.readDouble(addr + 8);
            }
            case Layout.STRING: return new String(mem.readBytes(mem.readInt(addr + 8), mem.readInt(addr + 4)), StandardCharsets.UTF_8);
            case Layout.ARRAY: {
                int n = mem.readInt(addr + 4), p = mem.readInt(addr + 12);
                List<Object> l = new ArrayList<>(n);
                for (int i = 0; i < n; i++) l.add(read(mem.readInt(p + 4 * i)));
                return l;
            }
            case Layout.OBJECT: {
                int n = mem.readInt(addr + 4), p = mem.readInt(addr + 12);
                TreeMap<Object, Object> m = Values.newObject();
                for (int i = 0; i < n; i++) m.put(read(mem.readInt(p + 8 * i)), read(mem.readInt(p + 8 * i + 4)));
                return m;
            }
            case Layout.SET: {
                int n = mem.readInt(addr + 4), p = mem.readInt(addr + 12);
                TreeSet<Object> s = Values.newSet();
                for (int i = 0; i < n; i++) s.add(read(mem.readInt(p + 4 * i)));
                return s;
            }
            default: throw new IllegalStateException("corrupt value at " + addr + ": tag " + tag);
        }
    }

    /**
     * Reads a value straight into a Jackson tree, as {@link Values#toJson} would print it (sets as arrays, keys that
     * are not strings as their JSON text), without building the Java value first.
     */
    public JsonNode readJson(int addr) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (addr == 0) return null;
        int tag = mem.readInt(addr);
        switch (tag) {
            case Layout.NULL: return f.nullNode();
            case Layout.BOOL: return f.booleanNode(mem.readInt(addr + 4) != 0);
            case Layout.NUMBER: {
                int text = mem.readInt(addr + 4);
                if (text != 0) return Values.toJson(read(addr));
                double d = mem.readDouble(addr + 8);
                if (d == Math.rint(d) && Math.abs(d) < 1e18) return f.numberNode((long) d);
                return Values.toJson(d);
            }
            case Layout.STRING: return f.textNode(readString(addr));
            case Layout.ARRAY: case Layout.SET: {
                int n = mem.readInt(addr + 4), p = mem.readInt(addr + 12);
                ArrayNode a = f.arrayNode(n);
                for (int i = 0; i < n; i++) a.add(readJson(mem.readInt(p + 4 * i)));
                return a;
            }
            case Layout.OBJECT: {
                int n = mem.readInt(addr + 4), p = mem.readInt(addr + 12);
                ObjectNode o = f.objectNode();
                for (int i = 0; i < n; i++) {
                    int k = mem.readInt(p + 8 * i);
                    String key = mem.readInt(k) == Layout.STRING ? readString(k) : Values.toJsonText(read(k));
                    o.set(key, readJson(mem.readInt(p + 8 * i + 4)));
                }
                return o;
            }
            default: throw new IllegalStateException("corrupt value at " + addr + ": tag " + tag);
        }
    }

    private String readString(int addr) {
        if (addr < stableBelow) {
            int slot = (addr >>> 3) & (STABLE_SLOTS - 1);
            if (stableAddr[slot] == addr) return stableText[slot];
            String s = new String(mem.readBytes(mem.readInt(addr + 8), mem.readInt(addr + 4)), StandardCharsets.UTF_8);
            stableAddr[slot] = addr;
            stableText[slot] = s;
            return s;
        }
        return new String(mem.readBytes(mem.readInt(addr + 8), mem.readInt(addr + 4)), StandardCharsets.UTF_8);
    }

    private static final int STABLE_SLOTS = 1024;
    /** Strings read from below {@link #stableBelow}, by address (results' keys and messages are mostly constants). */
    private final int[] stableAddr = new int[STABLE_SLOTS];
    private final String[] stableText = new String[STABLE_SLOTS];
    private int stableBelow;

    /**
     * Declares the memory below {@code addr} immutable for this codec's life (a compiled module's constants and the
     * data document, laid out before any evaluation and never written again), so strings read there are cached.
     */
    public void stableBelow(int addr) {
        this.stableBelow = addr;
    }

    private Map<String, Object> inputKeys;

    /**
     * Lays out only these parts of an input object ({@link #writeInput}, {@link #writeInputJson}): a tree of keys,
     * true for everything below one; the rules read no others. Null lays out everything.
     */
    public void onlyInputKeys(Map<String, Object> keys) {
        this.inputKeys = keys;
    }

    /** {@link #write} of the input: an object keeps only the keys the rules read. */
    public int writeInput(Object v) {
        return write(inputKeys != null && v instanceof Map<?, ?> m ? LayoutWriter.onlyKeys(m, inputKeys) : v);
    }

    /** {@link #writeJson} of the input: an object keeps only the keys the rules read. */
    public int writeInputJson(String text) {
        return writeJson(text, inputKeys);
    }

    /** Writes a value (Values' form or a Jackson-style JSON tree) with one allocation and one copy. */
    public int write(Object v) {
        if (v == null) return 0;
        int base = heapPointer.getAsInt();
        writer.reset(base);
        int root = writer.value(v);
        int p = malloc.applyAsInt(writer.length());
        if (p != base) {
            writer.reset(p);
            root = writer.value(v);
        }
        mem.write(p, writer.bytes(), 0, writer.length());
        return root;
    }

    /** Writes a JSON document given as text, streamed into the layout; IllegalArgumentException when it is not JSON. */
    public int writeJson(String text) {
        return writeJson(text, null);
    }

    private int writeJson(String text, Map<String, Object> rootKeys) {
        int base = heapPointer.getAsInt();
        writer.reset(base);
        int root = writer.json(text, rootKeys);
        int p = malloc.applyAsInt(writer.length());
        if (p != base) {
            writer.reset(p);
            root = writer.json(text, rootKeys);
        }
        mem.write(p, writer.bytes(), 0, writer.length());
        return root;
    }

    /** Sorts objects and sets into OPA order so the Wasm side can binary-search them. */
    @SuppressWarnings("unchecked")
    static Object normalize(Object v) {
        if (v instanceof Map<?, ?> m) {
            boolean sorted = m instanceof TreeMap<?, ?> t && t.comparator() == Values.ORDER;
            boolean same = sorted;
            TreeMap<Object, Object> s = Values.newObject();
            for (Map.Entry<Object, Object> e : ((Map<Object, Object>) m).entrySet()) {
                Object k = normalize(e.getKey()), x = normalize(e.getValue());
                same &= k == e.getKey() && x == e.getValue();
                s.put(k, x);
            }
            return same ? v : s;
        }
        if (v instanceof Set<?> set) {
            boolean same = set instanceof TreeSet<?> t && t.comparator() == Values.ORDER;
            TreeSet<Object> s = Values.newSet();
            for (Object e : set) {
                Object x = normalize(e);
                same &= x == e;
                s.add(x);
            }
            return same ? v : s;
        }
        if (v instanceof List<?> l) {
            boolean same = true;
            List<Object> out = new ArrayList<>(l.size());
            for (Object e : l) {
                Object x = normalize(e);
                same &= x == e;
                out.add(x);
            }
            return same ? v : out;
        }
        return v;
    }

    public String readCString(int addr) {
        int end = addr;
        while (mem.read(end) != 0) end++;
        return new String(mem.readBytes(addr, end - addr), StandardCharsets.UTF_8);
    }
}
