package io.hoist.api.convert;

/** Where a converter reports while it runs; calls may come from any thread. */
public interface ConversionListener {
    /** A stage began (e.g. "Inspecting the source"); {@code percent} is the converter's estimate, 0..100. */
    void stage(String stage, int percent);
}
