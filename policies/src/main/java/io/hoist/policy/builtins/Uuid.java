package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import io.hoist.policy.runtime.Values;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.TreeMap;

/**
 * uuid.rfc4122 (a random version 4 UUID, the same for the same seed string within one evaluation, as OPA) and
 * uuid.parse (the fields Go's google/uuid exposes, as OPA returns them), plus rand.intn (memoised the same way).
 */
final class Uuid {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
    private static final long GREGORIAN_TO_UNIX_100NS = 122_192_928_000_000_000L;

    private Uuid() {}

    static void register() {
        define("uuid.rfc4122", 1, a -> {
            String seed = str("uuid.rfc4122", a, 0);
            return EvaluationContext.current().memo("uuid.rfc4122\u0000" + seed, Uuid::randomV4);
        });
        define("uuid.parse", 1, a -> parse(str("uuid.parse", a, 0)));
        define("rand.intn", 2, a -> {
            String seed = str("rand.intn", a, 0);
            long n = integer("rand.intn", a, 1);
            return EvaluationContext.current().memo("rand.intn\u0000" + seed + "\u0000" + n, () -> {
                // OPA: n = 0 gives 0, a negative n counts as its absolute value
                long bound = Math.abs(n);
                return bound == 0 ? d(0) : d(RANDOM.nextLong(bound));
            });
        });
    }

    private static Object randomV4() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[6] = (byte) (b[6] & 0x0f | 0x40);
        b[8] = (byte) (b[8] & 0x3f | 0x80);
        String h = HexFormat.of().formatHex(b);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }

    /** Null (undefined) for text that is no UUID, as OPA. */
    static Object parse(String s) {
        byte[] b = bytes(s);
        if (b == null) return null;
        int version = (b[6] & 0xff) >> 4;
        TreeMap<Object, Object> m = Values.newObject();
        m.put("version", d(version));
        m.put("variant", variant(b[8] & 0xff));
        if (version == 1 || version == 2) {
            long t = (readInt(b, 0) & 0xffffffffL) | (long) readShort(b, 4) << 32 | (long) (readShort(b, 6) & 0x0fff) << 48;
            long since = t - GREGORIAN_TO_UNIX_100NS;
            m.put("time", exact(BigInteger.valueOf(since).multiply(BigInteger.valueOf(100))));
            m.put("clocksequence", d(readShort(b, 8) & 0x3fff));
            StringBuilder node = new StringBuilder();
            for (int i = 10; i < 16; i++) node.append(i > 10 ? "-" : "").append(HexFormat.of().toHexDigits(b[i]));
            m.put("nodeid", node.toString());
            m.put("macvariables", ((b[10] & 2) != 0 ? "local" : "global") + ":" + ((b[10] & 1) != 0 ? "multicast" : "unicast"));
        }
        if (version == 2) {
            m.put("id", d(readInt(b, 0) & 0xffffffffL));
            int domain = b[9] & 0xff;
            m.put("domain", switch (domain) { case 0 -> "Person"; case 1 -> "Group"; case 2 -> "Org"; default -> "Domain" + domain; });
        }
        return m;
    }

    private static String variant(int b8) {
        if ((b8 & 0xc0) == 0x80) return "RFC4122";
        if ((b8 & 0xe0) == 0xc0) return "Microsoft";
        if ((b8 & 0xe0) == 0xe0) return "Future";
        return "Reserved";
    }

    /** The forms google/uuid.Parse accepts: canonical, urn:uuid:, {braced}, 32 hex digits. */
    private static byte[] bytes(String s) {
        String h;
        if (s.length() == 36) h = dashed(s);
        else if (s.length() == 45 && s.regionMatches(true, 0, "urn:uuid:", 0, 9)) h = dashed(s.substring(9));
        else if (s.length() == 38 && s.charAt(0) == '{' && s.charAt(37) == '}') h = dashed(s.substring(1, 37));
        else if (s.length() == 32) h = s;
        else return null;
        if (h == null) return null;
        try { return HexFormat.of().parseHex(h); } catch (IllegalArgumentException e) { return null; }
    }

    private static String dashed(String s) {
        if (s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-' || s.charAt(23) != '-') return null;
        return s.replace("-", "").length() == 32 ? s.replace("-", "") : null;
    }

    private static int readInt(byte[] b, int i) { return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff); }

    private static int readShort(byte[] b, int i) { return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff); }

}
