package io.hoist.policy.builtins;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** units.parse and units.parse_bytes: SI and binary suffixes. */
final class Units {
    private static final Pattern NUM = Pattern.compile("^([0-9]*\\.?[0-9]*(?:[eE][-+]?[0-9]+)?)([a-zA-Z]*)$");

    private Units() {}

    static Object parseBytes(String s) {
        String t = s.replace("\"", "");
        Matcher m = NUM.matcher(t);
        if (t.isEmpty() || !m.matches() || m.group(1).isEmpty() || m.group(1).equals(".")) {
            throw new BuiltinError("eval_builtin_error", "units.parse_bytes: could not parse byte amount");
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        BigDecimal mult = switch (unit) {
            case "", "b" -> BigDecimal.ONE;
            case "k", "kb" -> BigDecimal.valueOf(1000);
            case "ki", "kib" -> BigDecimal.valueOf(1024);
            case "m", "mb" -> BigDecimal.TEN.pow(6);
            case "mi", "mib" -> BigDecimal.valueOf(1024).pow(2);
            case "g", "gb" -> BigDecimal.TEN.pow(9);
            case "gi", "gib" -> BigDecimal.valueOf(1024).pow(3);
            case "t", "tb" -> BigDecimal.TEN.pow(12);
            case "ti", "tib" -> BigDecimal.valueOf(1024).pow(4);
            case "p", "pb" -> BigDecimal.TEN.pow(15);
            case "pi", "pib" -> BigDecimal.valueOf(1024).pow(5);
            case "e", "eb" -> BigDecimal.TEN.pow(18);
            case "ei", "eib" -> BigDecimal.valueOf(1024).pow(6);
            default -> throw new BuiltinError("eval_builtin_error", "units.parse_bytes: byte unit " + m.group(2) + " not recognized");
        };
        BigDecimal v = new BigDecimal(m.group(1)).multiply(mult);
        return v.setScale(0, java.math.RoundingMode.FLOOR).doubleValue();
    }

    static Object parse(String s) {
        String t = s.replace("\"", "");
        Matcher m = NUM.matcher(t);
        if (t.isEmpty() || !m.matches() || m.group(1).isEmpty() || m.group(1).equals(".")) {
            throw new BuiltinError("eval_builtin_error", "units.parse: could not parse amount to a number");
        }
        // multi-letter units are case-insensitive; single letters keep m (milli) apart from M (mega)
        String unit = m.group(2).length() > 1 ? m.group(2).toLowerCase(Locale.ROOT) : m.group(2);
        BigDecimal mult = switch (unit) {
            case "" -> BigDecimal.ONE;
            case "m" -> new BigDecimal("0.001");
            case "k", "K" -> BigDecimal.valueOf(1000);
            case "ki", "Ki" -> BigDecimal.valueOf(1024);
            case "M" -> BigDecimal.TEN.pow(6);
            case "Mi", "mi" -> BigDecimal.valueOf(1024).pow(2);
            case "G", "g" -> BigDecimal.TEN.pow(9);
            case "Gi", "gi" -> BigDecimal.valueOf(1024).pow(3);
            case "T", "t" -> BigDecimal.TEN.pow(12);
            case "Ti", "ti" -> BigDecimal.valueOf(1024).pow(4);
            case "P", "p" -> BigDecimal.TEN.pow(15);
            case "Pi", "pi" -> BigDecimal.valueOf(1024).pow(5);
            case "E", "e" -> BigDecimal.TEN.pow(18);
            case "Ei", "ei" -> BigDecimal.valueOf(1024).pow(6);
            default -> throw new BuiltinError("eval_builtin_error", "units.parse: unit " + unit + " not recognized");
        };
        return new BigDecimal(m.group(1)).multiply(mult).doubleValue();
    }
}
