package io.hoist.cli.output;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** kubectl's AGE column: 45s, 5m30s, 3h, 4d12h, 200d, 2y40d. */
public final class Age {
    private Age() {}

    public static String since(String timestamp, Instant now) {
        if (timestamp == null || timestamp.isBlank()) {
            return "<unknown>";
        }
        try {
            return format(Duration.between(Instant.parse(timestamp), now));
        } catch (DateTimeParseException e) {
            return "<unknown>";
        }
    }

    public static String format(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        long m = s / 60;
        if (m < 10) {
            long rest = s % 60;
            return rest == 0 ? m + "m" : m + "m" + rest + "s";
        }
        if (m < 180) {
            return m + "m";
        }
        long h = m / 60;
        if (h < 8) {
            long rest = m % 60;
            return rest == 0 ? h + "h" : h + "h" + rest + "m";
        }
        if (h < 48) {
            return h + "h";
        }
        long days = h / 24;
        if (days < 8) {
            long rest = h % 24;
            return rest == 0 ? days + "d" : days + "d" + rest + "h";
        }
        if (days < 365 * 2) {
            return days + "d";
        }
        long years = days / 365;
        long rest = days % 365;
        return rest == 0 ? years + "y" : years + "y" + rest + "d";
    }
}
