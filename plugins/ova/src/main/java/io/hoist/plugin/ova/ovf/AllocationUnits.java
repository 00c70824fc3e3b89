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
            throw new IllegalArgumentException(field + ": unit '" + units + "' is not a byte unit");
        }
        String rest = u.substring(u.startsWith("bytes") ? 5 : 4);
        long factor = 1;
        Matcher m = FACTOR.matcher(rest);
        int at = 0;
        while (m.find() && m.start() == at) {
            long base = Long.parseLong(m.group(1));
            int exp = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
            for (int i = 0; i < exp; i++) {
                factor = Math.multiplyExact(factor, base);
            }
            at = m.end();
        }
        if (at != rest.length()) {
            throw new IllegalArgumentException(field + ": unit '" + units + "' is not understood (expected e.g. 'byte * 2^30')");
        }
        return factor;
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
            throw new IllegalArgumentException(field + ": '" + value + "' is not a whole number");
        }
        if (n < 0) {
            throw new IllegalArgumentException(field + ": '" + value + "' is negative");
        }
        return Math.multiplyExact(n, bytesPerUnit(units, fallbackUnit, field));
    }
}
