package io.hoist.policy.builtins;

import static io.hoist.policy.builtins.Builtins.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Digests, HMACs and hex decoding (hex.encode is with the other encodings). Inputs are UTF-8 strings, outputs hex. */
final class Crypto {
    private static final HexFormat HEX = HexFormat.of();

    private Crypto() {}

    static void register() {
        digest("crypto.md5", "MD5");
        digest("crypto.sha1", "SHA-1");
        digest("crypto.sha256", "SHA-256");
        hmac("crypto.hmac.md5", "HmacMD5");
        hmac("crypto.hmac.sha1", "HmacSHA1");
        hmac("crypto.hmac.sha256", "HmacSHA256");
        hmac("crypto.hmac.sha512", "HmacSHA512");
        // constant time, as OPA's (hmac.Equal): a policy comparing MACs must not leak how many bytes matched
        define("crypto.hmac.equal", 2, a -> MessageDigest.isEqual(
                str("crypto.hmac.equal", a, 0).getBytes(StandardCharsets.UTF_8), str("crypto.hmac.equal", a, 1).getBytes(StandardCharsets.UTF_8)));
        define("hex.decode", 1, a -> {
            String s = str("hex.decode", a, 0);
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.digit(c, 16) < 0) throw new BuiltinError("eval_builtin_error",
                        String.format("hex.decode: encoding/hex: invalid byte: U+%04X '%c'", (int) c, c));
            }
            if (s.length() % 2 != 0) throw new BuiltinError("eval_builtin_error", "hex.decode: encoding/hex: odd length hex string");
            return new String(HEX.parseHex(s), StandardCharsets.UTF_8);
        });
    }

    private static void digest(String name, String algorithm) {
        define(name, 1, a -> {
            try {
                return HEX.formatHex(MessageDigest.getInstance(algorithm).digest(str(name, a, 0).getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new BuiltinError("eval_builtin_error", name + ": " + algorithm + " is not available in this JVM");
            }
        });
    }

    private static void hmac(String name, String algorithm) {
        define(name, 2, a -> HEX.formatHex(mac(name, algorithm, str(name, a, 1).getBytes(StandardCharsets.UTF_8),
                str(name, a, 0).getBytes(StandardCharsets.UTF_8))));
    }

    static byte[] mac(String fn, String algorithm, byte[] key, byte[] message) {
        try {
            Mac m = Mac.getInstance(algorithm);
            // an empty key is legal for HMAC (Go accepts it) but not for SecretKeySpec
            m.init(key.length == 0 ? new EmptyKey(algorithm) : new SecretKeySpec(key, algorithm));
            return m.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new BuiltinError("eval_builtin_error", fn + ": " + e.getMessage());
        }
    }

    /** A zero-length HMAC key, which SecretKeySpec refuses. */
    private record EmptyKey(String getAlgorithm) implements javax.crypto.SecretKey {
        @Override public String getFormat() { return "RAW"; }
        @Override public byte[] getEncoded() { return new byte[0]; }
    }
}
