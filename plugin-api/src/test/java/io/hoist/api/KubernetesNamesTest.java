package io.hoist.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one DNS-1123 implementation (admission, target names and the KubeVirt plugin's manifests use it). */
class KubernetesNamesTest {
    @Test
    void labelsAndSubdomainsFollowDns1123() {
        assertTrue(KubernetesNames.isLabel("web-01"));
        assertTrue(KubernetesNames.isLabel("a".repeat(63)));
        assertFalse(KubernetesNames.isLabel("a".repeat(64)));
        assertFalse(KubernetesNames.isLabel("Web"));
        assertFalse(KubernetesNames.isLabel("-web"));
        assertFalse(KubernetesNames.isLabel("web.example"));
        assertFalse(KubernetesNames.isLabel(""));
        assertFalse(KubernetesNames.isLabel(null));

        assertTrue(KubernetesNames.isSubdomain("disk-0.vm.example"));
        assertFalse(KubernetesNames.isSubdomain("disk..0"));
        assertFalse(KubernetesNames.isSubdomain("a".repeat(254)));
        assertFalse(KubernetesNames.checkSubdomain("a".repeat(248), 247).isEmpty());
    }

    @Test
    void aProblemIsSaidInWords() {
        assertEquals("must be no more than 63 characters (is 64)", KubernetesNames.checkLabel("a".repeat(64)).orElseThrow());
        assertEquals("must not be empty", KubernetesNames.checkSubdomain("").orElseThrow());
        assertTrue(KubernetesNames.checkLabel("Web").orElseThrow().startsWith("a DNS-1123 label"));
        assertTrue(KubernetesNames.checkLabel("web").isEmpty());
    }
}
