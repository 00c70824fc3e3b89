package io.hoist.core.engine.run;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a phase that failed with {@link io.hoist.api.HoistException.Type#UNAVAILABLE} (a vCenter restarting, a busy
 * CDI) is tried again: exponential backoff from {@code base} up to {@code max} with ±20% jitter, at most
 * {@code attempts} tries within {@code deadline} of the first failure. Every other failure type fails the VM at once.
 */
public record RetryPolicy(int attempts, Duration base, Duration max, Duration deadline) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(2), Duration.ofMinutes(30));

    /** The wait before try {@code attempt + 1}, after {@code attempt} failed tries (1-based). */
    public Duration delay(int attempt) {
        double ms = base.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
        ms = Math.min(ms, max.toMillis());
        double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, (long) (ms * jitter)));
    }
}
