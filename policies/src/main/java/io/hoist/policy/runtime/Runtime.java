package io.hoist.policy.runtime;

import static io.hoist.policy.runtime.Layout.*;
import static io.hoist.policy.wasm.Code.*;

import io.hoist.policy.wasm.Code;
import io.hoist.policy.wasm.Code.Label;
import io.hoist.policy.wasm.WasmModule;
import java.nio.charset.StandardCharsets;

/**
 * The value runtime every compiled policy carries, emitted as Wasm functions: bump allocator, constructors,
 * OPA-order comparison, sorted objects and sets, JSON parse and dump, arithmetic and the fuel meter.
 * Function fields hold the Wasm function indices for the code generator.
 */
public final class Runtime {
    private static final byte[] NONE = {};
    private static final byte[] I = {I32};
    private static final byte[] II = {I32, I32};
    private static final byte[] III = {I32, I32, I32};
    private static final byte[] IIII = {I32, I32, I32, I32};

    private final WasmModule m;
    private final StaticData statics;
    public final int abortFn;
    public final int heapGlobal, fuelGlobal, jsonPos, jsonEnd, outBuf, outLen, outCap;
    public int malloc, mkNull, mkBool, mkNum, mkStr, mkArr, mkObj, mkSet, arrAppend, objInsert, objGet, setAdd,
            setHas, cmp, eq, get, len, bsearch, insertAt, burn, jsonParse, jsonDump, parseValue, skipWs, dumpValue,
            emit, emitInt, dumpNum, arith, truthy, typeError, isType, numOf, objInsertOnce, abortMsg, memeq;

    /** opa_builtin2 import and the ids of the exact-arithmetic builtins by operator code (see {@link #ADD}). */
    private int builtin2 = -1;
    private int[] exactIds;

    /**
     * Arithmetic and comparison that float64 cannot do exactly (integers from 2^53, literals float64 cannot hold)
     * call these host builtins ({@code ExactArithmetic.OPERATORS}); set before {@link #define()}.
     */
    public void useHostArithmetic(int builtin2Import, int[] idsByOperator) {
        this.builtin2 = builtin2Import;
        this.exactIds = idsByOperator.clone();
    }

    public Runtime(WasmModule m, StaticData statics, int abortFn) {
        this.m = m;
        this.statics = statics;
        this.abortFn = abortFn;
        heapGlobal = m.global(I32, true, 0);
        fuelGlobal = m.global(I64, true, Long.MAX_VALUE);
        jsonPos = m.global(I32, true, 0);
        jsonEnd = m.global(I32, true, 0);
        outBuf = m.global(I32, true, 0);
        outLen = m.global(I32, true, 0);
        outCap = m.global(I32, true, 0);
        declare();
    }

    private void declare() {
        malloc = m.declare("rt_malloc", I, I);
        mkNull = m.declare("rt_mk_null", NONE, I);
        mkBool = m.declare("rt_mk_bool", I, I);
        mkNum = m.declare("rt_mk_num", new byte[] {F64}, I);
        mkStr = m.declare("rt_mk_str", II, I);
        mkArr = m.declare("rt_mk_arr", I, I);
        mkObj = m.declare("rt_mk_obj", I, I);
        mkSet = m.declare("rt_mk_set", I, I);
        arrAppend = m.declare("rt_arr_append", II, NONE);
        objInsert = m.declare("rt_obj_insert", III, NONE);
        objInsertOnce = m.declare("rt_obj_insert_once", III, NONE);
        objGet = m.declare("rt_obj_get", II, I);
        setAdd = m.declare("rt_set_add", II, NONE);
        setHas = m.declare("rt_set_has", II, I);
        cmp = m.declare("rt_cmp", II, I);
        eq = m.declare("rt_eq", II, I);
        memeq = m.declare("rt_memcmp", IIII, I);
        get = m.declare("rt_get", II, I);
        len = m.declare("rt_len", I, I);
        bsearch = m.declare("rt_bsearch", IIII, I);
        insertAt = m.declare("rt_insert_at", III, NONE);
        burn = m.declare("rt_burn", NONE, NONE);
        jsonParse = m.declare("rt_json_parse", II, I);
        parseValue = m.declare("rt_parse_value", NONE, I);
        skipWs = m.declare("rt_skip_ws", NONE, NONE);
        jsonDump = m.declare("rt_json_dump", I, I);
        dumpValue = m.declare("rt_dump_value", I, NONE);
        emit = m.declare("rt_emit", I, NONE);
        emitInt = m.declare("rt_emit_int", new byte[] {I64, I32}, NONE);
        dumpNum = m.declare("rt_dump_num", new byte[] {F64}, NONE);
        arith = m.declare("rt_arith", III, I);
        truthy = m.declare("rt_truthy", I, I);
        typeError = m.declare("rt_type_error", I, NONE);
        isType = m.declare("rt_is_type", II, I);
        numOf = m.declare("rt_num_of", I, new byte[] {F64});
        abortMsg = m.declare("rt_abort", I, NONE);
    }

    /** Address of a NUL-terminated message in static data. */
    private int msg(String s) { return statics.cstring(s); }

    public void define() {
        defMalloc();
        defConstructors();
        defCollections();
        defCompare();
        defGetLen();
        defBurn();
        defJsonParse();
        defJsonDump();
        defArith();
        defMisc();
    }

    private void defMalloc() {
        Code c = new Code(I32);
        int p = c.i32Local(), top = c.i32Local(), need = c.i32Local();
        c.gget(heapGlobal).set(p);
        c.get(p).get(0).op(I32_ADD).i32(7).op(I32_ADD).i32(~7).op(I32_AND).set(top);
        c.get(top).memorySize().i32(16).op(I32_SHL).op(I32_GT_U).ifThen();
        c.get(top).memorySize().i32(16).op(I32_SHL).op(I32_SUB).i32(16).op(I32_SHR_U).i32(1).op(I32_ADD).set(need);
        c.get(need).memoryGrow().i32(-1).op(I32_EQ).ifThen();
        c.i32(msg("memory_limit_error: policy exceeded its memory cap")).call(abortFn).unreachable();
        c.end().end();
        c.get(top).gset(heapGlobal);
        c.get(p);
        m.define(malloc, c);

        Code a = new Code(I32);
        a.get(0).call(abortFn).unreachable();
        m.define(abortMsg, a);
    }

    private void defConstructors() {
        Code c = new Code();
        int v = c.i32Local();
        c.i32(HEADER).call(malloc).tee(v).i32(NULL).i32Store(0).get(v);
        m.define(mkNull, c);

        c = new Code(I32);
        v = c.i32Local();
        c.i32(HEADER).call(malloc).tee(v).i32(BOOL).i32Store(0);
        c.get(v).get(0).i32Store(4).get(v);
        m.define(mkBool, c);

        c = new Code(F64);
        v = c.i32Local();
        c.i32(HEADER).call(malloc).tee(v).i32(NUMBER).i32Store(0);
        c.get(v).i32(0).i32Store(4);
        c.get(v).get(0).f64Store(8).get(v);
        m.define(mkNum, c);

        c = new Code(I32, I32);
        v = c.i32Local();
        c.i32(HEADER).call(malloc).tee(v).i32(STRING).i32Store(0);
        c.get(v).get(1).i32Store(4);
        c.get(v).get(0).i32Store(8).get(v);
        m.define(mkStr, c);

        m.define(mkArr, collection(ARRAY, 4));
        m.define(mkObj, collection(OBJECT, 8));
        m.define(mkSet, collection(SET, 4));
    }

    private Code collection(int tag, int elemSize) {
        Code c = new Code(I32);
        int v = c.i32Local();
        c.get(0).i32(4).op(I32_LT_U).ifThen().i32(4).set(0).end();
        c.i32(HEADER).call(malloc).tee(v).i32(tag).i32Store(0);
        c.get(v).i32(0).i32Store(4);
        c.get(v).get(0).i32Store(8);
        c.get(v).get(0).i32(elemSize).op(I32_MUL).call(malloc).i32Store(12);
        c.get(v);
        return c;
    }

    /** Element stride in bytes: objects store key/value pairs. */
    private static void stride(Code c, int coll) {
        c.get(coll).i32Load(0).i32(OBJECT).op(I32_EQ).ifResult(I32).i32(8).elseBranch().i32(4).end();
    }

    private void defCollections() {
        // insert_at(coll, index, stride): make room for one element at index, growing the area if full.
        Code c = new Code(I32, I32, I32);
        int coll = 0, idx = 1, st = 2, np = c.i32Local(), n = c.i32Local();
        c.get(coll).i32Load(4).set(n);
        c.get(n).get(coll).i32Load(8).op(I32_EQ).ifThen();
        c.get(n).i32(2).op(I32_MUL).get(st).op(I32_MUL).call(malloc).set(np);
        c.get(np).get(coll).i32Load(12).get(n).get(st).op(I32_MUL).memoryCopy();
        c.get(coll).get(np).i32Store(12);
        c.get(coll).get(n).i32(2).op(I32_MUL).i32Store(8);
        c.end();
        c.get(idx).get(n).op(I32_LT_U).ifThen();
        // dst = ptr + (idx+1)*st, src = ptr + idx*st, len = (n-idx)*st
        c.get(coll).i32Load(12).get(idx).i32(1).op(I32_ADD).get(st).op(I32_MUL).op(I32_ADD);
        c.get(coll).i32Load(12).get(idx).get(st).op(I32_MUL).op(I32_ADD);
        c.get(n).get(idx).op(I32_SUB).get(st).op(I32_MUL).memoryCopy();
        c.end();
        c.get(coll).get(n).i32(1).op(I32_ADD).i32Store(4);
        m.define(insertAt, c);

        c = new Code(I32, I32);
        c.get(0).get(0).i32Load(4).i32(4).call(insertAt);
        c.get(0).i32Load(12).get(0).i32Load(4).i32(1).op(I32_SUB).i32(4).op(I32_MUL).op(I32_ADD).get(1).i32Store(0);
        m.define(arrAppend, c);

        // bsearch(ptr, len, strideBytes, key) -> index, or -(insertion point)-1
        c = new Code(I32, I32, I32, I32);
        int lo = c.i32Local(), hi = c.i32Local(), mid = c.i32Local(), r = c.i32Local();
        c.get(1).set(hi);
        Label out = c.block();
        Label top = c.loop();
        c.get(lo).get(hi).op(I32_GE_S).brIf(out);
        c.get(lo).get(hi).op(I32_ADD).i32(1).op(I32_SHR_U).set(mid);
        c.get(0).get(mid).get(2).op(I32_MUL).op(I32_ADD).i32Load(0).get(3).call(cmp).tee(r);
        c.op(I32_EQZ).ifThen().get(mid).ret().end();
        c.get(r).i32(0).op(I32_LT_S).ifThen().get(mid).i32(1).op(I32_ADD).set(lo)
                .elseBranch().get(mid).set(hi).end();
        c.br(top);
        c.end().end();
        c.i32(0).get(lo).op(I32_SUB).i32(1).op(I32_SUB);
        m.define(bsearch, c);

        // obj_insert(o, k, v): replace or insert keeping keys sorted
        c = new Code(I32, I32, I32);
        int i = c.i32Local();
        c.get(0).i32Load(12).get(0).i32Load(4).i32(8).get(1).call(bsearch).set(i);
        c.get(i).i32(0).op(I32_LT_S).ifThen();
        c.i32(-1).get(i).op(I32_SUB).set(i);
        c.get(0).get(i).i32(8).call(insertAt);
        c.get(0).i32Load(12).get(i).i32(8).op(I32_MUL).op(I32_ADD).get(1).i32Store(0);
        c.end();
        c.get(0).i32Load(12).get(i).i32(8).op(I32_MUL).op(I32_ADD).get(2).i32Store(4);
        m.define(objInsert, c);

        // obj_insert_once: a second, different value for a key is a conflict (partial object rules)
        c = new Code(I32, I32, I32);
        i = c.i32Local();
        c.get(0).i32Load(12).get(0).i32Load(4).i32(8).get(1).call(bsearch).set(i);
        c.get(i).i32(0).op(I32_GE_S).ifThen();
        c.get(0).i32Load(12).get(i).i32(8).op(I32_MUL).op(I32_ADD).i32Load(4).get(2).call(eq).op(I32_EQZ).ifThen();
        c.i32(msg("eval_conflict_error: object keys must be unique")).call(abortFn).unreachable();
        c.end().ret().end();
        c.get(0).get(1).get(2).call(objInsert);
        m.define(objInsertOnce, c);

        c = new Code(I32, I32);
        i = c.i32Local();
        c.get(0).i32Load(12).get(0).i32Load(4).i32(8).get(1).call(bsearch).tee(i);
        c.i32(0).op(I32_LT_S).ifThen().i32(0).ret().end();
        c.get(0).i32Load(12).get(i).i32(8).op(I32_MUL).op(I32_ADD).i32Load(4);
        m.define(objGet, c);

        c = new Code(I32, I32);
        i = c.i32Local();
        c.get(0).i32Load(12).get(0).i32Load(4).i32(4).get(1).call(bsearch).set(i);
        c.get(i).i32(0).op(I32_LT_S).ifThen();
        c.i32(-1).get(i).op(I32_SUB).set(i);
        c.get(0).get(i).i32(4).call(insertAt);
        c.get(0).i32Load(12).get(i).i32(4).op(I32_MUL).op(I32_ADD).get(1).i32Store(0);
        c.end();
        m.define(setAdd, c);

        c = new Code(I32, I32);
        c.get(0).i32Load(12).get(0).i32Load(4).i32(4).get(1).call(bsearch).i32(0).op(I32_GE_S);
        m.define(setHas, c);
    }

    private void defCompare() {
        // memcmp(p1, n1, p2, n2) -> -1/0/1 lexicographic on bytes
        Code c = new Code(I32, I32, I32, I32);
        int i = c.i32Local(), n = c.i32Local(), a = c.i32Local(), b = c.i32Local(), diff = c.local(I64);
        c.get(1).get(3).get(1).get(3).op(I32_LT_U).select().set(n);
        // skip the common prefix 8 bytes at a time; in the first word that differs, the lowest set bit of the
        // XOR (little-endian: the lowest address) is the first differing byte, where the byte loop below answers
        Label words = c.block();
        Label word = c.loop();
        c.get(i).i32(8).op(I32_ADD).get(n).op(I32_GT_U).brIf(words);
        c.get(0).get(i).op(I32_ADD).i64Load(0).get(2).get(i).op(I32_ADD).i64Load(0).op(I64_XOR).tee(diff);
        c.op(I64_EQZ).op(I32_EQZ).ifThen();
        c.get(i).get(diff).op(I64_CTZ).i64(3).op(I64_SHR_U).op(I32_WRAP_I64).op(I32_ADD).set(i).br(words);
        c.end();
        c.get(i).i32(8).op(I32_ADD).set(i).br(word);
        c.end().end();
        Label out = c.block();
        Label top = c.loop();
        c.get(i).get(n).op(I32_GE_U).brIf(out);
        c.get(0).get(i).op(I32_ADD).i32Load8u(0).set(a);
        c.get(2).get(i).op(I32_ADD).i32Load8u(0).set(b);
        c.get(a).get(b).op(I32_NE).ifThen();
        c.i32(-1).i32(1).get(a).get(b).op(I32_LT_U).select().ret();
        c.end();
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.get(1).get(3).op(I32_EQ).ifThen().i32(0).ret().end();
        c.i32(-1).i32(1).get(1).get(3).op(I32_LT_U).select();
        m.define(memeq, c);

        // cmp(a, b) in OPA's total order
        c = new Code(I32, I32);
        int ta = c.i32Local(), tb = c.i32Local(), x = c.i32Local(), y = c.i32Local(), r = c.i32Local();
        n = c.i32Local();
        i = c.i32Local();
        c.get(0).get(1).op(I32_EQ).ifThen().i32(0).ret().end();
        c.get(0).i32Load(0).set(ta);
        c.get(1).i32Load(0).set(tb);
        c.get(ta).get(tb).op(I32_NE).ifThen().i32(-1).i32(1).get(ta).get(tb).op(I32_LT_U).select().ret().end();
        c.get(ta).i32(NULL).op(I32_EQ).ifThen().i32(0).ret().end();
        c.get(ta).i32(BOOL).op(I32_EQ).ifThen();
        c.get(0).i32Load(4).get(1).i32Load(4).op(I32_SUB).ret();
        c.end();
        c.get(ta).i32(NUMBER).op(I32_EQ).ifThen();
        c.get(0).f64Load(8).get(1).f64Load(8).op(F64_LT).ifThen().i32(-1).ret().end();
        c.get(0).f64Load(8).get(1).f64Load(8).op(F64_GT).ifThen().i32(1).ret().end();
        // float64 tie: a number float64 cannot hold carries its exact text; the host subtracts exactly
        c.get(0).i32Load(4).get(1).i32Load(4).op(I32_OR).op(I32_EQZ).ifThen().i32(0).ret().end();
        c.i32(exactIds[SUB]).i32(0).get(0).get(1).call(builtin2).tee(x);
        // no difference (an infinite float64 from JSON input beside a literal beyond float64): equal, as before
        c.op(I32_EQZ).ifThen().i32(0).ret().end();
        c.get(x).f64Load(8).f64(0).op(F64_GT).ifThen().i32(1).ret().end();
        c.get(x).f64Load(8).f64(0).op(F64_LT).ifThen().i32(-1).ret().end();
        // a difference below float64's range is still signed in its text
        c.get(x).i32Load(4).op(I32_EQZ).ifThen().i32(0).ret().end();
        c.i32(-1).i32(1).get(x).i32Load(4).i32Load(8).i32Load8u(0).i32('-').op(I32_EQ).select().ret();
        c.end();
        c.get(ta).i32(STRING).op(I32_EQ).ifThen();
        c.get(0).i32Load(8).get(0).i32Load(4).get(1).i32Load(8).get(1).i32Load(4).call(memeq).ret();
        c.end();
        // collections: lexicographic over elements (objects: key then value), then length
        c.get(0).i32Load(4).set(x);
        c.get(1).i32Load(4).set(y);
        c.get(x).get(y).get(x).get(y).op(I32_LT_U).select().set(n);
        c.get(ta).i32(OBJECT).op(I32_EQ).ifThen().get(n).i32(1).op(I32_SHL).set(n).end();
        out = c.block();
        top = c.loop();
        c.get(i).get(n).op(I32_GE_U).brIf(out);
        c.get(0).i32Load(12).get(i).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0);
        c.get(1).i32Load(12).get(i).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0);
        c.call(cmp).tee(r).ifThen().get(r).ret().end();
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.get(x).get(y).op(I32_EQ).ifThen().i32(0).ret().end();
        c.i32(-1).i32(1).get(x).get(y).op(I32_LT_U).select();
        m.define(cmp, c);

        c = new Code(I32, I32);
        c.get(0).get(1).call(cmp).op(I32_EQZ);
        m.define(eq, c);
    }

    private void defGetLen() {
        // get(collection, key) -> element address or 0 (undefined)
        Code c = new Code(I32, I32);
        int t = c.i32Local(), idx = c.i32Local();
        c.get(0).i32Load(0).set(t);
        c.get(t).i32(ARRAY).op(I32_EQ).ifThen();
        c.get(1).i32Load(0).i32(NUMBER).op(I32_NE).ifThen().i32(0).ret().end();
        c.get(1).f64Load(8).op(F64_FLOOR).get(1).f64Load(8).op(F64_NE).ifThen().i32(0).ret().end();
        c.get(1).f64Load(8).f64(0).op(F64_LT).ifThen().i32(0).ret().end();
        c.get(1).f64Load(8).get(0).i32Load(4).op(F64_CONVERT_I32_S).op(F64_GE).ifThen().i32(0).ret().end();
        c.get(1).f64Load(8).op(I32_TRUNC_F64_S).set(idx);
        c.get(0).i32Load(12).get(idx).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0).ret();
        c.end();
        c.get(t).i32(OBJECT).op(I32_EQ).ifThen().get(0).get(1).call(objGet).ret().end();
        c.get(t).i32(SET).op(I32_EQ).ifThen();
        c.get(0).get(1).call(setHas).ifThen().get(1).ret().end();
        c.end();
        c.i32(0);
        m.define(get, c);

        // len: code points for strings, element count for collections
        c = new Code(I32);
        int n = c.i32Local(), i = c.i32Local(), p = c.i32Local();
        c.get(0).i32Load(0).i32(STRING).op(I32_EQ).ifThen();
        c.get(0).i32Load(8).set(p);
        Label out = c.block();
        Label top = c.loop();
        c.get(i).get(0).i32Load(4).op(I32_GE_U).brIf(out);
        c.get(p).get(i).op(I32_ADD).i32Load8u(0).i32(0xC0).op(I32_AND).i32(0x80).op(I32_NE).ifThen();
        c.get(n).i32(1).op(I32_ADD).set(n).end();
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.get(n).ret();
        c.end();
        c.get(0).i32Load(4);
        m.define(len, c);
    }

    private void defBurn() {
        Code c = new Code();
        c.gget(fuelGlobal).i64(1).op(I64_SUB).gset(fuelGlobal);
        c.gget(fuelGlobal).i64(0).op(I64_LT_S).ifThen();
        c.i32(msg("fuel_exhausted: evaluation ran out of fuel (step budget)")).call(abortFn).unreachable();
        c.end();
        m.define(burn, c);
    }

    // ---------------------------------------------------------------- JSON parse
    private void peek(Code c) { c.gget(jsonPos).i32Load8u(0); }

    private void advance(Code c) { c.gget(jsonPos).i32(1).op(I32_ADD).gset(jsonPos); }

    private void defJsonParse() {
        Code c = new Code();
        Label out = c.block();
        Label top = c.loop();
        c.gget(jsonPos).gget(jsonEnd).op(I32_GE_U).brIf(out);
        int ch = c.i32Local();
        peek(c);
        c.set(ch);
        c.get(ch).i32(' ').op(I32_EQ).get(ch).i32('\n').op(I32_EQ).op(I32_OR).get(ch).i32('\r').op(I32_EQ).op(I32_OR)
                .get(ch).i32('\t').op(I32_EQ).op(I32_OR).op(I32_EQZ).brIf(out);
        advance(c);
        c.br(top);
        c.end().end();
        m.define(skipWs, c);

        c = new Code(I32, I32);
        int v = c.i32Local();
        c.get(0).gset(jsonPos).get(0).get(1).op(I32_ADD).gset(jsonEnd);
        c.call(parseValue).set(v);
        c.call(skipWs);
        c.gget(jsonPos).gget(jsonEnd).op(I32_NE).ifThen().i32(0).ret().end();
        c.get(v);
        m.define(jsonParse, c);

        defParseValue();
    }

    /** Returns 0 on malformed input; callers propagate 0. */
    private void defParseValue() {
        Code c = new Code();
        int ch = c.i32Local(), v = c.i32Local(), k = c.i32Local(), x = c.i32Local();
        int start = c.i32Local(), dst = c.i32Local(), buf = c.i32Local(), code = c.i32Local(), i = c.i32Local();
        int neg = c.local(F64), mant = c.local(F64), exp = c.i32Local(), eneg = c.i32Local(), scale = c.local(F64);
        c.call(skipWs);
        c.gget(jsonPos).gget(jsonEnd).op(I32_GE_U).ifThen().i32(0).ret().end();
        peek(c);
        c.set(ch);
        // literals
        literal(c, ch, 'n', "null", () -> c.call(mkNull));
        literal(c, ch, 't', "true", () -> c.i32(1).call(mkBool));
        literal(c, ch, 'f', "false", () -> c.i32(0).call(mkBool));
        // array
        c.get(ch).i32('[').op(I32_EQ).ifThen();
        advance(c);
        c.i32(4).call(mkArr).set(v);
        c.call(skipWs);
        peek(c);
        c.i32(']').op(I32_EQ).ifThen();
        advance(c);
        c.get(v).ret();
        c.end();
        Label out = c.block();
        Label top = c.loop();
        c.call(parseValue).tee(x).op(I32_EQZ).ifThen().i32(0).ret().end();
        c.get(v).get(x).call(arrAppend);
        c.call(skipWs);
        peek(c);
        c.set(ch);
        advance(c);
        c.get(ch).i32(']').op(I32_EQ).brIf(out);
        c.get(ch).i32(',').op(I32_NE).ifThen().i32(0).ret().end();
        c.br(top);
        c.end().end();
        c.get(v).ret();
        c.end();
        // object
        c.get(ch).i32('{').op(I32_EQ).ifThen();
        advance(c);
        c.i32(4).call(mkObj).set(v);
        c.call(skipWs);
        peek(c);
        c.i32('}').op(I32_EQ).ifThen();
        advance(c);
        c.get(v).ret();
        c.end();
        out = c.block();
        top = c.loop();
        c.call(parseValue).tee(k).op(I32_EQZ).ifThen().i32(0).ret().end();
        c.call(skipWs);
        peek(c);
        c.i32(':').op(I32_NE).ifThen().i32(0).ret().end();
        advance(c);
        c.call(parseValue).tee(x).op(I32_EQZ).ifThen().i32(0).ret().end();
        c.get(v).get(k).get(x).call(objInsert);
        c.call(skipWs);
        peek(c);
        c.set(ch);
        advance(c);
        c.get(ch).i32('}').op(I32_EQ).brIf(out);
        c.get(ch).i32(',').op(I32_NE).ifThen().i32(0).ret().end();
        c.br(top);
        c.end().end();
        c.get(v).ret();
        c.end();
        // string: decode escapes into a fresh buffer no longer than the raw text
        c.get(ch).i32('"').op(I32_EQ).ifThen();
        advance(c);
        c.gget(jsonPos).set(start);
        // find the closing quote first: the decoded string is never longer than its raw text
        c.get(start).set(i);
        out = c.block();
        top = c.loop();
        c.get(i).gget(jsonEnd).op(I32_GE_U).brIf(out);
        c.get(i).i32Load8u(0).set(ch);
        c.get(ch).i32('"').op(I32_EQ).brIf(out);
        c.get(i).get(ch).i32('\\').op(I32_EQ).ifResult(I32).i32(2).elseBranch().i32(1).end().op(I32_ADD).set(i);
        c.br(top);
        c.end().end();
        c.get(i).get(start).op(I32_SUB).i32(1).op(I32_ADD).call(malloc).tee(buf).set(dst);
        out = c.block();
        top = c.loop();
        c.gget(jsonPos).gget(jsonEnd).op(I32_GE_U).ifThen().i32(0).ret().end();
        peek(c);
        c.set(ch);
        advance(c);
        c.get(ch).i32('"').op(I32_EQ).brIf(out);
        c.get(ch).i32('\\').op(I32_EQ).ifThen();
        peek(c);
        c.set(ch);
        advance(c);
        c.get(ch).i32('u').op(I32_EQ).ifThen();
        hex4(c, code, i, ch);
        // surrogate pair
        c.get(code).i32(0xD800).op(I32_GE_U).get(code).i32(0xDC00).op(I32_LT_U).op(I32_AND).ifThen();
        c.gget(jsonPos).i32(6).op(I32_ADD).gget(jsonEnd).op(I32_LE_U).ifThen();
        peek(c);
        c.i32('\\').op(I32_EQ).ifThen();
        advance(c);
        advance(c);
        c.get(code).set(k);
        hex4(c, code, i, ch);
        c.get(k).i32(0xD800).op(I32_SUB).i32(10).op(I32_SHL).get(code).i32(0xDC00).op(I32_SUB).op(I32_OR)
                .i32(0x10000).op(I32_ADD).set(code);
        c.end().end().end();
        utf8(c, code, dst);
        c.br(top);
        c.end();
        c.get(ch).i32('n').op(I32_EQ).ifThen().i32('\n').set(ch).end();
        c.get(ch).i32('t').op(I32_EQ).ifThen().i32('\t').set(ch).end();
        c.get(ch).i32('r').op(I32_EQ).ifThen().i32('\r').set(ch).end();
        c.get(ch).i32('b').op(I32_EQ).ifThen().i32('\b').set(ch).end();
        c.get(ch).i32('f').op(I32_EQ).ifThen().i32('\f').set(ch).end();
        c.end();
        c.get(dst).get(ch).i32Store8(0);
        c.get(dst).i32(1).op(I32_ADD).set(dst);
        c.br(top);
        c.end().end();
        c.get(buf).get(dst).get(buf).op(I32_SUB).call(mkStr).ret();
        c.end();
        // number
        c.f64(1).set(neg);
        c.get(ch).i32('-').op(I32_EQ).ifThen().f64(-1).set(neg);
        advance(c);
        c.end();
        c.get(ch).i32('-').op(I32_EQ).get(ch).i32('0').op(I32_GE_U).get(ch).i32('9').op(I32_LE_U).op(I32_AND).op(I32_OR)
                .op(I32_EQZ).ifThen().i32(0).ret().end();
        digits(c, ch, mant, scale, false);
        c.f64(1).set(scale);
        c.gget(jsonPos).gget(jsonEnd).op(I32_LT_U).ifThen();
        peek(c);
        c.i32('.').op(I32_EQ).ifThen();
        advance(c);
        digits(c, ch, mant, scale, true);
        c.end().end();
        c.gget(jsonPos).gget(jsonEnd).op(I32_LT_U).ifThen();
        peek(c);
        c.i32(0x20).op(I32_OR).i32('e').op(I32_EQ).ifThen();
        advance(c);
        peek(c);
        c.set(ch);
        c.get(ch).i32('-').op(I32_EQ).ifThen().i32(1).set(eneg).end();
        c.get(ch).i32('-').op(I32_EQ).get(ch).i32('+').op(I32_EQ).op(I32_OR).ifThen();
        advance(c);
        c.end();
        out = c.block();
        top = c.loop();
        c.gget(jsonPos).gget(jsonEnd).op(I32_GE_U).brIf(out);
        peek(c);
        c.set(ch);
        c.get(ch).i32('0').op(I32_LT_U).get(ch).i32('9').op(I32_GT_U).op(I32_OR).brIf(out);
        c.get(exp).i32(10).op(I32_MUL).get(ch).i32('0').op(I32_SUB).op(I32_ADD).set(exp);
        advance(c);
        c.br(top);
        c.end().end();
        // apply exponent by repeated scaling
        out = c.block();
        top = c.loop();
        c.get(exp).op(I32_EQZ).brIf(out);
        c.get(eneg).ifThen().get(scale).f64(10).op(F64_MUL).set(scale)
                .elseBranch().get(scale).f64(10).op(F64_DIV).set(scale).end();
        c.get(exp).i32(1).op(I32_SUB).set(exp);
        c.br(top);
        c.end().end();
        c.end().end();
        c.get(mant).get(scale).op(F64_DIV).get(neg).op(F64_MUL).call(mkNum);
        m.define(parseValue, c);
    }

    private void literal(Code c, int ch, char first, String word, Runnable make) {
        c.get(ch).i32(first).op(I32_EQ).ifThen();
        c.gget(jsonPos).i32(word.length()).op(I32_ADD).gget(jsonEnd).op(I32_GT_U).ifThen().i32(0).ret().end();
        for (int i = 1; i < word.length(); i++) {
            c.gget(jsonPos).i32Load8u(i).i32(word.charAt(i)).op(I32_NE).ifThen().i32(0).ret().end();
        }
        c.gget(jsonPos).i32(word.length()).op(I32_ADD).gset(jsonPos);
        make.run();
        c.ret();
        c.end();
    }

    /** Reads decimal digits into mant; with fraction=true also multiplies scale by 10 per digit. */
    private void digits(Code c, int ch, int mant, int scale, boolean fraction) {
        Label out = c.block();
        Label top = c.loop();
        c.gget(jsonPos).gget(jsonEnd).op(I32_GE_U).brIf(out);
        peek(c);
        c.set(ch);
        c.get(ch).i32('0').op(I32_LT_U).get(ch).i32('9').op(I32_GT_U).op(I32_OR).brIf(out);
        c.get(mant).f64(10).op(F64_MUL).get(ch).i32('0').op(I32_SUB).op(F64_CONVERT_I32_S).op(F64_ADD).set(mant);
        if (fraction) c.get(scale).f64(10).op(F64_MUL).set(scale);
        advance(c);
        c.br(top);
        c.end().end();
    }

    private void hex4(Code c, int code, int i, int ch) {
        c.i32(0).set(code);
        c.i32(0).set(i);
        Label out = c.block();
        Label top = c.loop();
        c.get(i).i32(4).op(I32_GE_U).brIf(out);
        peek(c);
        c.set(ch);
        advance(c);
        c.get(ch).i32('a').op(I32_GE_U).ifThen().get(ch).i32('a' - 10).op(I32_SUB).set(ch)
                .elseBranch().get(ch).i32('A').op(I32_GE_U).ifThen().get(ch).i32('A' - 10).op(I32_SUB).set(ch)
                .elseBranch().get(ch).i32('0').op(I32_SUB).set(ch).end().end();
        c.get(code).i32(4).op(I32_SHL).get(ch).op(I32_OR).set(code);
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
    }

    private void utf8(Code c, int code, int dst) {
        c.get(code).i32(0x80).op(I32_LT_U).ifThen();
        c.get(dst).get(code).i32Store8(0);
        c.get(dst).i32(1).op(I32_ADD).set(dst);
        c.elseBranch();
        c.get(code).i32(0x800).op(I32_LT_U).ifThen();
        c.get(dst).get(code).i32(6).op(I32_SHR_U).i32(0xC0).op(I32_OR).i32Store8(0);
        c.get(dst).get(code).i32(0x3F).op(I32_AND).i32(0x80).op(I32_OR).i32Store8(1);
        c.get(dst).i32(2).op(I32_ADD).set(dst);
        c.elseBranch();
        c.get(code).i32(0x10000).op(I32_LT_U).ifThen();
        c.get(dst).get(code).i32(12).op(I32_SHR_U).i32(0xE0).op(I32_OR).i32Store8(0);
        c.get(dst).get(code).i32(6).op(I32_SHR_U).i32(0x3F).op(I32_AND).i32(0x80).op(I32_OR).i32Store8(1);
        c.get(dst).get(code).i32(0x3F).op(I32_AND).i32(0x80).op(I32_OR).i32Store8(2);
        c.get(dst).i32(3).op(I32_ADD).set(dst);
        c.elseBranch();
        c.get(dst).get(code).i32(18).op(I32_SHR_U).i32(0xF0).op(I32_OR).i32Store8(0);
        c.get(dst).get(code).i32(12).op(I32_SHR_U).i32(0x3F).op(I32_AND).i32(0x80).op(I32_OR).i32Store8(1);
        c.get(dst).get(code).i32(6).op(I32_SHR_U).i32(0x3F).op(I32_AND).i32(0x80).op(I32_OR).i32Store8(2);
        c.get(dst).get(code).i32(0x3F).op(I32_AND).i32(0x80).op(I32_OR).i32Store8(3);
        c.get(dst).i32(4).op(I32_ADD).set(dst);
        c.end().end().end();
    }

    // ---------------------------------------------------------------- JSON dump
    private void defJsonDump() {
        // emit(byte): append to the output buffer, doubling it when full
        Code c = new Code(I32);
        int np = c.i32Local();
        c.gget(outLen).gget(outCap).op(I32_GE_U).ifThen();
        c.gget(outCap).i32(2).op(I32_MUL).i32(64).op(I32_ADD).call(malloc).set(np);
        c.get(np).gget(outBuf).gget(outLen).memoryCopy();
        c.get(np).gset(outBuf);
        c.gget(outCap).i32(2).op(I32_MUL).i32(64).op(I32_ADD).gset(outCap);
        c.end();
        c.gget(outBuf).gget(outLen).op(I32_ADD).get(0).i32Store8(0);
        c.gget(outLen).i32(1).op(I32_ADD).gset(outLen);
        m.define(emit, c);

        // emit_int(i64 non-negative, minDigits)
        c = new Code(I64, I32);
        int buf = c.i32Local(), n = c.i32Local();
        c.i32(24).call(malloc).set(buf);
        Label out = c.block();
        Label top = c.loop();
        c.get(buf).get(n).op(I32_ADD).get(0).i64(10).op(I64_REM_U).op(I32_WRAP_I64).i32('0').op(I32_ADD).i32Store8(0);
        c.get(n).i32(1).op(I32_ADD).set(n);
        c.get(0).i64(10).op(I64_DIV_U).set(0);
        c.get(0).op(I64_EQZ).get(n).get(1).op(I32_GE_S).op(I32_AND).brIf(out);
        c.br(top);
        c.end().end();
        out = c.block();
        top = c.loop();
        c.get(n).op(I32_EQZ).brIf(out);
        c.get(n).i32(1).op(I32_SUB).set(n);
        c.get(buf).get(n).op(I32_ADD).i32Load8u(0).call(emit);
        c.br(top);
        c.end().end();
        m.define(emitInt, c);

        // dump_num(f64): integers exactly, fractions with 15 decimals and trailing zeros trimmed
        c = new Code(F64);
        int ip = c.local(I64), frac = c.local(I64), digits = c.i32Local();
        c.get(0).get(0).op(F64_NE).ifThen();
        for (char ch : "null".toCharArray()) c.i32(ch).call(emit);
        c.ret().end();
        c.get(0).f64(0).op(F64_LT).ifThen().i32('-').call(emit).get(0).op(F64_NEG).set(0).end();
        c.get(0).f64(9.2e18).op(F64_GE).ifThen().get(0).f64(9.2e18).op(F64_DIV).set(0).end();
        c.get(0).op(F64_TRUNC).op(I64_TRUNC_F64_S).set(ip);
        c.get(0).get(0).op(F64_TRUNC).op(F64_SUB).f64(1e15).op(F64_MUL).op(F64_NEAREST).op(I64_TRUNC_F64_S).set(frac);
        c.get(frac).i64(1_000_000_000_000_000L).op(I64_GE_S).ifThen();
        c.get(ip).i64(1).op(I64_ADD).set(ip).i64(0).set(frac);
        c.end();
        c.get(ip).i32(1).call(emitInt);
        c.get(frac).op(I64_EQZ).ifThen().ret().end();
        c.i32('.').call(emit);
        c.i32(15).set(digits);
        out = c.block();
        top = c.loop();
        c.get(frac).i64(10).op(I64_REM_U).op(I64_EQZ).op(I32_EQZ).brIf(out);
        c.get(frac).i64(10).op(I64_DIV_U).set(frac);
        c.get(digits).i32(1).op(I32_SUB).set(digits);
        c.br(top);
        c.end().end();
        c.get(frac).get(digits).call(emitInt);
        m.define(dumpNum, c);

        // dump_value(v)
        c = new Code(I32);
        int t = c.i32Local(), i = c.i32Local(), p = c.i32Local(), ch = c.i32Local(), k = c.i32Local();
        int ks = c.i32Local(), kn = c.i32Local(), kp = c.i32Local();
        c.get(0).i32Load(0).set(t);
        c.get(t).i32(NULL).op(I32_EQ).ifThen();
        for (char x : "null".toCharArray()) c.i32(x).call(emit);
        c.ret().end();
        c.get(t).i32(BOOL).op(I32_EQ).ifThen();
        c.get(0).i32Load(4).ifThen();
        for (char x : "true".toCharArray()) c.i32(x).call(emit);
        c.elseBranch();
        for (char x : "false".toCharArray()) c.i32(x).call(emit);
        c.end().ret().end();
        c.get(t).i32(NUMBER).op(I32_EQ).ifThen();
        // numbers beyond float64 carry their exact literal
        c.get(0).i32Load(4).ifThen();
        c.get(0).i32Load(4).i32Load(8).set(p);
        out = c.block();
        top = c.loop();
        c.get(i).get(0).i32Load(4).i32Load(4).op(I32_GE_U).brIf(out);
        c.get(p).get(i).op(I32_ADD).i32Load8u(0).call(emit);
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.ret();
        c.end();
        c.get(0).f64Load(8).call(dumpNum).ret().end();
        c.get(t).i32(STRING).op(I32_EQ).ifThen();
        c.i32('"').call(emit);
        c.get(0).i32Load(8).set(p);
        out = c.block();
        top = c.loop();
        c.get(i).get(0).i32Load(4).op(I32_GE_U).brIf(out);
        c.get(p).get(i).op(I32_ADD).i32Load8u(0).set(ch);
        c.get(ch).i32('"').op(I32_EQ).get(ch).i32('\\').op(I32_EQ).op(I32_OR).ifThen();
        c.i32('\\').call(emit).get(ch).call(emit);
        c.elseBranch();
        c.get(ch).i32(0x20).op(I32_LT_U).ifThen();
        c.i32('\\').call(emit).i32('u').call(emit).i32('0').call(emit).i32('0').call(emit);
        c.get(ch).i32(4).op(I32_SHR_U).i32('0').op(I32_ADD).call(emit);
        c.get(ch).i32(15).op(I32_AND).set(ch);
        c.get(ch).i32(10).op(I32_LT_U).ifResult(I32).get(ch).i32('0').op(I32_ADD).elseBranch()
                .get(ch).i32('a' - 10).op(I32_ADD).end().call(emit);
        c.elseBranch();
        c.get(ch).call(emit);
        c.end().end();
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.i32('"').call(emit).ret();
        c.end();
        c.get(t).i32(OBJECT).op(I32_EQ).ifThen();
        c.i32('{').call(emit);
        out = c.block();
        top = c.loop();
        c.get(i).get(0).i32Load(4).op(I32_GE_U).brIf(out);
        c.get(i).ifThen().i32(',').call(emit).end();
        c.get(0).i32Load(12).get(i).i32(3).op(I32_SHL).op(I32_ADD).i32Load(0).set(k);
        // JSON needs string keys: other keys are written as the string of their JSON text
        c.get(k).i32Load(0).i32(STRING).op(I32_EQ).ifThen().get(k).call(dumpValue).elseBranch();
        c.gget(outLen).set(ks);
        c.get(k).call(dumpValue);
        c.gget(outLen).get(ks).op(I32_SUB).set(kn);
        c.get(kn).call(malloc).set(kp);
        c.get(kp).gget(outBuf).get(ks).op(I32_ADD).get(kn).memoryCopy();
        c.get(ks).gset(outLen);
        c.get(kp).get(kn).call(mkStr).call(dumpValue);
        c.end();
        c.i32(':').call(emit);
        c.get(0).i32Load(12).get(i).i32(3).op(I32_SHL).op(I32_ADD).i32Load(4).call(dumpValue);
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.i32('}').call(emit).ret();
        c.end();
        // arrays and sets
        c.i32('[').call(emit);
        out = c.block();
        top = c.loop();
        c.get(i).get(0).i32Load(4).op(I32_GE_U).brIf(out);
        c.get(i).ifThen().i32(',').call(emit).end();
        c.get(0).i32Load(12).get(i).i32(2).op(I32_SHL).op(I32_ADD).i32Load(0).call(dumpValue);
        c.get(i).i32(1).op(I32_ADD).set(i).br(top);
        c.end().end();
        c.i32(']').call(emit);
        m.define(dumpValue, c);

        c = new Code(I32);
        c.i32(0).gset(outLen).i32(0).gset(outCap).i32(0).gset(outBuf);
        c.get(0).call(dumpValue);
        c.i32(0).call(emit);
        c.gget(outBuf);
        m.define(jsonDump, c);
    }

    // ---------------------------------------------------------------- arithmetic
    /** Arithmetic operator codes for {@link #arith}. */
    public static final int ADD = 0, SUB = 1, MUL = 2, DIV = 3, REM = 4;

    private void defArith() {
        // arith(op, a, b): numbers only here; set difference etc. are dispatched by the code generator.
        Code c = new Code(I32, I32, I32);
        int x = c.local(F64), y = c.local(F64), z = c.local(F64), r = c.i32Local();
        c.get(1).i32Load(0).i32(NUMBER).op(I32_NE).ifThen().get(1).call(typeError).end();
        c.get(2).i32Load(0).i32(NUMBER).op(I32_NE).ifThen().get(2).call(typeError).end();
        c.get(1).f64Load(8).set(x);
        c.get(2).f64Load(8).set(y);
        // exact in the host: an operand with exact text, or integers whose sum, difference or product reaches 2^53
        Label host = c.block();
        c.get(1).i32Load(4).get(2).i32Load(4).op(I32_OR).brIf(host);
        c.get(0).i32(DIV).op(I32_LT_U).ifThen();
        c.get(0).i32(ADD).op(I32_EQ).ifResult(F64).get(x).get(y).op(F64_ADD).elseBranch()
                .get(0).i32(SUB).op(I32_EQ).ifResult(F64).get(x).get(y).op(F64_SUB).elseBranch()
                .get(x).get(y).op(F64_MUL).end().end().set(z);
        c.get(z).op(F64_ABS).f64(9007199254740992.0).op(F64_LT)
                .get(x).op(F64_TRUNC).get(x).op(F64_NE).op(I32_OR)
                .get(y).op(F64_TRUNC).get(y).op(F64_NE).op(I32_OR)
                .ifThen().get(z).call(mkNum).ret().end();
        c.br(host);
        c.end();
        c.get(y).f64(0).op(F64_EQ).ifThen();
        c.get(0).i32(DIV).op(I32_EQ).ifThen().i32(msg("eval_builtin_error: div: divide by zero")).call(abortFn).end();
        c.i32(msg("eval_builtin_error: rem: modulo by zero")).call(abortFn).unreachable();
        c.end();
        c.get(0).i32(DIV).op(I32_EQ).ifThen().get(x).get(y).op(F64_DIV).call(mkNum).ret().end();
        c.get(x).op(F64_TRUNC).get(x).op(F64_NE).get(y).op(F64_TRUNC).get(y).op(F64_NE).op(I32_OR).ifThen();
        c.i32(msg("eval_builtin_error: rem: modulo on floating-point number")).call(abortFn).end();
        c.get(x).get(x).get(y).op(F64_DIV).op(F64_TRUNC).get(y).op(F64_MUL).op(F64_SUB).call(mkNum).ret();
        c.end();
        c.i32(exactIds[REM]).set(r);
        for (int op = ADD; op < REM; op++) c.i32(exactIds[op]).get(r).get(0).i32(op).op(I32_EQ).select().set(r);
        c.get(r).i32(0).get(1).get(2).call(builtin2).tee(r);
        c.op(I32_EQZ).ifThen();
        // the host fails (a text operand is never zero) on modulo of a fraction, or an infinite float64 from input
        c.i32(msg("eval_builtin_error: rem: modulo on floating-point number"))
                .i32(msg("eval_builtin_error: arithmetic on a number that is not finite"))
                .get(0).i32(REM).op(I32_EQ).select().call(abortFn).end();
        c.get(r);
        m.define(arith, c);

        c = new Code(I32);
        c.i32(msg("eval_type_error: operand must be number")).call(abortFn);
        m.define(typeError, c);
    }

    private void defMisc() {
        // truthy: the expression value is anything but false
        Code c = new Code(I32);
        c.get(0).i32Load(0).i32(BOOL).op(I32_NE).ifThen().i32(1).ret().end();
        c.get(0).i32Load(4);
        m.define(truthy, c);

        c = new Code(I32, I32);
        c.get(0).i32Load(0).get(1).op(I32_EQ);
        m.define(isType, c);

        c = new Code(I32);
        c.get(0).f64Load(8);
        m.define(numOf, c);
    }

    /** Static strings placed in the data segment. */
    public interface StaticData {
        int cstring(String s);
    }

    public static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }
}
