package io.hoist.plugin.kubevirt.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.hoist.api.Condition;
import io.hoist.api.HoistException;
import io.hoist.api.destination.AllocatedDisk;
import io.hoist.api.destination.AttachesExternalVolumes;
import io.hoist.api.destination.ClusterAccess;
import io.hoist.api.destination.ConvertibleDestination;
import io.hoist.api.destination.Destination;
import io.hoist.api.destination.DiskLocation;
import io.hoist.api.destination.TargetDisk;
import io.hoist.api.destination.TargetNic;
import io.hoist.api.destination.TargetVmSpec;
import io.hoist.api.host.HostContext;
import io.hoist.api.provider.ProviderConfig;
import io.hoist.api.transfer.DiskWriter;
import io.hoist.api.transfer.TlsSettings;
import io.hoist.plugin.kubevirt.kube.KubeConnection;
import io.hoist.plugin.kubevirt.kube.KubeResources;
import io.hoist.plugin.kubevirt.manifest.ExternalVolumeManifests;
import io.hoist.plugin.kubevirt.manifest.Labels;
import io.hoist.plugin.kubevirt.manifest.MacConflicts;
import io.hoist.plugin.kubevirt.manifest.ManifestBuilder;
import io.hoist.plugin.kubevirt.manifest.SourceVms;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A KubeVirt cluster as a destination: one DataVolume (or PVC) per disk filled through CDI's upload
 * proxy, then the VirtualMachine, all rendered by the shared {@link ManifestBuilder}.
 *
 * <p>Ownership: everything created carries the engine's labels plus {@link Labels#SOURCE_VM} (and
 * {@link Labels#SOURCE_DISK} on disks). A re-run after a crash looks objects up by those labels and
 * adopts them; an object holding a target name without them is foreign and never touched.
 */
public final class ClusterDestination implements Destination, ConvertibleDestination, AttachesExternalVolumes {
    /** Engine labels that change between retries of the same plan, so they do not decide ownership. */
    private static final String MIGRATION_LABEL = "migration";

    private final ProviderConfig config;
    private final HostContext host;
    private final KubernetesClient client;

    public ClusterDestination(ProviderConfig config, HostContext host) {
        this.config = config;
        this.host = host;
        this.client = KubeConnection.connect(config);
    }

    private ManifestBuilder builder() {
        // Settings are live (read at each use), so the overhead is too.
        return new ManifestBuilder(ManifestBuilder.DiskApi.parse("settings.diskApi", config.setting("diskApi", null)),
                ManifestBuilder.overheadFromSetting(host.settings().get("controller_filesystem_overhead", null)),
                ManifestBuilder.blockOverheadFromSetting(host.settings().get("controller_block_overhead", null)));
    }

    @Override
    public List<Condition> testConnection() {
        return KubeConnection.testConnection(client);
    }

    @Override
    public List<Condition> validateTarget(TargetVmSpec spec) {
        List<Condition> invalid = ManifestBuilder.conditionsOf(builder(), spec);
        if (!invalid.isEmpty()) {
            return invalid;
        }
        List<Condition> conditions = new ArrayList<>();
        try {
            GenericKubernetesResource vm = vms(spec).withName(spec.name()).get();
            if (vm != null && !owned(vm, spec)) {
                conditions.add(Condition.isTrue("VMAlreadyExists", "NotUnique", Condition.Category.Critical,
                        "VM " + spec.namespace() + "/" + spec.name() + " already exists and was not created by this plan"));
            }
            for (TargetNic nic : spec.nics()) {
                if ("multus".equals(nic.type()) && !nadExists(nic.multusNetwork())) {
                    conditions.add(Condition.isTrue("DestinationNetworkNotValid", "NotFound", Condition.Category.Critical,
                            "NetworkAttachmentDefinition " + nic.multusNetwork() + " (interface " + nic.name() + ") does not exist"));
                }
            }
            if (spec.transferNetwork() != null && !spec.transferNetwork().isBlank() && !nadExists(spec.transferNetwork())) {
                conditions.add(Condition.isTrue("TransferNetworkNotValid", "NotFound", Condition.Category.Critical,
                        "transfer network " + spec.transferNetwork() + " does not exist"));
            }
            ManifestBuilder.Kinds kinds = kinds(spec);
            if (spec.flavor().instanceType() != null && kinds.instancetypeKind() == null) {
                conditions.add(Condition.isTrue("InstanceTypeNotFound", "NotFound", Condition.Category.Critical,
                        "vms[].instanceType " + spec.flavor().instanceType() + ": no VirtualMachineInstancetype in "
                                + spec.namespace() + " and no VirtualMachineClusterInstancetype of that name"));
            }
            if (spec.flavor().preference() != null && kinds.preferenceKind() == null) {
                conditions.add(Condition.isTrue("PreferenceNotFound", "NotFound", Condition.Category.Warn,
                        "the OS map names preference " + spec.flavor().preference() + " for VM " + spec.sourceVmName()
                                + ", which the cluster does not have; the VM is created without a preference"));
            }
            Map<String, Map<String, Object>> existing = new LinkedHashMap<>();
            for (GenericKubernetesResource other : destinationVms(spec.namespace())) {
                if (!owned(other, spec)) {
                    existing.put(other.getMetadata().getNamespace() + "/" + other.getMetadata().getName(),
                            client.getKubernetesSerialization().convertValue(other, Map.class));
                }
            }
            MacConflicts.find(spec, existing, null).ifPresent(conditions::add);
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("checking the target of VM " + spec.name(), e);
        }
        return conditions;
    }

    /**
     * The destination's VMs for MacConflicts: every namespace when the credentials may list them, else the target
     * namespace only (a namespaced service account), which is where a clash would also be created.
     */
    private List<GenericKubernetesResource> destinationVms(String namespace) {
        try {
            return client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inAnyNamespace().list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            return client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inNamespace(namespace).list().getItems();
        }
    }

    /**
     * Where the spec's instance type and preference are, as MTV looks: the target namespace first, then cluster-wide;
     * a null kind when neither exists.
     */
    private ManifestBuilder.Kinds kinds(TargetVmSpec spec) {
        String instancetype = spec.flavor().instanceType() == null ? null
                : exists(KubeResources.INSTANCETYPE, spec.namespace(), spec.flavor().instanceType()) ? "VirtualMachineInstancetype"
                : exists(KubeResources.CLUSTER_INSTANCETYPE, null, spec.flavor().instanceType()) ? "VirtualMachineClusterInstancetype" : null;
        String preference = spec.flavor().preference() == null ? null
                : exists(KubeResources.PREFERENCE, spec.namespace(), spec.flavor().preference()) ? "VirtualMachinePreference"
                : exists(KubeResources.CLUSTER_PREFERENCE, null, spec.flavor().preference()) ? "VirtualMachineClusterPreference" : null;
        return new ManifestBuilder.Kinds(instancetype, preference);
    }

    private boolean exists(ResourceDefinitionContext kind, String namespace, String name) {
        try {
            return (namespace == null ? client.genericKubernetesResources(kind).withName(name).get()
                    : client.genericKubernetesResources(kind).inNamespace(namespace).withName(name).get()) != null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return false; // the kind itself is not installed
            }
            throw e;
        }
    }

    @Override
    public boolean sharedDiskExists(String namespace, String shareId) {
        try {
            return !sharedCopies(namespace, shareId).isEmpty();
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("looking for shared disk copies in " + namespace, e);
        }
    }

    /** The disk objects carrying a shared disk's label, oldest first (the copy every VM attaches). */
    private List<? extends HasMetadata> sharedCopies(String namespace, String shareId) {
        Map<String, String> selector = Map.of(Labels.SHARED_DISK, Labels.value(shareId));
        boolean pvc = builder().diskApi() == ManifestBuilder.DiskApi.PVC;
        List<? extends HasMetadata> found = pvc
                ? client.persistentVolumeClaims().inNamespace(namespace).withLabels(selector).list().getItems()
                : client.genericKubernetesResources(KubeResources.DATA_VOLUME).inNamespace(namespace).withLabels(selector).list().getItems();
        return found.stream().sorted(Comparator.comparing((HasMetadata h) -> String.valueOf(h.getMetadata().getCreationTimestamp()))
                .thenComparing(h -> h.getMetadata().getName())).toList();
    }

    private boolean nadExists(String namespacedName) {
        String[] parts = namespacedName.split("/", 2);
        if (parts.length != 2) {
            return false;
        }
        return client.genericKubernetesResources(KubeResources.NETWORK_ATTACHMENT_DEFINITION)
                .inNamespace(parts[0]).withName(parts[1]).get() != null;
    }

    @Override
    public List<AllocatedDisk> allocateDisks(TargetVmSpec spec) {
        ManifestBuilder builder = builder();
        builder.validate(spec);
        List<AllocatedDisk> allocated = new ArrayList<>();
        try {
            ensureNamespace(spec.namespace());
            for (TargetDisk disk : spec.disks()) {
                if (disk.attachOnly()) {
                    // copied by another VM or an earlier plan: attach that copy; none means the VM goes without it
                    List<? extends HasMetadata> copies = sharedCopies(spec.namespace(), disk.shareId());
                    if (!copies.isEmpty()) {
                        allocated.add(new AllocatedDisk(disk, copies.get(0).getMetadata().getName()));
                    }
                    continue;
                }
                allocated.add(new AllocatedDisk(disk, disk.external() ? attachExternal(spec, disk) : allocate(builder, spec, disk)));
            }
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("creating the disks of VM " + spec.name(), e);
        }
        return List.copyOf(allocated);
    }

    /**
     * An external volume (direct LUN): its PersistentVolume and the claim bound to it, adopted when this VM's plan
     * made them already; a PV or claim of that name made by anything else is refused, never reused.
     */
    private String attachExternal(TargetVmSpec spec, TargetDisk disk) {
        String pvName = ExternalVolumeManifests.volumeName(spec, disk);
        var pv = client.persistentVolumes().withName(pvName).get();
        if (pv == null) {
            client.persistentVolumes().resource(client.getKubernetesSerialization().convertValue(
                    ExternalVolumeManifests.persistentVolume(spec, disk), io.fabric8.kubernetes.api.model.PersistentVolume.class)).create();
        } else if (!ownsDisk(pv, spec, disk)) {
            throw new HoistException(HoistException.Type.USER_ERROR, "DiskAlreadyExists", "PersistentVolume " + pvName
                    + " already exists and was not created for LUN disk " + disk.sourceDiskId() + " of this VM");
        }
        String claimName = ExternalVolumeManifests.claimName(spec, disk);
        PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(spec.namespace()).withName(claimName).get();
        if (claim == null) {
            client.persistentVolumeClaims().inNamespace(spec.namespace()).resource(client.getKubernetesSerialization()
                    .convertValue(ExternalVolumeManifests.claim(spec, disk), PersistentVolumeClaim.class)).create();
        } else if (!ownsDisk(claim, spec, disk)) {
            throw new HoistException(HoistException.Type.USER_ERROR, "DiskAlreadyExists", "PVC " + spec.namespace() + "/"
                    + claimName + " already exists and was not created for LUN disk " + disk.sourceDiskId() + " of this VM");
        }
        return claimName;
    }

    /** A guest converter reaches the disk as the PVC CDI made for the DataVolume (same name), with this provider's access. */
    @Override
    public DiskLocation locate(TargetVmSpec spec, AllocatedDisk disk) throws java.io.IOException {
        io.fabric8.kubernetes.client.Config c = client.getConfiguration();
        String ca = c.getCaCertData() != null ? new String(java.util.Base64.getDecoder().decode(c.getCaCertData()), java.nio.charset.StandardCharsets.UTF_8)
                : c.getCaCertFile() != null ? java.nio.file.Files.readString(java.nio.file.Path.of(c.getCaCertFile())) : null;
        String token = c.getOauthToken() != null ? c.getOauthToken() : c.getAutoOAuthToken();
        ClusterAccess access = new ClusterAccess(c.getMasterUrl(), token, ca, c.isTrustCerts());
        String mode = disk.disk().volumeMode() == null ? "Filesystem" : disk.disk().volumeMode();
        return new DiskLocation.ClusterVolume(access, spec.namespace(), disk.handle(), mode);
    }

    /** As MTV: the plan's targetNamespace is created when missing (and then kept: it may hold other things later). */
    private void ensureNamespace(String namespace) {
        if (client.namespaces().withName(namespace).get() == null) {
            try {
                client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata().withName(namespace).endMetadata().build()).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) { // created meanwhile by another VM of the plan
                    throw e;
                }
            }
        }
    }

    /** Finds this disk's object (by name, or by labels for generated names) or creates it; returns its name. */
    private String allocate(ManifestBuilder builder, TargetVmSpec spec, TargetDisk disk) {
        boolean pvc = builder.diskApi() == ManifestBuilder.DiskApi.PVC;
        if (!disk.generateName()) {
            HasMetadata existing = pvc
                    ? client.persistentVolumeClaims().inNamespace(spec.namespace()).withName(disk.pvcName()).get()
                    : dataVolumes(spec).withName(disk.pvcName()).get();
            if (existing != null) {
                if (!ownsDisk(existing, spec, disk)) {
                    throw new HoistException(HoistException.Type.USER_ERROR, "DiskAlreadyExists",
                            (pvc ? "PVC " : "DataVolume ") + spec.namespace() + "/" + disk.pvcName()
                                    + " already exists and was not created for disk " + disk.sourceDiskId() + " of this VM");
                }
                return disk.pvcName();
            }
        } else {
            Map<String, String> selector = diskSelector(spec, disk);
            List<? extends HasMetadata> found = pvc
                    ? client.persistentVolumeClaims().inNamespace(spec.namespace()).withLabels(selector).list().getItems()
                    : dataVolumes(spec).withLabels(selector).list().getItems();
            if (!found.isEmpty()) {
                // Oldest first: if a crash ever left two, the same one is adopted on every run.
                return found.stream().min(Comparator.comparing((HasMetadata h) -> String.valueOf(h.getMetadata().getCreationTimestamp()))
                        .thenComparing(h -> h.getMetadata().getName())).orElseThrow().getMetadata().getName();
            }
        }
        Map<String, Object> manifest = builder.diskObject(spec, disk, disk.generateName() ? null : disk.pvcName());
        HasMetadata created = pvc
                ? client.persistentVolumeClaims().inNamespace(spec.namespace())
                        .resource(client.getKubernetesSerialization().convertValue(manifest, PersistentVolumeClaim.class)).create()
                : dataVolumes(spec).resource(generic(manifest)).create();
        return created.getMetadata().getName();
    }

    @Override
    public DiskWriter openDisk(TargetVmSpec spec, AllocatedDisk disk) throws Exception {
        if (disk.disk().external()) {
            throw new HoistException(HoistException.Type.INTERNAL, "ExternalVolumeNotWritable",
                    "disk " + disk.disk().sourceDiskId() + " is an external volume (a LUN): it is attached, never written");
        }
        String name = disk.handle();
        awaitUploadReady(spec, name);
        String token = uploadToken(spec.namespace(), name);
        URI url = uploadUrl();
        TlsSettings tls = uploadTls();
        return host.diskIo().openHttpUpload(url, tls, Map.of("Authorization", "Bearer " + token), disk.disk().capacity());
    }

    private void awaitUploadReady(TargetVmSpec spec, String name) throws InterruptedException {
        boolean pvc = builder().diskApi() == ManifestBuilder.DiskApi.PVC;
        long timeoutSeconds = Long.parseLong(config.setting("uploadReadyTimeoutSeconds", "300"));
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        String last = "unknown";
        while (true) {
            try {
                if (pvc) {
                    PersistentVolumeClaim claim = client.persistentVolumeClaims().inNamespace(spec.namespace()).withName(name).get();
                    requireExists(claim, spec, name);
                    Map<String, String> a = claim.getMetadata().getAnnotations() == null ? Map.of() : claim.getMetadata().getAnnotations();
                    last = a.getOrDefault("cdi.kubevirt.io/storage.pod.phase", "Pending");
                    if ("true".equals(a.get("cdi.kubevirt.io/storage.pod.ready"))) {
                        return;
                    }
                } else {
                    GenericKubernetesResource dv = dataVolumes(spec).withName(name).get();
                    requireExists(dv, spec, name);
                    String phase = dv.get("status", "phase");
                    last = phase == null ? "Pending" : phase;
                    if ("UploadReady".equals(phase)) {
                        return;
                    }
                    if ("Succeeded".equals(phase)) {
                        throw new HoistException(HoistException.Type.INTERNAL, "DiskAlreadyUploaded",
                                "DataVolume " + spec.namespace() + "/" + name + " already holds its data (phase Succeeded); CDI accepts no second upload");
                    }
                }
            } catch (KubernetesClientException e) {
                throw KubeConnection.wrap("waiting for the upload pod of " + name, e);
            }
            if (System.nanoTime() > deadline) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "UploadNotReady",
                        "upload target " + spec.namespace() + "/" + name + " is not ready after " + timeoutSeconds + "s (phase " + last + ")");
            }
            Thread.sleep(1000);
        }
    }

    private static void requireExists(Object o, TargetVmSpec spec, String name) {
        if (o == null) {
            throw new HoistException(HoistException.Type.INTERNAL, "DiskNotAllocated",
                    "disk " + spec.namespace() + "/" + name + " does not exist (deleted after allocation?)");
        }
    }

    /** A short-lived token from CDI for uploading into one PVC/DataVolume (never logged). */
    private String uploadToken(String namespace, String name) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("apiVersion", "upload.cdi.kubevirt.io/v1beta1");
        request.put("kind", "UploadTokenRequest");
        request.put("metadata", Map.of("name", name, "namespace", namespace));
        request.put("spec", Map.of("pvcName", name));
        try {
            GenericKubernetesResource answer = client.genericKubernetesResources(KubeResources.UPLOAD_TOKEN_REQUEST)
                    .inNamespace(namespace).resource(generic(request)).create();
            String token = answer == null ? null : answer.get("status", "token");
            if (token == null || token.isBlank()) {
                throw new HoistException(HoistException.Type.UNAVAILABLE, "UploadTokenMissing",
                        "CDI returned no upload token for " + namespace + "/" + name);
            }
            return token;
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("requesting an upload token for " + namespace + "/" + name, e);
        }
    }

    /**
     * The upload proxy: provider setting {@code uploadProxyUrl}, else CDIConfig {@code config}
     * status.uploadProxyURL (a host name, or a URL).
     */
    URI uploadUrl() {
        String base = config.setting("uploadProxyUrl", null);
        if (base == null || base.isBlank()) {
            GenericKubernetesResource cdiConfig;
            try {
                cdiConfig = client.genericKubernetesResources(KubeResources.CDI_CONFIG).withName("config").get();
            } catch (KubernetesClientException e) {
                throw KubeConnection.wrap("reading CDIConfig config", e);
            }
            base = cdiConfig == null ? null : cdiConfig.get("status", "uploadProxyURL");
            if (base == null || base.isBlank()) {
                throw new HoistException(HoistException.Type.USER_ERROR, "UploadProxyUnknown",
                        "settings.uploadProxyUrl is not set and CDIConfig 'config' has no status.uploadProxyURL");
            }
        }
        if (!base.contains("://")) {
            base = "https://" + base;
        }
        return URI.create(base.replaceAll("/+$", "") + "/v1beta1/upload");
    }

    private TlsSettings uploadTls() {
        String ca = config.secretValue("uploadProxyCacert");
        return new TlsSettings(ca != null && !ca.isBlank() ? ca : config.caCertPem(), null, config.insecureSkipVerify());
    }

    @Override
    public String createVm(TargetVmSpec spec, List<AllocatedDisk> disks) {
        ManifestBuilder builder = builder();
        try {
            GenericKubernetesResource existing = vms(spec).withName(spec.name()).get();
            if (existing != null) {
                if (!owned(existing, spec)) {
                    throw new HoistException(HoistException.Type.USER_ERROR, "VMAlreadyExists",
                            "VM " + spec.namespace() + "/" + spec.name() + " already exists and was not created by this plan");
                }
            } else {
                Map<String, Object> sourceVm = SourceVms.lookup(host.inventoryView(), spec);
                existing = vms(spec).resource(generic(builder.virtualMachine(spec, disks, AllocatedDisk::handle, sourceVm,
                        kinds(spec)))).create();
            }
            // Also on adoption: a crash may have come between creating the VM and this step.
            ownDisksByVm(builder, spec, disks, existing);
            return spec.namespace() + "/" + spec.name();
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("creating VM " + spec.namespace() + "/" + spec.name(), e);
        }
    }

    /** Makes the VM the owner of its disks, so deleting the VM in the cluster also deletes them. */
    private void ownDisksByVm(ManifestBuilder builder, TargetVmSpec spec, List<AllocatedDisk> disks, GenericKubernetesResource vm) {
        String uid = vm.getMetadata().getUid();
        if (uid == null) {
            return;
        }
        String patch = "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"kubevirt.io/v1\",\"kind\":\"VirtualMachine\","
                + "\"name\":\"" + spec.name() + "\",\"uid\":\"" + uid + "\",\"blockOwnerDeletion\":true}]}}";
        boolean pvcApi = builder.diskApi() == ManifestBuilder.DiskApi.PVC;
        for (AllocatedDisk allocated : disks) {
            AllocatedDisk disk = allocated;
            boolean pvc = pvcApi || disk.disk().external();
            HasMetadata object = pvc
                    ? client.persistentVolumeClaims().inNamespace(spec.namespace()).withName(disk.handle()).get()
                    : dataVolumes(spec).withName(disk.handle()).get();
            if (object == null || object.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()))) {
                continue;
            }
            if (pvc) {
                client.persistentVolumeClaims().inNamespace(spec.namespace()).withName(disk.handle())
                        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
            } else {
                dataVolumes(spec).withName(disk.handle())
                        .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE), patch);
            }
        }
    }

    @Override
    public void cleanup(TargetVmSpec spec, CleanupReason reason, boolean deleteVm) {
        try {
            Map<String, String> temporary = new LinkedHashMap<>(ownership(spec));
            temporary.put(Labels.TEMPORARY, "true");
            deleteAll(KubeResources.VIRTUAL_MACHINE_EXPORT, spec.namespace(), temporary);
            if (!deleteVm) {
                return;
            }
            GenericKubernetesResource vm = vms(spec).withName(spec.name()).get();
            if (vm != null && owned(vm, spec)) {
                vms(spec).withName(spec.name()).delete();
            }
            Map<String, String> ours = ownership(spec);
            deleteAll(KubeResources.DATA_VOLUME, spec.namespace(), ours);
            client.persistentVolumeClaims().inNamespace(spec.namespace()).withLabels(ours).delete();
            // an external volume's PV (Retain: deleting it leaves the LUN's data alone); PVs are cluster-wide, so
            // only those annotated with this VM's id go
            for (var pv : client.persistentVolumes().withLabels(ours).list().getItems()) {
                if (owned(pv, spec)) {
                    client.persistentVolumes().withName(pv.getMetadata().getName()).delete();
                }
            }
        } catch (KubernetesClientException e) {
            throw KubeConnection.wrap("cleaning up VM " + spec.namespace() + "/" + spec.name(), e);
        }
    }

    private void deleteAll(ResourceDefinitionContext kind, String namespace, Map<String, String> labels) {
        client.genericKubernetesResources(kind).inNamespace(namespace).withLabels(labels).delete();
    }

    /** The labels that mark an object as created for this VM by this plan (not per retry). */
    static Map<String, String> ownership(TargetVmSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        spec.labels().forEach((k, v) -> {
            if (!k.equals(MIGRATION_LABEL)) {
                labels.put(k, v);
            }
        });
        labels.put(Labels.SOURCE_VM, Labels.value(spec.sourceVmId()));
        return labels;
    }

    private static Map<String, String> diskSelector(TargetVmSpec spec, TargetDisk disk) {
        Map<String, String> labels = ownership(spec);
        labels.put(Labels.SOURCE_DISK, Labels.value(disk.sourceDiskId()));
        return labels;
    }

    private static boolean owned(HasMetadata object, TargetVmSpec spec) {
        Map<String, String> labels = object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels();
        Map<String, String> annotations = object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations();
        return ownership(spec).entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
                && Objects.equals(annotations.get(Labels.SOURCE_VM_ANNOTATION), spec.sourceVmId());
    }

    private static boolean ownsDisk(HasMetadata object, TargetVmSpec spec, TargetDisk disk) {
        Map<String, String> annotations = object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations();
        return owned(object, spec) && Objects.equals(annotations.get(Labels.SOURCE_DISK_ANNOTATION), disk.sourceDiskId());
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource, io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> vms(TargetVmSpec spec) {
        return client.genericKubernetesResources(KubeResources.VIRTUAL_MACHINE).inNamespace(spec.namespace());
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource, io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
            io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource>> dataVolumes(TargetVmSpec spec) {
        return client.genericKubernetesResources(KubeResources.DATA_VOLUME).inNamespace(spec.namespace());
    }

    private GenericKubernetesResource generic(Map<String, Object> manifest) {
        return client.getKubernetesSerialization().convertValue(manifest, GenericKubernetesResource.class);
    }

    @Override
    public void close() {
        client.close();
    }
}
