package io.hoist.core.engine.run;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The VM runs' own meters, registered in the registry the platform serves at {@code /metrics}. The phase and
 * reason labels are bounded: phases come from itineraries, reasons are failure codes ({@code TYPE/Code} or an
 * exception's simple name), never messages.
 */
public final class RunMeters {
    /** Records nothing (an empty composite registry): for engines nobody scrapes. */
    public static final RunMeters NONE = new RunMeters(new CompositeMeterRegistry());

    private final MeterRegistry registry;

    public RunMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A phase failed transiently and will be tried again. */
    public void retried(String phase, String reason) {
        Counter.builder("hoist_retries")
                .description("Phase tries that failed transiently and are tried again, per phase and reason code")
                .tags("phase", phase, "reason", reason)
                .register(registry).increment();
    }

    /** A disk copy whose checksum of what was written differs from what was read (the copy fails). */
    public void checksumMismatch() {
        Counter.builder("hoist_checksum_mismatches")
                .description("Disk copies whose written data did not match what was read (the copy failed)")
                .register(registry).increment();
    }
}
