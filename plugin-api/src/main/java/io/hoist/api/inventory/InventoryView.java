package io.hoist.api.inventory;

import java.util.Map;
import java.util.Optional;

/** Read access to the published inventory of any provider, as generic JSON-like maps. */
public interface InventoryView {
    Optional<Map<String, Object>> get(String providerUid, String collection, String id);

    /** Finds by id first, then by name. */
    Optional<Map<String, Object>> find(String providerUid, String collection, String idOrName);

    Optional<Map<String, Object>> workload(String providerUid, String vmId);

    long revision(String providerUid);
}
