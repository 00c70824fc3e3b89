package io.hoist.policy.rego.compile;

/** One Rego module: a name used in error messages and its text. */
public record SourceFile(String name, String text) {}
