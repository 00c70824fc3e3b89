package io.hoist.core.server.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Bearer-token authentication for every route. The token is 256 random bits generated on first start
 * into {@code DATA/token} (0600, created with those permissions so it is never readable by others, not
 * even briefly). Comparison is constant-time over SHA-256 digests, so neither content nor length leaks.
 */
public final class TokenAuth implements Handler<RoutingContext> {
    public static final String TOKEN_FILE = "token";
    private static final String PREFIX = "Bearer ";

    private final byte[] expectedDigest;

    private TokenAuth(String token) {
        this.expectedDigest = sha256(token);
    }

    /** Reads {@code dataDir/token}, creating it on first start. */
    public static TokenAuth fromDataDir(Path dataDir) {
        return new TokenAuth(loadOrCreateToken(dataDir));
    }

    public static String loadOrCreateToken(Path dataDir) {
        return loadOrCreateToken(dataDir, TOKEN_FILE);
    }

    /** Reads {@code dir/fileName} (0600), creating it with a new random token when absent. */
    public static String loadOrCreateToken(Path dataDir, String fileName) {
        Path file = dataDir.resolve(fileName);
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                    return token;
                } catch (FileAlreadyExistsException raced) {
                    // Another process created it first: use theirs.
                }
            }
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!PosixFilePermissions.fromString("rw-------").containsAll(perms)) {
                throw new IllegalStateException(file + " must be readable by its owner only (chmod 600 " + file + ")");
            }
            String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (token.length() < 16) {
                throw new IllegalStateException(file + " holds no usable token (delete it to generate a new one)");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read or create " + file + ": " + e.getMessage(), e);
        }
    }

    /** A token kept in another 0600 file (the metrics scrape token); the file must already exist. */
    public static TokenAuth fromFile(Path file) {
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " does not exist");
        }
        return new TokenAuth(loadOrCreateToken(file.getParent(), file.getFileName().toString()));
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (accepts(ctx.request().getHeader("Authorization"))) {
            ctx.next();
        } else {
            ctx.fail(401);
        }
    }

    /** True when the {@code Authorization} header carries the right bearer token. */
    public boolean accepts(String authorizationHeader) {
        return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && acceptsToken(authorizationHeader.substring(PREFIX.length()).trim());
    }

    /** True when {@code token} is the API token (the console's login page takes it pasted). */
    public boolean acceptsToken(String token) {
        return token != null && MessageDigest.isEqual(expectedDigest, sha256(token));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
