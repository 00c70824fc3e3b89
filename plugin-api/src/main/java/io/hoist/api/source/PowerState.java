package io.hoist.api.source;

public enum PowerState { ON, OFF, UNKNOWN }
