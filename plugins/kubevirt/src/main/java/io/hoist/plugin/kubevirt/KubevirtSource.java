package io.hoist.plugin.kubevirt;

import io.hoist.plugin.kubevirt.disk.VmExports;
import io.hoist.plugin.kubevirt.inventory.SourceVmReader;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.host.HostContext;
import io.hoist.api.inventory.InventoryPublisher;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.source.PowerState;
import io.hoist.api.source.SnapshotRef;
import io.hoist.api.source.SourceDisk;
import io.hoist.api.source.SourceProvider;
import io.hoist.api.source.SourceVm;
import io.hoist.api.source.VmRef;
import io.hoist.api.source.WatchesInventory;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import io.hoist.api.transfer.DiskReader;
import io.hoist.api.transfer.Extent;
import io.hoist.plugin.kubevirt.kube.KubeConnection;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A remote KubeVirt cluster as a migration source (cold): inventory of namespaces, VMs, DataVolumes,
 * PVCs, storage classes and NetworkAttachmentDefinitions; disks read through a VirtualMachineExport
 * by the transfer engine's HTTP reader.
 */
public final class KubevirtSource implements SourceProvider, WatchesInventory {
    private final HostContext host;
    private final KubernetesClient client;
    private final VmExports exports;
    /** Resource versions of the last collection's lists, where watches start. */
    private volatile Map<String, String> listedVersions = Map.of();

    public KubevirtSource(ProviderConfig config, HostContext host) {
        this.host = host;
        this.client = KubeConnection.connect(config);
        this.exports = new VmExports(client, KubeConnection.tls(config),
                Long.parseLong(config.setting("exportReadyTimeoutSeconds", "600")),
                "internal".equals(config.setting("exportLink", "external")));
    }

    @Override
    public List<Condition> testConnection() {
        return KubeConnection.testConnection(client);
    }

    /** The inventory collections, each with how to list and watch it across namespaces. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private List<Map.Entry<String, FilterWatchListDeletable<HasMetadata, KubernetesResourceList<HasMetadata>, ?>>> collections() {
        return (List) List.of(
                Map.entry("namespaces", client.namespaces()),
                Map.entry("storageclasses", client.storage().v1().storageClasses()),
                Map.entry("persistentvolumeclaims", client.persistentVolumeClaims().inAnyNamespace()),
                Map.entry("datavolumes", client.genericKubernetesResources(KubeResources.DATA_VOLUME).inAnyNamespace()),
                Map.entry("networkattachmentdefinitions",
                        client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION).inAnyNamespace()),
                Map.entry("vms", client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inAnyNamespace()));
    }

    @Override
    public void collectInventory(InventoryPublisher publisher) {
        publisher.beginCollection();
        Map<String, String> versions = new HashMap<>();
        try {
            for (Map.Entry<String, FilterWatchListDeletable<HasMetadata, KubernetesResourceList<HasMetadata>, ?>> c : collections()) {
                KubernetesResourceList<HasMetadata> list = c.getValue().list();
                for (HasMetadata item : list.getItems()) {
                    put(publisher, c.getKey(), item);
                }
                versions.put(c.getKey(), list.getMetadata() == null ? null : list.getMetadata().getResourceVersion());
            }
        } catch (KubernetesClientException e) {
            publisher.fail(KubeConnection.wrap("collecting inventory", e).getMessage());
            throw KubeConnection.wrap("collecting inventory", e);
        }
        listedVersions = versions;
        publisher.endCollection();
    }

    /**
     * Follows changes after a collection (from the versions it listed, so nothing between is lost) until
     * {@code stop}; returns when a watch fails, and the host collects again.
     */
    @Override
    public void watch(InventoryPublisher publisher, BooleanSupplier stop) throws InterruptedException {
        AtomicReference<WatcherException> failure = new AtomicReference<>();
        List<Watch> watches = new ArrayList<>();
        try {
            for (Map.Entry<String, FilterWatchListDeletable<HasMetadata, KubernetesResourceList<HasMetadata>, ?>> c : collections()) {
                String collection = c.getKey();
                ListOptions from = new ListOptionsBuilder().withResourceVersion(listedVersions.get(collection)).build();
                watches.add(c.getValue().watch(from, new Watcher<HasMetadata>() {
                    @Override
                    public void eventReceived(Action action, HasMetadata item) {
                        switch (action) {
                            case ADDED, MODIFIED -> put(publisher, collection, item);
                            case DELETED -> publisher.remove(collection, item.getMetadata().getUid());
                            default -> { }
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        failure.compareAndSet(null, cause);
                    }
                }));
            }
            while (!stop.getAsBoolean() && failure.get() == null) {
                Thread.sleep(200);
            }
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("watching inventory", e);
        } finally {
            watches.forEach(Watch::close);
        }
    }

    private void put(InventoryPublisher publisher, String collection, HasMetadata item) {
        Map<String, Object> doc = publish(publisher, collection, item);
        if ("vms".equals(collection)) {
            publisher.putWorkload(item.getMetadata().getUid(), doc);
        }
    }

    /** MTV's openshift inventory shape: id (uid), name, namespace, version, and the whole object. */
    private Map<String, Object> publish(InventoryPublisher publisher, String collection, HasMetadata object) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", object.getMetadata().getUid());
        doc.put("name", object.getMetadata().getName());
        if (object.getMetadata().getNamespace() != null) {
            doc.put("namespace", object.getMetadata().getNamespace());
        }
        doc.put("version", object.getMetadata().getResourceVersion());
        @SuppressWarnings("unchecked")
        Map<String, Object> whole = client.getKubernetesSerialization().convertValue(object, Map.class);
        doc.put("object", whole);
        publisher.put(collection, object.getMetadata().getUid(), object.getMetadata().getName(), doc);
        return doc;
    }

    @Override
    public Optional<SourceVm> describe(VmRef ref) {
        return find(ref).map(vm -> SourceVmReader.read(vm,
                (ns, name) -> client.persistentVolumeClaims().inNamespace(ns).withName(name).get(),
                (ns, name) -> {
                    GenericKubernetesResource nad = client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION)
                            .inNamespace(ns).withName(name).get();
                    return nad == null ? null : nad.getMetadata().getUid();
                }));
    }

    /** By uid, else by {@code namespace/name}, else by a name unique across namespaces. */
    private Optional<GenericKubernetesResource> find(VmRef ref) {
        try {
            List<GenericKubernetesResource> all = client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inAnyNamespace().list().getItems();
            if (ref.id() != null && !ref.id().isEmpty()) {
                Optional<GenericKubernetesResource> byId = all.stream().filter(v -> ref.id().equals(v.getMetadata().getUid())).findFirst();
                if (byId.isPresent()) {
                    return byId;
                }
            }
            String name = ref.name();
            if (name == null || name.isEmpty()) {
                return Optional.empty();
            }
            if (name.contains("/")) {
                String[] parts = name.split("/", 2);
                return all.stream().filter(v -> parts[0].equals(v.getMetadata().getNamespace()) && parts[1].equals(v.getMetadata().getName())).findFirst();
            }
            List<GenericKubernetesResource> named = all.stream().filter(v -> name.equals(v.getMetadata().getName())).toList();
            if (named.size() > 1) {
                throw new HoistException(HoistException.Type.USER_ERROR, "VMNameAmbiguous",
                        "vm name '" + name + "' exists in " + named.size() + " namespaces; use namespace/name or the id");
            }
            return named.stream().findFirst();
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("finding VM " + ref.display(), e);
        }
    }

    private GenericKubernetesResource require(SourceVm vm) {
        return find(new VmRef(vm.id(), null)).orElseThrow(() -> new HoistException(HoistException.Type.USER_ERROR, "VMNotFound",
                "VM " + vm.name() + " (" + vm.id() + ") no longer exists"));
    }

    @Override
    public DiskReader openDisk(SourceVm vm, SourceDisk disk, SnapshotRef snapshot) throws Exception {
        if (snapshot != null) {
            throw HoistException.notSupported("warm migration from KubeVirt (snapshots)");
        }
        GenericKubernetesResource object = require(vm);
        String namespace = object.getMetadata().getNamespace();
        String vmName = object.getMetadata().getName();
        VmExports.ExportedDisk exported = exports.acquire(namespace, vmName, vm.id(), disk.id());
        DiskReader reader;
        try {
            reader = host.diskIo().openHttp(exported.url(), exported.tls(), exported.headers());
        } catch (IOException | RuntimeException e) {
            exports.release(namespace, vmName);
            throw e;
        }
        return reader.closing(() -> exports.release(namespace, vmName));
    }

    @Override
    public PowerState powerState(SourceVm vm) {
        return SourceVmReader.powerState(require(vm));
    }

    @Override
    public void powerOff(SourceVm vm) {
        setRunStrategy(vm, "Halted");
    }

    @Override
    public void powerOn(SourceVm vm) {
        setRunStrategy(vm, "Always");
    }

    private void setRunStrategy(SourceVm vm, String strategy) {
        GenericKubernetesResource object = require(vm);
        // runStrategy and the older 'running' flag are mutually exclusive: drop 'running'.
        String patch = "{\"spec\":{\"runStrategy\":\"" + strategy + "\",\"running\":null}}";
        try {
            client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inNamespace(object.getMetadata().getNamespace())
                    .withName(object.getMetadata().getName()).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("setting runStrategy " + strategy + " on VM " + vm.name(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

}
