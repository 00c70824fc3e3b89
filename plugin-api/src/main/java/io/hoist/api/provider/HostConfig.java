package io.hoist.api.provider;

import java.util.Map;

/**
 * A Host resource (MTV {@code Host}) that references a provider, as the provider's plugin sees it: which
 * host of the inventory it names, its address on the migration network and its Secret's data, decoded.
 * {@link #toString()} never prints secret values.
 *
 * @param id        spec.id, the host's id in the provider's inventory (e.g. a vSphere moRef); may be empty
 * @param name      spec.name, the host's name in the inventory, used when id is empty; may be empty
 * @param ipAddress spec.ipAddress, the host's address on the migration network; may be empty
 * @param secret    the referenced Secret's data (decoded), empty when none
 */
public record HostConfig(String id, String name, String ipAddress, Map<String, String> secret) {
    public HostConfig {
        id = id == null ? "" : id;
        name = name == null ? "" : name;
        ipAddress = ipAddress == null ? "" : ipAddress;
        secret = secret == null ? Map.of() : Map.copyOf(secret);
    }

    @Override
    public String toString() {
        return "HostConfig[id=" + id + " name=" + name + " ipAddress=" + ipAddress + " secretKeys=" + secret.keySet() + "]";
    }
}
