package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.format.TextStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OPA's time builtins. Timestamps are int64 nanoseconds since the epoch (as in Go); layouts are Go reference
 * layouts ("2006-01-02T15:04:05Z07:00"), translated to java.time once and cached.
 */
final class Time {
    private static final BigInteger NANOS = BigInteger.valueOf(1_000_000_000L);
    private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE), MAX = BigInteger.valueOf(Long.MAX_VALUE);
    static final String RFC3339 = "2006-01-02T15:04:05Z07:00";
    private static final String RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00";
    private static final String[] WEEKDAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    /** OPA's named layouts accepted by time.format (Go's constants). */
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"), Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
            Map.entry("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"), Map.entry("RFC822", "02 Jan 06 15:04 MST"),
            Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"), Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
            Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"), Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
            Map.entry("RFC3339", RFC3339), Map.entry("RFC3339Nano", RFC3339_NANO), Map.entry("Kitchen", "3:04PM"),
            Map.entry("Stamp", "Jan _2 15:04:05"), Map.entry("StampMilli", "Jan _2 15:04:05.000"),
            Map.entry("StampMicro", "Jan _2 15:04:05.000000"), Map.entry("StampNano", "Jan _2 15:04:05.000000000"),
            Map.entry("DateTime", "2006-01-02 15:04:05"), Map.entry("DateOnly", "2006-01-02"), Map.entry("TimeOnly", "15:04:05"));
    /** Compiled layouts; a policy that builds layouts at run time must not grow this without bound. */
    private static final Map<String, Parser> PARSERS = new ConcurrentHashMap<>();
    private static final int MAX_PARSERS = 256;
    /** time.now_ns of the evaluation running on this thread (OPA: one clock reading per query). */
    private static final ThreadLocal<Object> NOW = new ThreadLocal<>();

    private Time() {}

    static void resetClock() { NOW.remove(); }

    static void register() {
        define("time.now_ns", 0, a -> {
            Object now = NOW.get();
            if (now == null) {
                Instant t = Instant.now();
                now = exact(BigInteger.valueOf(t.getEpochSecond()).multiply(NANOS).add(BigInteger.valueOf(t.getNano())));
                NOW.set(now);
            }
            return now;
        });
        define("time.parse_ns", 2, a -> parse("time.parse_ns", str("time.parse_ns", a, 0), str("time.parse_ns", a, 1)));
        define("time.parse_rfc3339_ns", 1, a -> parse("time.parse_rfc3339_ns", RFC3339, str("time.parse_rfc3339_ns", a, 0)));
        define("time.parse_duration_ns", 1, a -> exact(duration(str("time.parse_duration_ns", a, 0))));
        define("time.date", 1, a -> {
            ZonedDateTime t = zoned("time.date", a[0]);
            return List.of(d(t.getYear()), d(t.getMonthValue()), d(t.getDayOfMonth()));
        });
        define("time.clock", 1, a -> {
            ZonedDateTime t = zoned("time.clock", a[0]);
            return List.of(d(t.getHour()), d(t.getMinute()), d(t.getSecond()));
        });
        define("time.weekday", 1, a -> WEEKDAYS[zoned("time.weekday", a[0]).getDayOfWeek().getValue() - 1]);
        define("time.add_date", 4, a -> {
            ZonedDateTime t = zoned("time.add_date", a[0]);
            long y = integer("time.add_date", a, 1), m = integer("time.add_date", a, 2), dd = integer("time.add_date", a, 3);
            // Go's AddDate normalises month then day overflow (Jan 31 + 1 month = Mar 3), unlike plusMonths
            try {
                LocalDate date = LocalDate.of(Math.toIntExact(t.getYear() + y), 1, 1)
                        .plusMonths(t.getMonthValue() - 1 + m).plusDays(t.getDayOfMonth() - 1 + dd);
                return nanos("time.add_date", ZonedDateTime.of(date, t.toLocalTime(), t.getZone()).toInstant());
            } catch (DateTimeException | ArithmeticException e) {
                throw new BuiltinError("eval_builtin_error", "time.add_date: time outside of valid range");
            }
        });
        define("time.diff", 2, a -> diff(zoned("time.diff", a[0]), zoned("time.diff", a[1])));
        define("time.format", 1, a -> {
            String layout = RFC3339_NANO;
            if (a[0] instanceof List<?> l && l.size() == 3) {
                if (!(l.get(2) instanceof String s)) throw BuiltinError.type("time.format", 1, "string layout", l.get(2));
                layout = NAMED.getOrDefault(s, s);
            }
            return format(layout, zoned("time.format", a[0]));
        });
    }

    // ------------------------------------------------------------------ timestamps

    /** x is ns, [ns, tz] or [ns, tz, layout]; tz "" is UTC, "Local" the host's zone. */
    static ZonedDateTime zoned(String fn, Object x) {
        Object ns = x;
        ZoneId zone = ZoneOffset.UTC;
        if (x instanceof List<?> l) {
            if (l.size() < 2 || l.size() > 3) throw new BuiltinError("eval_type_error", fn + ": operand 1 must be number or array of 2 or 3 elements");
            ns = l.get(0);
            if (!(l.get(1) instanceof String tz)) throw BuiltinError.type(fn, 1, "string time zone", l.get(1));
            zone = zone(fn, tz);
        }
        if (!(ns instanceof Number n)) throw BuiltinError.type(fn, 1, "number", ns);
        BigInteger v = Values.big(n).toBigInteger();
        if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) throw new BuiltinError("eval_builtin_error", fn + ": timestamp too big");
        BigInteger[] qr = v.divideAndRemainder(NANOS);
        long sec = qr[0].longValue(), nano = qr[1].longValue();
        if (nano < 0) { sec--; nano += 1_000_000_000L; }
        return Instant.ofEpochSecond(sec, nano).atZone(zone);
    }

    private static ZoneId zone(String fn, String tz) {
        if (tz.isEmpty() || tz.equals("UTC")) return ZoneOffset.UTC;
        if (tz.equals("Local")) return ZoneId.systemDefault();
        try { return ZoneId.of(tz); }
        catch (DateTimeException e) { throw new BuiltinError("eval_builtin_error", fn + ": unknown time zone " + tz); }
    }

    /** ns since the epoch, or OPA's range error when int64 cannot hold it. */
    private static Object nanos(String fn, Instant t) {
        BigInteger v = BigInteger.valueOf(t.getEpochSecond()).multiply(NANOS).add(BigInteger.valueOf(t.getNano()));
        if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) throw new BuiltinError("eval_builtin_error", fn + ": time outside of valid range");
        return exact(v);
    }

    /** Go's icza/gox-style calendar difference: both in a's zone, earlier first, borrow from larger units. */
    private static Object diff(ZonedDateTime a, ZonedDateTime b) {
        b = b.withZoneSameInstant(a.getZone());
        if (a.isAfter(b)) { ZonedDateTime t = a; a = b; b = t; }
        long year = b.getYear() - a.getYear(), month = b.getMonthValue() - a.getMonthValue(), day = b.getDayOfMonth() - a.getDayOfMonth();
        long hour = b.getHour() - a.getHour(), min = b.getMinute() - a.getMinute(), sec = b.getSecond() - a.getSecond();
        if (sec < 0) { sec += 60; min--; }
        if (min < 0) { min += 60; hour--; }
        if (hour < 0) { hour += 24; day--; }
        if (day < 0) { day += a.toLocalDate().lengthOfMonth(); month--; }
        if (month < 0) { month += 12; year--; }
        return List.of(d(year), d(month), d(day), d(hour), d(min), d(sec));
    }

    // ------------------------------------------------------------------ durations

    /** Go's time.ParseDuration: [-+]?(number unit)+, units ns us µs ms s m h; "0" alone is allowed. */
    static BigInteger duration(String s) {
        String orig = s;
        boolean neg = false;
        if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) { neg = s.charAt(0) == '-'; s = s.substring(1); }
        if (s.equals("0")) return BigInteger.ZERO;
        if (s.isEmpty()) throw badDuration(orig);
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            String num = s.substring(start, i);
            if (num.isEmpty() || num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) throw badDuration(orig);
            int u = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            long unit = switch (s.substring(u, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "" -> throw new BuiltinError("eval_builtin_error", "time.parse_duration_ns: time: missing unit in duration " + Values.toJsonText(orig));
                default -> throw new BuiltinError("eval_builtin_error", "time.parse_duration_ns: time: unknown unit " + Values.toJsonText(s.substring(u, i)) + " in duration " + Values.toJsonText(orig));
            };
            total = total.add(new BigDecimal(num.startsWith(".") ? "0" + num : num).multiply(BigDecimal.valueOf(unit)));
        }
        BigInteger v = total.setScale(0, java.math.RoundingMode.DOWN).toBigInteger();
        if (v.compareTo(MAX) > 0) throw new BuiltinError("eval_builtin_error", "time.parse_duration_ns: time: invalid duration " + Values.toJsonText(orig));
        return neg ? v.negate() : v;
    }

    private static BuiltinError badDuration(String s) {
        return new BuiltinError("eval_builtin_error", "time.parse_duration_ns: time: invalid duration " + Values.toJsonText(s));
    }

    // ------------------------------------------------------------------ Go layouts

    /** One element of a Go layout: a literal or one of Go's std chunks. */
    private record Chunk(String std, String literal) {}

    /** Splits a Go layout into literals and std chunks, in the order Go's nextStdChunk recognises them. */
    static List<Chunk> chunks(String layout) {
        List<Chunk> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            String std = stdAt(layout, i);
            if (std == null) { lit.append(layout.charAt(i++)); continue; }
            if (!lit.isEmpty()) { out.add(new Chunk(null, lit.toString())); lit.setLength(0); }
            out.add(new Chunk(std, null));
            i += std.length();
        }
        if (!lit.isEmpty()) out.add(new Chunk(null, lit.toString()));
        return out;
    }

    private static String stdAt(String l, int i) {
        String rest = l.substring(i);
        for (String s : new String[] {"January", "Jan", "Monday", "Mon", "MST", "2006", "002", "01", "02", "03", "04", "05", "06",
                "15", "__2", "_2", "PM", "pm", "-07:00:00", "-070000", "-07:00", "-0700", "-07",
                "Z07:00:00", "Z070000", "Z07:00", "Z0700", "Z07"}) {
            if (rest.startsWith(s)) {
                // Go: "Jan" etc. only when not followed by a lower-case letter ("Janet" is literal)
                if ((s.equals("Jan") || s.equals("Mon")) && rest.length() > 3 && Character.isLowerCase(rest.charAt(3)) && !rest.startsWith(s.equals("Jan") ? "January" : "Monday")) return null;
                return s;
            }
        }
        char c = l.charAt(i);
        if (c == '1' || c == '2' || c == '3' || c == '4' || c == '5') return String.valueOf(c);
        if ((c == '.' || c == ',') && i + 1 < l.length() && (l.charAt(i + 1) == '0' || l.charAt(i + 1) == '9')) {
            char f = l.charAt(i + 1);
            int j = i + 1;
            while (j < l.length() && l.charAt(j) == f) j++;
            if (j >= l.length() || !Character.isDigit(l.charAt(j))) return l.substring(i, j);
        }
        return null;
    }

    static String format(String layout, ZonedDateTime t) {
        StringBuilder b = new StringBuilder();
        for (Chunk c : chunks(layout)) {
            if (c.literal != null) { b.append(c.literal); continue; }
            int off = t.getOffset().getTotalSeconds();
            switch (c.std) {
                case "January" -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case "Jan" -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case "Monday" -> b.append(WEEKDAYS[t.getDayOfWeek().getValue() - 1]);
                case "Mon" -> b.append(WEEKDAYS[t.getDayOfWeek().getValue() - 1], 0, 3);
                case "MST" -> b.append(off == 0 && t.getZone().equals(ZoneOffset.UTC) ? "UTC" : t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case "2006" -> b.append(String.format("%04d", t.getYear()));
                case "06" -> b.append(String.format("%02d", Math.floorMod(t.getYear(), 100)));
                case "002" -> b.append(String.format("%03d", t.getDayOfYear()));
                case "01" -> b.append(String.format("%02d", t.getMonthValue()));
                case "1" -> b.append(t.getMonthValue());
                case "02" -> b.append(String.format("%02d", t.getDayOfMonth()));
                case "2" -> b.append(t.getDayOfMonth());
                case "_2" -> b.append(String.format("%2d", t.getDayOfMonth()));
                case "__2" -> b.append(String.format("%3d", t.getDayOfYear()));
                case "15" -> b.append(String.format("%02d", t.getHour()));
                case "03" -> b.append(String.format("%02d", hour12(t)));
                case "3" -> b.append(hour12(t));
                case "04" -> b.append(String.format("%02d", t.getMinute()));
                case "4" -> b.append(t.getMinute());
                case "05" -> b.append(String.format("%02d", t.getSecond()));
                case "5" -> b.append(t.getSecond());
                case "PM" -> b.append(t.getHour() >= 12 ? "PM" : "AM");
                case "pm" -> b.append(t.getHour() >= 12 ? "pm" : "am");
                default -> {
                    if (c.std.startsWith("Z") && off == 0) b.append('Z');
                    else if (c.std.startsWith("Z") || c.std.startsWith("-")) b.append(offset(c.std.substring(1), off));
                    else fraction(b, c.std, t.getNano());
                }
            }
        }
        return b.toString();
    }

    private static int hour12(ZonedDateTime t) { int h = t.getHour() % 12; return h == 0 ? 12 : h; }

    /** shape is the layout's offset without its sign marker: "07:00", "0700", "07", "07:00:00", "070000". */
    private static String offset(String shape, int off) {
        int a = Math.abs(off);
        String sign = off < 0 ? "-" : "+";
        String hh = String.format("%02d", a / 3600), mm = String.format("%02d", a / 60 % 60), ss = String.format("%02d", a % 60);
        return switch (shape) {
            case "07:00" -> sign + hh + ":" + mm;
            case "0700" -> sign + hh + mm;
            case "07" -> sign + hh;
            case "07:00:00" -> sign + hh + ":" + mm + ":" + ss;
            default -> sign + hh + mm + ss;
        };
    }

    /** ".000" prints exactly n digits; ".999" prints up to n digits without trailing zeros (nothing if zero). */
    private static void fraction(StringBuilder b, String std, int nano) {
        int n = std.length() - 1;
        String digits = String.format("%09d", nano).substring(0, Math.min(9, n));
        if (std.charAt(1) == '9') {
            digits = digits.replaceAll("0+$", "");
            if (digits.isEmpty()) return;
        }
        b.append(std.charAt(0)).append(digits);
    }

    /** A Go layout compiled to a java.time parser (fields it lacks take Go's defaults). */
    private record Parser(DateTimeFormatter formatter) {}

    static Object parse(String fn, String layout, String value) {
        Parser p = PARSERS.get(layout);
        if (p == null) {
            p = compileParser(layout);
            if (PARSERS.size() < MAX_PARSERS) PARSERS.put(layout, p);
        }
        TemporalAccessor ta;
        try { ta = p.formatter.parse(value); }
        catch (DateTimeParseException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": parsing time " + Values.toJsonText(value) + " as " + Values.toJsonText(layout) + ": cannot parse");
        }
        LocalDateTime local = LocalDateTime.of(ta.get(ChronoField.YEAR), ta.get(ChronoField.MONTH_OF_YEAR), ta.get(ChronoField.DAY_OF_MONTH),
                ta.get(ChronoField.HOUR_OF_DAY), ta.get(ChronoField.MINUTE_OF_HOUR), ta.get(ChronoField.SECOND_OF_MINUTE), ta.get(ChronoField.NANO_OF_SECOND));
        ZoneId zone = ta.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.ofTotalSeconds(ta.get(ChronoField.OFFSET_SECONDS)) : ZoneOffset.UTC;
        return nanos(fn, local.atZone(zone).toInstant());
    }

    private static Parser compileParser(String layout) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder().parseCaseSensitive();
        List<Chunk> cs = chunks(layout);
        boolean year = false, month = false, day = false, hour = false, minute = false, second = false, ampm = false;
        for (int i = 0; i < cs.size(); i++) {
            Chunk c = cs.get(i);
            if (c.literal != null) { b.appendLiteral(c.literal); continue; }
            switch (c.std) {
                case "January" -> { b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.FULL); month = true; }
                case "Jan" -> { b.appendText(ChronoField.MONTH_OF_YEAR, TextStyle.SHORT); month = true; }
                case "Monday" -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.FULL);
                case "Mon" -> b.appendText(ChronoField.DAY_OF_WEEK, TextStyle.SHORT);
                case "MST" -> b.appendZoneText(TextStyle.SHORT);
                case "2006" -> { b.appendValue(ChronoField.YEAR, 4); year = true; }
                case "06" -> { b.appendValueReduced(ChronoField.YEAR, 2, 2, 1969); year = true; }
                case "002", "__2" -> b.appendValue(ChronoField.DAY_OF_YEAR, 1, 3, java.time.format.SignStyle.NOT_NEGATIVE);
                case "01" -> { b.appendValue(ChronoField.MONTH_OF_YEAR, 2); month = true; }
                case "1" -> { b.appendValue(ChronoField.MONTH_OF_YEAR, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE); month = true; }
                case "02" -> { b.appendValue(ChronoField.DAY_OF_MONTH, 2); day = true; }
                case "2" -> { b.appendValue(ChronoField.DAY_OF_MONTH, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE); day = true; }
                case "_2" -> { b.optionalStart().appendLiteral(' ').optionalEnd().appendValue(ChronoField.DAY_OF_MONTH, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE); day = true; }
                case "15" -> { b.appendValue(ChronoField.HOUR_OF_DAY, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE); hour = true; }
                case "03" -> { b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 2); ampm = true; }
                case "3" -> { b.appendValue(ChronoField.CLOCK_HOUR_OF_AMPM, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE); ampm = true; }
                case "04" -> { b.appendValue(ChronoField.MINUTE_OF_HOUR, 2); minute = true; }
                case "4" -> { b.appendValue(ChronoField.MINUTE_OF_HOUR, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE); minute = true; }
                case "05", "5" -> {
                    if (c.std.length() == 2) b.appendValue(ChronoField.SECOND_OF_MINUTE, 2);
                    else b.appendValue(ChronoField.SECOND_OF_MINUTE, 1, 2, java.time.format.SignStyle.NOT_NEGATIVE);
                    second = true;
                    // Go accepts a fractional second after the seconds even when the layout has none
                    boolean next = i + 1 < cs.size() && cs.get(i + 1).std != null && (cs.get(i + 1).std.startsWith(".") || cs.get(i + 1).std.startsWith(","));
                    if (!next) { b.optionalStart().appendLiteral('.').appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, false).optionalEnd(); }
                }
                case "PM" -> b.appendText(ChronoField.AMPM_OF_DAY, Map.of(0L, "AM", 1L, "PM"));
                case "pm" -> b.appendText(ChronoField.AMPM_OF_DAY, Map.of(0L, "am", 1L, "pm"));
                default -> {
                    if (c.std.startsWith(".") || c.std.startsWith(",")) {
                        int n = c.std.length() - 1;
                        // ".000" wants exactly n digits; ".999" takes any number of digits, or none
                        if (c.std.charAt(1) == '0') b.appendLiteral(c.std.charAt(0)).appendFraction(ChronoField.NANO_OF_SECOND, n, n, false);
                        else b.optionalStart().appendLiteral(c.std.charAt(0)).appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, false).optionalEnd();
                    } else {
                        String shape = c.std.substring(1);
                        String pattern = switch (shape) {
                            case "07:00" -> "+HH:MM";
                            case "0700" -> "+HHMM";
                            case "07" -> "+HH";
                            case "07:00:00" -> "+HH:MM:SS";
                            default -> "+HHMMSS";
                        };
                        b.appendOffset(pattern, c.std.startsWith("Z") ? "Z" : "+00");
                    }
                }
            }
        }
        if (!year) b.parseDefaulting(ChronoField.YEAR, 0);
        if (!month) b.parseDefaulting(ChronoField.MONTH_OF_YEAR, 1);
        if (!day) b.parseDefaulting(ChronoField.DAY_OF_MONTH, 1);
        if (!hour && !ampm) b.parseDefaulting(ChronoField.HOUR_OF_DAY, 0);
        if (ampm && !layout.contains("PM") && !layout.contains("pm")) b.parseDefaulting(ChronoField.AMPM_OF_DAY, 0);
        if (!minute) b.parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0);
        if (!second) b.parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0);
        b.parseDefaulting(ChronoField.NANO_OF_SECOND, 0);
        return new Parser(b.toFormatter(Locale.ENGLISH).withResolverStyle(ResolverStyle.STRICT));
    }
}
