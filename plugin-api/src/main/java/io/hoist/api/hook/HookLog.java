package io.hoist.api.hook;

/** The output of one hook run, kept by the host (the last 1 MiB) and shown by {@code hoist logs}. */
public interface HookLog {
    /** Appends output as it arrives (any size; the host keeps the tail). */
    void append(String text);

    /** Forgets earlier output, for a run that starts over. */
    void clear();
}
