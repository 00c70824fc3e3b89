package io.hoist.plugin.ova.ovf;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DMTF programmatic units ({@code byte * 2^30}, {@code byte * 10^6}) and the older words
 * ({@code MegaBytes}, {@code GigaBytes}) that OVF capacities and memory quantities are given in.
 */
public final class AllocationUnits {
    private static final Pattern FACTOR = Pattern.compile("\\*(\\d+)(?:\\^(\\d+))?");
    private static final Map<String, Long> WORDS = Map.ofEntries(
            Map.entry("byte", 1L), Map.entry("bytes", 1L), Map.entry("b", 1L),
            Map.entry("kilobytes", 1L << 10), Map.entry("kb", 1L << 10), Map.entry("kib", 1L << 10),
            Map.entry("megabytes", 1L << 20), Map.entry("mb", 1L << 20), Map.entry("mib", 1L << 20),
            Map.entry("gigabytes", 1L << 30), Map.entry("gb", 1L << 30), Map.entry("gib", 1L << 30),
            Map.entry("terabytes", 1L << 40), Map.entry("tb", 1L << 40), Map.entry("tib", 1L << 40));

    private AllocationUnits() {}

    /** Bytes per unit of {@code units} ({@code fallback} when blank); {@code field} names it in errors. */
    public static long bytesPerUnit(String units, long fallback, String field) {
        if (units == null || units.isBlank()) {
            return fallback;
        }
        String u = units.toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
        Long word = WORDS.get(u);
        if (word != null) {
            return word;
        }
        if (!u.startsWith("byte")) {
            throw new IllegalArgumentException(field + ": unit '" + abbreviate(units) + "' is not a byte unit");
        }
        String rest = u.substring(u.startsWith("bytes") ? 5 : 4);
        long factor = 1;
        Matcher m = FACTOR.matcher(rest);
        int at = 0;
        while (m.find() && m.start() == at) {
            factor = Math.multiplyExact(factor, power(m.group(1), m.group(2), units, field));
            at = m.end();
        }
        if (at != rest.length()) {
            throw new IllegalArgumentException(field + ": unit '" + abbreviate(units) + "' is not understood (expected e.g. 'byte * 2^30')");
        }
        return factor;
    }

    /**
     * {@code base^exp} computed arithmetically (a loop of {@code 1^2000000000} multiplications spun for seconds);
     * a result past a long is refused, naming the field.
     */
    private static long power(String baseText, String expText, String units, String field) {
        try {
            java.math.BigInteger base = new java.math.BigInteger(baseText);
            java.math.BigInteger exp = expText == null ? java.math.BigInteger.ONE : new java.math.BigInteger(expText);
            if (base.signum() == 0 || base.equals(java.math.BigInteger.ONE)) {
                return base.longValueExact(); // 0^n and 1^n, whatever n
            }
            if (exp.bitLength() > 7 || base.bitLength() > 63) { // any base >= 2 to a power >= 128 overflows a long
                throw new ArithmeticException();
            }
            return base.pow(exp.intValueExact()).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + ": unit '" + abbreviate(units)
                    + "' is larger than any disk");
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "... (" + (s.length() - 64) + " more characters)";
    }

    /** {@code value} (a decimal number) times {@link #bytesPerUnit}. */
    public static long toBytes(String value, String units, long fallbackUnit, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": value is missing");
        }
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + ": '" + abbreviate(value) + "' is not a whole number that fits 64 bits");
        }
        if (n < 0) {
            throw new IllegalArgumentException(field + ": '" + value + "' is negative");
        }
        try {
            return Math.multiplyExact(n, bytesPerUnit(units, fallbackUnit, field));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + ": " + abbreviate(value) + " × '" + abbreviate(units)
                    + "' is larger than any disk");
        }
    }
}
