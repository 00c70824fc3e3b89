package io.hoist.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One object read from a manifest, with where it came from for error messages.
 *
 * @param source e.g. {@code plan.yaml (document 2)}
 */
public record Manifest(String source, ObjectNode object) {}
