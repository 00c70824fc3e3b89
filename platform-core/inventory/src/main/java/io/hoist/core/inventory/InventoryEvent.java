package io.hoist.core.inventory;

/**
 * One change to a provider's inventory. {@code revision} is the document's own revision (bumped only
 * when its content changes), so a listener such as the validation service re-validates a VM exactly
 * when its revision moves; {@code providerRevision} is the provider-wide counter after the change.
 *
 * @param collection the collection ({@code vms}, {@code networks}, ..., {@code workloads}, {@code tree});
 *                   null for provider-level events
 * @param id         the document id, the tree name, or null for provider-level events
 */
public record InventoryEvent(Type type, String providerUid, String collection, String id,
                             long revision, long providerRevision) {
    public enum Type {
        /** A document appeared. */
        ADDED,
        /** A document's content changed; its revision moved. */
        UPDATED,
        /** A platform-owned field of a document (such as validation concerns) changed; its revision did not. */
        ANNOTATED,
        /** A document disappeared (removed, or absent from a completed full collection). */
        DELETED,
        /** A full collection completed. */
        COLLECTED,
        /** The provider's inventory failed. */
        FAILED,
        /** The provider was unregistered; its documents are gone. */
        PROVIDER_REMOVED
    }
}
