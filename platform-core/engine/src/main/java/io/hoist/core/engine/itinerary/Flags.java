package io.hoist.core.engine.itinerary;

/** What a VM's itinerary depends on; decided once when the VM starts. */
public record Flags(boolean warm, boolean preHook, boolean postHook) {}
