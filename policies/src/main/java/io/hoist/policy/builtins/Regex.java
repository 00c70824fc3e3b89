package io.hoist.policy.builtins;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Regular expressions of the regex builtins and glob.match: RE2/J, whose matching time is linear in the input
 * (no backtracking), so a hostile pattern such as {@code (.*a){12}x} cannot pin a thread past the policy's time
 * budget. RE2 is also the syntax OPA's own (Go) regex builtins accept.
 */
final class Regex {
    /** Compiled patterns by source: policies use a handful of constant regexes on every evaluation. */
    private static final Map<String, Pattern> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override protected boolean removeEldestEntry(Map.Entry<String, Pattern> e) { return size() > 256; }
    };

    private Regex() {}

    /** Compiles (or takes from the cache); a syntax error is an {@link IllegalArgumentException}. */
    static Pattern compile(String re) {
        synchronized (CACHE) {
            Pattern p = CACHE.get(re);
            if (p != null) return p;
        }
        Pattern p = Pattern.compile(re);
        synchronized (CACHE) {
            CACHE.put(re, p);
        }
        return p;
    }

    /** As {@link #compile} but a syntax error is the builtin's error, worded as OPA words it. */
    static Pattern pattern(String fn, String re) {
        try {
            return compile(re);
        } catch (PatternSyntaxException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": error parsing regexp: " + e.getDescription());
        }
    }
}
