package io.hoist.policy.runtime;

/**
 * Memory layout of Rego values inside the module's linear memory. Every value is a 16-byte header:
 * <pre>
 *   +0 i32 tag
 *   null:   -
 *   bool:   +4 i32 0/1
 *   number: +8 f64; +4 optional address of a string holding the exact literal when it exceeds float64
 *   string: +4 i32 byte length, +8 i32 pointer to UTF-8 bytes
 *   array:  +4 i32 length, +8 i32 capacity, +12 i32 pointer to i32 element addresses
 *   object: same, the element area holds (key, value) address pairs sorted by key in OPA order
 *   set:    same as array, elements sorted in OPA order without duplicates
 * </pre>
 * Tags follow OPA's type order (null &lt; boolean &lt; number &lt; string &lt; array &lt; object &lt; set), so
 * comparing two values of different types is comparing their tags. Keeping objects and sets sorted makes
 * lookup a binary search and comparison a plain lexicographic walk.
 */
public final class Layout {
    public static final int NULL = 1, BOOL = 2, NUMBER = 3, STRING = 4, ARRAY = 5, OBJECT = 6, SET = 7;
    public static final int HEADER = 16;

    private Layout() {}
}
