package io.hoist.plugin.kubevirt.disk;

import io.hoist.plugin.kubevirt.inventory.SourceVmReader;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hoist.api.HoistException;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.kubevirt.kube.KubeConnection;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import io.hoist.plugin.kubevirt.manifest.Labels;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VirtualMachineExports of source VMs: one export (and its token Secret) per VM, shared by the VM's
 * disk readers and deleted when the last one closes. Both carry {@link Labels#TEMPORARY}; a crashed
 * run's export is adopted (same name and labels), and {@code ttlDuration} bounds a leaked one.
 */
public final class VmExports {
    /** How a disk of an export is read: URL, TLS for the export proxy, and the token header. */
    public record ExportedDisk(URI url, TlsSettings tls, Map<String, String> headers) {}

    static final String TOKEN_HEADER = "x-kubevirt-export-token";

    private final KubernetesClient client;
    private final TlsSettings providerTls;
    private final long readyTimeoutSeconds;
    private final boolean internalLinks;
    private final Map<String, Integer> users = new HashMap<>();

    public VmExports(KubernetesClient client, TlsSettings providerTls, long readyTimeoutSeconds, boolean internalLinks) {
        this.client = client;
        this.providerTls = providerTls;
        this.readyTimeoutSeconds = readyTimeoutSeconds;
        this.internalLinks = internalLinks;
    }

    public static String exportName(String vmName) {
        String name = "hoist-" + vmName;
        return name.length() <= 63 ? name : name.substring(0, 52) + "-" + Labels.shortHash(vmName, 10);
    }

    /** Starts (or adopts) the VM's export, waits until it is Ready, and returns how to read one volume. */
    public synchronized ExportedDisk acquire(String namespace, String vmName, String vmUid, String claimName) throws InterruptedException {
        String name = exportName(vmName);
        try {
            GenericKubernetesResource existing = client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT)
                    .inNamespace(namespace).withName(name).get();
            if (existing != null) {
                // Checked before anything is created, so a foreign export leaves nothing of ours behind.
                requireOurs(existing.getMetadata().getLabels(), "VirtualMachineExport", namespace, name);
            }
            String token = ensureTokenSecret(namespace, name, vmUid);
            if (existing == null) {
                client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT).inNamespace(namespace)
                        .resource(client.getKubernetesSerialization().convertValue(exportManifest(namespace, name, vmName, vmUid),
                                GenericKubernetesResource.class))
                        .create();
            }
            GenericKubernetesResource ready = awaitReady(namespace, name);
            Map<String, Object> links = SourceVmReader.map(ready.get("status", "links", internalLinks ? "internal" : "external"));
            String cert = (String) links.get("cert");
            for (Object v : SourceVmReader.list(links.get("volumes"))) {
                Map<String, Object> volume = SourceVmReader.map(v);
                if (!claimName.equals(volume.get("name"))) {
                    continue;
                }
                for (Object f : SourceVmReader.list(volume.get("formats"))) {
                    Map<String, Object> format = SourceVmReader.map(f);
                    if ("raw".equals(format.get("format"))) {
                        users.merge(namespace + "/" + name, 1, Integer::sum);
                        TlsSettings tls = cert == null || cert.isBlank() ? providerTls
                                : new TlsSettings(cert, null, providerTls.insecureSkipVerify());
                        return new ExportedDisk(URI.create((String) format.get("url")), tls, Map.of(TOKEN_HEADER, token));
                    }
                }
                throw new HoistException(HoistException.Type.NOT_SUPPORTED, "ExportFormatNotSupported",
                        "export " + namespace + "/" + name + " offers volume " + claimName + " without a raw format");
            }
            throw new HoistException(HoistException.Type.INTERNAL, "ExportVolumeMissing",
                    "export " + namespace + "/" + name + " does not list volume " + claimName);
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("exporting VM " + namespace + "/" + vmName, e);
        }
    }

    /** One reader of the export closed; the last one removes the export and its token. */
    public synchronized void release(String namespace, String vmName) {
        String name = exportName(vmName);
        String key = namespace + "/" + name;
        int left = users.merge(key, -1, Integer::sum);
        if (left <= 0) {
            users.remove(key);
            delete(namespace, name);
        }
    }

    public void delete(String namespace, String name) {
        try {
            client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT).inNamespace(namespace).withName(name).delete();
            client.secrets().inNamespace(namespace).withName(name + "-token").delete();
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("deleting export " + namespace + "/" + name, e);
        }
    }

    private String ensureTokenSecret(String namespace, String exportName, String vmUid) {
        String secretName = exportName + "-token";
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing != null) {
            requireOurs(existing.getMetadata().getLabels(), "Secret", namespace, secretName);
            return new String(Base64.getDecoder().decode(existing.getData().get("token")), StandardCharsets.UTF_8);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Secret secret = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(namespace)
                .withLabels(labels(vmUid)).endMetadata()
                .withData(Map.of("token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))).build();
        client.secrets().inNamespace(namespace).resource(secret).create();
        return token;
    }

    public static Map<String, Object> exportManifest(String namespace, String name, String vmName, String vmUid) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        metadata.put("namespace", namespace);
        metadata.put("labels", labels(vmUid));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("source", Map.of("apiGroup", "kubevirt.io", "kind", "VirtualMachine", "name", vmName));
        spec.put("tokenSecretRef", name + "-token");
        // A safety net: an export a crash leaked disappears by itself.
        spec.put("ttlDuration", "24h");
        Map<String, Object> export = new LinkedHashMap<>();
        export.put("apiVersion", "export.kubevirt.io/v1beta1");
        export.put("kind", "VirtualMachineExport");
        export.put("metadata", metadata);
        export.put("spec", spec);
        return export;
    }

    private static Map<String, String> labels(String vmUid) {
        return Map.of(Labels.TEMPORARY, "true", Labels.SOURCE_VM, Labels.value(vmUid));
    }

    private static void requireOurs(Map<String, String> labels, String kind, String namespace, String name) {
        if (labels == null || !"true".equals(labels.get(Labels.TEMPORARY))) {
            throw new HoistException(HoistException.Type.USER_ERROR, "ExportNameTaken",
                    kind + " " + namespace + "/" + name + " exists and was not created by Hoist");
        }
    }

    private GenericKubernetesResource awaitReady(String namespace, String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(readyTimeoutSeconds).toNanos();
        String phase = null;
        while (true) {
            GenericKubernetesResource export = client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE_EXPORT)
                    .inNamespace(namespace).withName(name).get();
            phase = export == null ? "Deleted" : export.get("status", "phase");
            if ("Ready".equals(phase)) {
                return export;
            }
            if (System.nanoTime() > deadline) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "ExportNotReady",
                        "export " + namespace + "/" + name + " is not Ready after " + readyTimeoutSeconds + "s (phase " + phase
                                + "); the VM must be stopped to be exported");
            }
            Thread.sleep(500);
        }
    }

    /** Every export this process still holds (for close). */
    public synchronized List<String> held() {
        return List.copyOf(users.keySet());
    }
}
