package io.hoist.core.model.resource;

import java.math.BigDecimal;
import java.util.Map;

/** Kubernetes resource quantities for sizes ({@code 30Gi}, {@code 1Ti}, {@code 500M}, {@code 1024}). */
public final class Quantity {
    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
            Map.entry("k", BigDecimal.valueOf(1_000L)),
            Map.entry("M", BigDecimal.valueOf(1_000_000L)),
            Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
            Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)),
            Map.entry("P", BigDecimal.valueOf(1_000_000_000_000_000L)),
            Map.entry("E", BigDecimal.valueOf(1_000_000_000_000_000_000L)));

    private Quantity() {
    }

    /** Bytes, rounded up; throws IllegalArgumentException naming the bad text. */
    public static long parseBytes(String text) {
        String s = text == null ? "" : text.trim();
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.' || (i == 0 && (s.charAt(i) == '-' || s.charAt(i) == '+')))) {
            i++;
        }
        String number = s.substring(0, i);
        BigDecimal factor = SUFFIXES.get(s.substring(i));
        if (number.isEmpty() || factor == null) {
            throw new IllegalArgumentException("not a quantity: \"" + text + "\" (expected e.g. 1024, 500M, 30Gi)");
        }
        try {
            return new BigDecimal(number).multiply(factor).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("not a quantity: \"" + text + "\" (" + e.getMessage() + ")");
        }
    }
}
