package io.hoist.api;

/**
 * A status condition in MTV's shape. Plugins return these from connection tests and validation;
 * the platform adds timestamps and stores them on the resource status.
 */
public record Condition(String type, String status, String reason, Category category, String message) {
    /** MTV's condition categories; a plan is Ready only without Critical or Error conditions. */
    public enum Category { Required, Advisory, Critical, Error, Warn }

    public static Condition isTrue(String type, String reason, Category category, String message) {
        return new Condition(type, "True", reason, category, message);
    }
}
