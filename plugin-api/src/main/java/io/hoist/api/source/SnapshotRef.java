package io.hoist.api.source;

/** A snapshot the plugin created; opaque to the engine. {@code changeIds} maps disk id to change id (CBT). */
public record SnapshotRef(String id, java.util.Map<String, String> changeIds) {}
