package io.hoist.policy.runtime;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/** Reads and writes {@link Layout} values in a module's memory from Java (host builtins, results). */
public final class MemoryCodec {
    private final Memory mem;
    private final IntUnaryOperator malloc;

    public MemoryCodec(Memory mem, IntUnaryOperator malloc) {
        this.mem = mem;
        this.malloc = malloc;
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

    /** Writes a value with one allocation: its size is computed first, then the tree is laid out in place. */
    public int write(Object v) {
        if (v == null) return 0;
        Object norm = normalize(v);
        int size = size(norm);
        int base = malloc.applyAsInt(size);
        int[] cursor = {base};
        return lay(norm, cursor);
    }

    /** Sorts objects and sets into OPA order so the Wasm side can binary-search them. */
    @SuppressWarnings("unchecked")
    private static Object normalize(Object v) {
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

    private static int align(int n) { return (n + 7) & ~7; }

    @SuppressWarnings("unchecked")
    private static int size(Object v) {
        switch (Values.tag(v)) {
            case Layout.STRING: return Layout.HEADER + align(Math.max(1, ((String) v).getBytes(StandardCharsets.UTF_8).length));
            case Layout.NUMBER: return Layout.HEADER + (v instanceof java.math.BigDecimal b ? size(Values.numberText(b)) : 0);
            case Layout.OBJECT: {
                Map<Object, Object> m = (Map<Object, Object>) v;
                int n = Layout.HEADER + align(Math.max(4, m.size()) * 8);
                for (Map.Entry<Object, Object> e : m.entrySet()) n += size(e.getKey()) + size(e.getValue());
                return n;
            }
            case Layout.ARRAY: case Layout.SET: {
                Collection<Object> c = (Collection<Object>) v;
                int n = Layout.HEADER + align(Math.max(4, c.size()) * 4);
                for (Object e : c) n += size(e);
                return n;
            }
            default: return Layout.HEADER;
        }
    }

    private int take(int[] cursor, int n) {
        int a = cursor[0];
        cursor[0] += align(n);
        return a;
    }

    @SuppressWarnings("unchecked")
    private int lay(Object v, int[] cursor) {
        int tag = Values.tag(v);
        int a = take(cursor, Layout.HEADER);
        mem.writeI32(a, tag);
        mem.writeI32(a + 4, 0);
        switch (tag) {
            case Layout.BOOL -> mem.writeI32(a + 4, (Boolean) v ? 1 : 0);
            case Layout.NUMBER -> {
                mem.writeF64(a + 8, ((Number) v).doubleValue());
                if (v instanceof java.math.BigDecimal b) mem.writeI32(a + 4, lay(Values.numberText(b), cursor));
            }
            case Layout.STRING -> {
                byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                int p = take(cursor, Math.max(1, b.length));
                mem.write(p, b, 0, b.length);
                mem.writeI32(a + 4, b.length);
                mem.writeI32(a + 8, p);
            }
            case Layout.OBJECT -> {
                Map<Object, Object> m = (Map<Object, Object>) v;
                int cap = Math.max(4, m.size());
                int p = take(cursor, cap * 8);
                int i = 0;
                for (Map.Entry<Object, Object> e : m.entrySet()) {
                    mem.writeI32(p + 8 * i, lay(e.getKey(), cursor));
                    mem.writeI32(p + 8 * i + 4, lay(e.getValue(), cursor));
                    i++;
                }
                mem.writeI32(a + 4, m.size());
                mem.writeI32(a + 8, cap);
                mem.writeI32(a + 12, p);
            }
            case Layout.ARRAY, Layout.SET -> {
                Collection<Object> c = (Collection<Object>) v;
                int cap = Math.max(4, c.size());
                int p = take(cursor, cap * 4);
                int i = 0;
                for (Object e : c) mem.writeI32(p + 4 * i++, lay(e, cursor));
                mem.writeI32(a + 4, c.size());
                mem.writeI32(a + 8, cap);
                mem.writeI32(a + 12, p);
            }
            default -> { }
        }
        return a;
    }

    public String readCString(int addr) {
        int end = addr;
        while (mem.read(end) != 0) end++;
        return new String(mem.readBytes(addr, end - addr), StandardCharsets.UTF_8);
    }
}
