package io.hoist.api.inventory;

/**
 * How a source provider publishes its inventory. The platform's inventory service owns the routes
 * ({@code /providers/{type}/{uid}/{collection}[/{id}]}, {@code workloads}, {@code tree}), paging,
 * {@code detail} levels and the {@code name} filter, so plugins never register routes.
 *
 * <p>Documents are plain objects (records, maps, lists, strings, numbers) serialized by the host
 * with Jackson; {@code @JsonProperty} names are honoured. Each publisher is bound to one provider.
 */
public interface InventoryPublisher {
    /** Marks a full collection as running: inventory routes answer 206 until {@link #endCollection()}. */
    void beginCollection();

    /** Marks the collection complete and bumps the provider's inventory revision. */
    void endCollection();

    /**
     * Adds or replaces one document. {@code summary} is what {@code detail=0} lists (at least id and
     * name); {@code document} is the full object returned at {@code detail=1} and above.
     */
    void put(String collection, String id, String name, Object document);

    void remove(String collection, String id);

    /** The workload document of a VM ({@code /workloads/{vmId}}), in MTV's field names. */
    void putWorkload(String vmId, Object workload);

    /** A named tree ({@code /tree/{name}}), e.g. vsphere's {@code host} and {@code vm} trees. */
    void putTree(String name, Object tree);

    /** Marks the provider's inventory failed with a reason (shown on the provider's conditions). */
    void fail(String reason);
}
