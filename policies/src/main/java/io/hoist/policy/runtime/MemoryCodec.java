package io.hoist.policy.runtime;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

    @SuppressWarnings("unchecked")
    public int write(Object v) {
        if (v == null) return 0;
        int tag = Values.tag(v);
        int a;
        switch (tag) {
            case Layout.NULL -> { a = malloc.applyAsInt(Layout.HEADER); }
            case Layout.BOOL -> { a = malloc.applyAsInt(Layout.HEADER); mem.writeI32(a + 4, (Boolean) v ? 1 : 0); }
            case Layout.NUMBER -> {
                int text = v instanceof java.math.BigDecimal big ? write(Values.numberText(big)) : 0;
                a = malloc.applyAsInt(Layout.HEADER);
                mem.writeI32(a + 4, text);
                mem.writeF64(a + 8, ((Number) v).doubleValue());
            }
            case Layout.STRING -> {
                byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
                int p = malloc.applyAsInt(Math.max(b.length, 1));
                mem.write(p, b, 0, b.length);
                a = malloc.applyAsInt(Layout.HEADER);
                mem.writeI32(a + 4, b.length);
                mem.writeI32(a + 8, p);
            }
            case Layout.OBJECT -> {
                Map<Object, Object> m = (Map<Object, Object>) v;
                if (!(m instanceof TreeMap<?, ?> t && t.comparator() == Values.ORDER)) {
                    TreeMap<Object, Object> s = Values.newObject();
                    s.putAll(m);
                    m = s;
                }
                int n = m.size();
                int[] parts = new int[2 * n];
                int i = 0;
                for (Map.Entry<Object, Object> e : m.entrySet()) {
                    parts[i++] = write(e.getKey());
                    parts[i++] = write(e.getValue());
                }
                a = collection(tag, n, parts);
            }
            default -> {
                Iterable<Object> it = (Iterable<Object>) v;
                if (tag == Layout.SET && !(v instanceof TreeSet<?> t && t.comparator() == Values.ORDER)) {
                    TreeSet<Object> s = Values.newSet();
                    s.addAll((Set<Object>) v);
                    it = s;
                }
                List<Integer> parts = new ArrayList<>();
                for (Object e : it) parts.add(write(e));
                a = collection(tag, parts.size(), parts.stream().mapToInt(Integer::intValue).toArray());
            }
        }
        mem.writeI32(a, tag);
        return a;
    }

    private int collection(int tag, int n, int[] parts) {
        int cap = Math.max(n, 4);
        int p = malloc.applyAsInt(cap * (tag == Layout.OBJECT ? 8 : 4));
        for (int i = 0; i < parts.length; i++) mem.writeI32(p + 4 * i, parts[i]);
        int a = malloc.applyAsInt(Layout.HEADER);
        mem.writeI32(a + 4, n);
        mem.writeI32(a + 8, cap);
        mem.writeI32(a + 12, p);
        return a;
    }

    public String readCString(int addr) {
        int end = addr;
        while (mem.read(end) != 0) end++;
        return new String(mem.readBytes(addr, end - addr), StandardCharsets.UTF_8);
    }
}
