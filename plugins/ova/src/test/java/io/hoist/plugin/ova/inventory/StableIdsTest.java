package io.hoist.plugin.ova.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StableIdsTest {
    @Test
    void networkIdsMatchMtvsOvaProviderServer() {
        // Expected values printed by Go 1.19's encoding/gob + crypto/sha256 (the computation forklift's
        // ova-provider-server does for network ids), for short, empty, long (multi-byte length) and UTF-8 names.
        // forklift's own OVA e2e test expects ae1badc8... for "VM Network" as well.
        assertThat(StableIds.network("VM Network")).isEqualTo("ae1badc8c693926f492a01e2f357d6af321b");
        assertThat(StableIds.network("abc")).isEqualTo("a9037ccf7625deda83d63ad5bd50838ef8e4");
        assertThat(StableIds.network("")).isEqualTo("c230a088c614efa573bac9119c52b022adfc");
        assertThat(StableIds.network("n".repeat(200))).isEqualTo("19e9068e0a0277d118342a1943fbb0b76b5b");
        assertThat(StableIds.network("Réseau")).isEqualTo("8cfb366bce942f606888862f81cac5a796fc");
    }

    @Test
    void vmAndDiskIdsAreNameBasedUuidsThatDependOnPathAndId() {
        String a = StableIds.vm("x/vm.ova", "vm");
        assertThat(a).isEqualTo(StableIds.vm("x/vm.ova", "vm")).matches("[0-9a-f-]{36}");
        assertThat(java.util.UUID.fromString(a).version()).isEqualTo(5);
        assertThat(a).isNotEqualTo(StableIds.vm("y/vm.ova", "vm")).isNotEqualTo(StableIds.vm("x/vm.ova", "vm2"));
        assertThat(StableIds.disk(a, "vmdisk1")).isNotEqualTo(StableIds.disk(a, "vmdisk2"));
        assertThat(StableIds.isUuid("42256329-8c3a-2a82-54fd-01d845a8bf49")).isTrue();
        assertThat(StableIds.isUuid("db01")).isFalse();
    }
}
