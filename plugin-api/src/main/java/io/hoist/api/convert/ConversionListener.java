package io.hoist.api.convert;

/** Where a converter reports while it runs; calls may come from any thread. */
public interface ConversionListener {
    /** A stage began (e.g. "Inspecting the source"); {@code percent} is the converter's estimate, 0..100. */
    void stage(String stage, int percent);

    /**
     * A line of the converter's own log, as it arrives. The host keeps the last 1 MiB of the VM's ImageConversion
     * step for {@code hoist logs PLAN VM --step ImageConversion}; a converter that starts over from the verified
     * copy calls {@link #restarted()} first.
     */
    default void output(String line) {}

    /** The conversion starts again from the beginning: forget the output of the attempt before. */
    default void restarted() {}
}
