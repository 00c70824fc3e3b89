package io.hoist.policy.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lays values out in {@link Layout} form in a Java byte array that mirrors the module's memory from a base address
 * on, so the host writes a whole input (or builtin result) with one copy instead of a call per field. JSON text is
 * streamed straight into the layout (no intermediate tree); object keys are sorted by their UTF-8 bytes, which is
 * OPA's string order. One writer per module instance, reused across evaluations (not thread-safe).
 */
public final class LayoutWriter {
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle F64 = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    /**
     * This writer's own parser factory: its buffers come from a pool of its own instead of Jackson's default
     * per-thread pool, whose ThreadLocal lookup missed often enough to show in profiles (a writer is used by one
     * thread at a time, so the pool holds one set of buffers).
     */
    private final JsonFactory json = JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.newLockFreePool()).build();

    private byte[] buf = new byte[1 << 16];
    private int base, len;
    /** Scratch (key address, value address) pairs of the objects being built, as a stack across nesting levels. */
    private int[] pairs = new int[256];
    private int pairTop;
    private int[] elems = new int[256];
    private int elemTop;

    /** Starts a new image whose first byte will live at {@code base} (8-aligned) in the module's memory. */
    public void reset(int base) {
        this.base = base;
        // one bulk clear of what the last image used, so alloc hands out zeroed bytes (padding, unset fields)
        Arrays.fill(buf, 0, len, (byte) 0);
        this.len = 0;
        this.pairTop = 0;
        this.elemTop = 0;
        java.util.Arrays.fill(entries, 0, entryTop, null);
        this.entryTop = 0;
    }

    public int base() { return base; }

    /** Bytes laid out so far (a multiple of 8). */
    public int length() { return len; }

    public byte[] bytes() { return buf; }

    private int alloc(int n) {
        int a = len;
        int size = (Math.max(n, 1) + 7) & ~7;
        if (a + size > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, a + size));
        len = a + size;
        return a;
    }

    /** Drops what was laid out from {@code to} on, leaving those bytes zeroed for alloc. */
    private void rollBack(int to) {
        Arrays.fill(buf, to, len, (byte) 0);
        len = to;
    }

    private void i32(int off, int v) { I32.set(buf, off, v); }

    private int header(int tag) {
        int off = alloc(Layout.HEADER);
        i32(off, tag);
        return off;
    }

    private int addr(int off) { return base + off; }

    // ---------------------------------------------------------------- JSON text

    /** Lays out one JSON document (the whole text); returns its address. */
    public int json(String text) {
        return json(text, null);
    }

    /**
     * Lays out one JSON document; of a top-level object only the parts in {@code rootKeys} (a tree of member
     * names, true for everything below one; null: all). Skipped members are still read through, so malformed JSON
     * anywhere is still refused.
     */
    public int json(String text, Map<String, Object> rootKeys) {
        // parsed from UTF-8 bytes: the JDK encodes ASCII text with vector instructions, and Jackson's byte parser
        // matches member names by 4-byte quads, cheaper than its char parser's per-char symbol lookup
        try (JsonParser p = json.createParser(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            JsonToken t = p.nextToken();
            if (t == null) return addr(header(Layout.NULL));
            int a = rootKeys != null && t == JsonToken.START_OBJECT ? jsonObject(p, rootKeys) : json(p, t);
            if (p.nextToken() != null) throw new IllegalArgumentException("invalid JSON: more than one value in the document");
            return a;
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
    }

    private int json(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_NULL: return addr(header(Layout.NULL));
            case VALUE_TRUE: case VALUE_FALSE: {
                int h = header(Layout.BOOL);
                i32(h + 4, t == JsonToken.VALUE_TRUE ? 1 : 0);
                return addr(h);
            }
            case VALUE_NUMBER_INT: case VALUE_NUMBER_FLOAT: return number(p.getDoubleValue());
            case VALUE_STRING: return string(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            case START_ARRAY: {
                int mark = elemTop;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    pushElem(json(p, e));
                }
                return collection(Layout.ARRAY, mark);
            }
            case START_OBJECT: {
                int mark = pairTop, from = entryTop;
                for (JsonToken e = p.nextToken(); e != JsonToken.END_OBJECT; e = p.nextToken()) {
                    String name = p.currentName();
                    int v = json(p, p.nextToken());
                    pushEntry(name);
                    pushPair(0, v); // the key is laid out once its place in the order is known
                }
                return jsonObject(mark, from);
            }
            default: throw new IllegalArgumentException("invalid JSON: unexpected " + t);
        }
    }

    /** A JSON object (its START_OBJECT read) with only the parts in {@code keep} (see {@link #json(String, Map)}). */
    @SuppressWarnings("unchecked")
    private int jsonObject(JsonParser p, Map<String, Object> keep) throws IOException {
        int mark = pairTop, from = entryTop;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_OBJECT; e = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            Object below = keep.get(name);
            if (below == null) {
                p.skipChildren();
                continue;
            }
            int a = below instanceof Map<?, ?> sub && v == JsonToken.START_OBJECT ? jsonObject(p, (Map<String, Object>) sub) : json(p, v);
            pushEntry(name);
            pushPair(0, a);
        }
        return jsonObject(mark, from);
    }

    /**
     * The parts of {@code m} in {@code keep} (a tree of keys, true for everything below one), in m's order, as m's
     * own kind of map for Values' form; values that are not maps are kept whole.
     */
    @SuppressWarnings("unchecked")
    public static Map<?, ?> onlyKeys(Map<?, ?> m, Map<String, Object> keep) {
        Map<Object, Object> out = m instanceof TreeMap<?, ?> t && t.comparator() == Values.ORDER ? Values.newObject()
                : new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getKey() instanceof String k)) continue;
            Object below = keep.get(k);
            if (below == null) continue;
            out.put(k, below instanceof Map<?, ?> sub && e.getValue() instanceof Map<?, ?> v ? onlyKeys(v, (Map<String, Object>) sub) : e.getValue());
        }
        return out;
    }

    // ---------------------------------------------------------------- Java values

    /**
     * Lays out a Java value: Values' form (TreeMap/TreeSet in OPA order, {@link Values#NULL}) or a plain JSON tree
     * as Jackson maps it (any Map with String keys, List, Integer/Long/Double/BigDecimal, Boolean, null = JSON null).
     */
    @SuppressWarnings("unchecked")
    public int value(Object v) {
        if (v == null || v instanceof Values.Null) return addr(header(Layout.NULL));
        if (v instanceof String s) return string(s);
        if (v instanceof Boolean b) {
            int h = header(Layout.BOOL);
            i32(h + 4, b ? 1 : 0);
            return addr(h);
        }
        if (v instanceof Double || v instanceof Integer || v instanceof Long || v instanceof Float
                || v instanceof Short || v instanceof Byte) {
            return number(((Number) v).doubleValue());
        }
        if (v instanceof BigDecimal || v instanceof BigInteger) {
            BigDecimal b = v instanceof BigInteger i ? new BigDecimal(i) : (BigDecimal) v;
            int text = string(Values.numberText(b));
            int h = header(Layout.NUMBER);
            F64.set(buf, h + 8, b.doubleValue());
            i32(h + 4, text);
            return addr(h);
        }
        if (v instanceof Number n) return number(n.doubleValue());
        if (v instanceof List<?> l) {
            int mark = elemTop;
            for (Object e : l) pushElem(value(e));
            return collection(Layout.ARRAY, mark);
        }
        if (v instanceof Map<?, ?> m) {
            if (m instanceof TreeMap<?, ?> t && t.comparator() == Values.ORDER) {
                int mark = pairTop;
                for (Map.Entry<?, ?> e : m.entrySet()) pushPair(value(e.getKey()), value(e.getValue()));
                return pairsAt(mark, pairTop - mark);
            }
            int shaped = shaped(m);
            if (shaped != 0) return shaped;
            int mark = pairTop, start = len;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k)) {
                    // keys of other types: drop what was laid out and let OPA's order sort them
                    pairTop = mark;
                    rollBack(start);
                    TreeMap<Object, Object> sorted = Values.newObject();
                    for (Map.Entry<?, ?> x : m.entrySet()) sorted.put(MemoryCodec.normalize(x.getKey()), x.getValue());
                    return value(sorted);
                }
                pushPair(key(k), value(e.getValue()));
            }
            return object(mark);
        }
        if (v instanceof Set<?> s) {
            Set<?> sorted = s;
            if (!(s instanceof TreeSet<?> t && t.comparator() == Values.ORDER)) {
                TreeSet<Object> ts = Values.newSet();
                for (Object e : s) ts.add(MemoryCodec.normalize(e));
                sorted = ts;
            }
            int mark = elemTop;
            for (Object e : sorted) pushElem(value(e));
            return collection(Layout.SET, mark);
        }
        throw new IllegalArgumentException("not a Rego value: " + v.getClass().getName());
    }

    // ---------------------------------------------------------------- object shapes

    /**
     * The keys of one kind of object in its map's iteration order, their UTF-8 bytes and their order by those bytes
     * (OPA's string order). Documents of one kind (a provider's VMs, their disks, NICs) share a handful of shapes,
     * so an object whose keys match a cached shape is laid out without hashing or sorting its keys.
     */
    private record Shape(String[] keys, byte[][] utf8, int[] sorted) {
        boolean matches(Object[] ks, int from, int n) {
            if (keys.length != n) return false;
            for (int i = 0; i < n; i++) {
                Object k = ks[from + i];
                if (k != keys[i] && !keys[i].equals(k)) return false;
            }
            return true;
        }
    }

    private static final int SHAPE_SLOTS = 256;
    private final Shape[] shapes = new Shape[SHAPE_SLOTS];
    /** Keys and values of the maps being laid out, as a stack across nesting levels. */
    private Object[] entries = new Object[256];
    private int entryTop;

    /**
     * Lays out a map whose keys are all strings through its shape (cached on first sight); 0 when a key is not a
     * string or the map is too small for a shape to pay off (the caller then sorts).
     */
    private int shaped(Map<?, ?> m) {
        int n = m.size();
        if (n < 2) return 0;
        int from = entryTop;
        if (from + 2 * n > entries.length) entries = Arrays.copyOf(entries, Math.max(entries.length * 2, from + 2 * n));
        int i = 0;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (i == n || !(e.getKey() instanceof String)) { // a map changed while read, or non-string keys
                Arrays.fill(entries, from, from + 2 * n, null);
                return 0;
            }
            entries[from + i] = e.getKey();
            entries[from + n + i] = e.getValue();
            i++;
        }
        if (i != n) {
            Arrays.fill(entries, from, from + 2 * n, null);
            return 0;
        }
        int slot = (entries[from].hashCode() * 31 + n) & (SHAPE_SLOTS - 1);
        Shape shape = shapes[slot];
        if (shape == null || !shape.matches(entries, from, n)) {
            shape = shapeOf(entries, from, n);
            if (shape == null) { // two keys with the same UTF-8 bytes (lone surrogates): sorted the general way
                Arrays.fill(entries, from, from + 2 * n, null);
                return 0;
            }
            shapes[slot] = shape;
        }
        entryTop = from + 2 * n;
        try {
            int mark = pairTop;
            for (int j = 0; j < n; j++) {
                int x = shape.sorted[j];
                int k = bytes(shape.utf8[x]);
                pushPair(k, value(entries[from + n + x]));
            }
            return pairsAt(mark, 2 * n);
        } finally {
            Arrays.fill(entries, from, from + 2 * n, null);
            entryTop = from;
        }
    }

    private void pushEntry(Object o) {
        if (entryTop == entries.length) entries = Arrays.copyOf(entries, entries.length * 2);
        entries[entryTop++] = o;
    }

    /** Values (per pair) of a JSON object whose names are on the entry stack from {@code from}: its keys through a shape. */
    private int jsonObject(int mark, int from) {
        int n = entryTop - from;
        try {
            Shape shape = null;
            if (n >= 2) {
                int slot = (entries[from].hashCode() * 31 + n) & (SHAPE_SLOTS - 1);
                shape = shapes[slot];
                if (shape == null || !shape.matches(entries, from, n)) {
                    shape = shapeOf(entries, from, n);
                    // a name given twice (JSON allows it, the last one wins): sorted the general way below
                    if (shape != null) shapes[slot] = shape;
                }
            }
            if (shape == null) {
                for (int i = 0; i < n; i++) pairs[mark + 2 * i] = key((String) entries[from + i]);
                return object(mark);
            }
            if (values.length < n) values = new int[Math.max(n, 2 * values.length)];
            for (int i = 0; i < n; i++) values[i] = pairs[mark + 2 * i + 1];
            for (int j = 0; j < n; j++) {
                int x = shape.sorted[j];
                pairs[mark + 2 * j] = bytes(shape.utf8[x]);
                pairs[mark + 2 * j + 1] = values[x];
            }
            return pairsAt(mark, 2 * n);
        } finally {
            Arrays.fill(entries, from, entryTop, null);
            entryTop = from;
        }
    }

    private int[] values = new int[64];

    /** The shape of these keys, or null when a key repeats (only JSON text can do that). */
    private static Shape shapeOf(Object[] ks, int from, int n) {
        String[] keys = new String[n];
        byte[][] utf8 = new byte[n][];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            keys[i] = (String) ks[from + i];
            utf8[i] = keys[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(utf8[a], utf8[b]));
        int[] sorted = new int[n];
        for (int i = 0; i < n; i++) sorted[i] = order[i];
        for (int i = 1; i < n; i++) if (Arrays.equals(utf8[sorted[i - 1]], utf8[sorted[i]])) return null;
        return new Shape(keys, utf8, sorted);
    }

    // ---------------------------------------------------------------- scalars and collections

    private int number(double d) {
        int h = header(Layout.NUMBER);
        F64.set(buf, h + 8, d);
        return addr(h);
    }

    private int string(String s) {
        // the JDK's encoder copies ASCII text with vector instructions, faster than a loop over chars
        return bytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Object keys repeat across documents (field names), so their UTF-8 bytes are kept, up to a bound. */
    private final java.util.HashMap<String, byte[]> keyBytes = new java.util.HashMap<>();

    private int key(String k) {
        byte[] b = keyBytes.get(k);
        if (b == null) {
            b = k.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (keyBytes.size() < 4096) keyBytes.put(k, b);
        }
        return bytes(b);
    }

    private int string(char[] cs, int off, int n) {
        int h = header(Layout.STRING);
        int p = alloc(n);
        for (int i = 0; i < n; i++) {
            char ch = cs[off + i];
            if (ch >= 0x80) {
                rollBack(h);
                return bytes(new String(cs, off, n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            buf[p + i] = (byte) ch;
        }
        i32(h + 4, n);
        i32(h + 8, addr(p));
        return addr(h);
    }

    private int bytes(byte[] b) {
        int h = header(Layout.STRING);
        int p = alloc(b.length);
        System.arraycopy(b, 0, buf, p, b.length);
        i32(h + 4, b.length);
        i32(h + 8, addr(p));
        return addr(h);
    }

    private void pushElem(int a) {
        if (elemTop == elems.length) elems = Arrays.copyOf(elems, elems.length * 2);
        elems[elemTop++] = a;
    }

    private void pushPair(int k, int v) {
        if (pairTop + 2 > pairs.length) pairs = Arrays.copyOf(pairs, pairs.length * 2);
        pairs[pairTop++] = k;
        pairs[pairTop++] = v;
    }

    private int collection(int tag, int mark) {
        int n = elemTop - mark;
        int cap = Math.max(4, n);
        int h = header(tag);
        int p = alloc(cap * 4);
        for (int i = 0; i < n; i++) i32(p + 4 * i, elems[mark + i]);
        i32(h + 4, n);
        i32(h + 8, cap);
        i32(h + 12, addr(p));
        elemTop = mark;
        return addr(h);
    }

    /** Scratch for sorting one object's keys: 8-byte big-endian key prefixes and a permutation. */
    private long[] prefix = new long[64];
    private int[] order = new int[64], spare = new int[64];

    /**
     * An object from the pairs pushed since {@code mark} whose keys are strings in any order: sorted by UTF-8
     * bytes (a key's first 8 bytes as one unsigned long decide most comparisons), and of equal keys the last one
     * pushed wins, as in JSON.
     */
    private int object(int mark) {
        int n = (pairTop - mark) / 2;
        if (order.length < n) {
            prefix = new long[n];
            order = new int[n];
            spare = new int[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
            int key = pairs[mark + 2 * i] - base;
            // strings are laid out zero-padded to 8 bytes, so 8 bytes from the start are always there
            prefix[i] = (long) I64BE.get(buf, (int) I32.get(buf, key + 8) - base);
        }
        if (n <= 16) {
            for (int i = 1; i < n; i++) {
                int x = order[i], j = i - 1;
                while (j >= 0 && keyOrder(mark, order[j], x) > 0) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = x;
            }
        } else {
            mergeSort(mark, 0, n);
        }
        // write back in order, keeping only the last of equal keys (the index breaks ties, so it comes last)
        int[] out = spare;
        int m = 0;
        for (int i = 0; i < n; i++) {
            int x = order[i];
            if (i + 1 < n && sameKey(mark, x, order[i + 1])) continue;
            out[m++] = x;
        }
        int[] sorted = new int[2 * m];
        for (int i = 0; i < m; i++) {
            sorted[2 * i] = pairs[mark + 2 * out[i]];
            sorted[2 * i + 1] = pairs[mark + 2 * out[i] + 1];
        }
        System.arraycopy(sorted, 0, pairs, mark, 2 * m);
        return pairsAt(mark, 2 * m);
    }

    private void mergeSort(int mark, int from, int to) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int x = order[i], j = i - 1;
                while (j >= from && keyOrder(mark, order[j], x) > 0) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(mark, from, mid);
        mergeSort(mark, mid, to);
        System.arraycopy(order, from, spare, from, to - from);
        int i = from, j = mid, k = from;
        while (i < mid && j < to) order[k++] = keyOrder(mark, spare[i], spare[j]) <= 0 ? spare[i++] : spare[j++];
        while (i < mid) order[k++] = spare[i++];
        while (j < to) order[k++] = spare[j++];
    }

    /** Order of the keys of pairs x and y (UTF-8 bytes, then push order, so no two pairs compare equal). */
    private int keyOrder(int mark, int x, int y) {
        int c = Long.compareUnsigned(prefix[x], prefix[y]);
        if (c == 0) c = compareStrings(pairs[mark + 2 * x], pairs[mark + 2 * y]);
        return c != 0 ? c : Integer.compare(x, y);
    }

    private boolean sameKey(int mark, int x, int y) {
        return prefix[x] == prefix[y] && compareStrings(pairs[mark + 2 * x], pairs[mark + 2 * y]) == 0;
    }

    private int pairsAt(int mark, int count) {
        int n = count / 2;
        int cap = Math.max(4, n);
        int h = header(Layout.OBJECT);
        int p = alloc(cap * 8);
        for (int i = 0; i < count; i++) i32(p + 4 * i, pairs[mark + i]);
        i32(h + 4, n);
        i32(h + 8, cap);
        i32(h + 12, addr(p));
        pairTop = mark;
        return addr(h);
    }

    /** Unsigned byte order of two laid-out strings (UTF-8 byte order is code point order, as OPA compares). */
    private int compareStrings(int a, int b) {
        int oa = a - base, ob = b - base;
        int la = (int) I32.get(buf, oa + 4), lb = (int) I32.get(buf, ob + 4);
        int pa = (int) I32.get(buf, oa + 8) - base, pb = (int) I32.get(buf, ob + 8) - base;
        return Arrays.compareUnsigned(buf, pa, pa + la, buf, pb, pb + lb);
    }
}
