package io.hoist.core.model.resource;

import io.hoist.core.model.meta.Condition;
import io.hoist.core.model.meta.Extensible;
import io.hoist.core.model.meta.ProviderPair;
import io.hoist.core.model.meta.Resource;
import io.hoist.core.model.meta.SourceRef;

import java.util.List;

/** forklift.konveyor.io/v1beta1 StorageMap: datastores/storage domains/volume types to storage classes. */
public class StorageMap extends Resource<StorageMap.Spec, StorageMap.Status> {
    public static class Spec extends Extensible {
        public List<Pair> map;
        public ProviderPair provider;
    }

    public static class Pair extends Extensible {
        public SourceRef source;
        public Destination destination;
        public OffloadPlugin offloadPlugin;
    }

    public static class Destination extends Extensible {
        public String storageClass;
        /** ReadWriteOnce, ReadWriteMany or ReadOnlyMany; empty means the storage profile decides. */
        public String accessMode;
        /** Filesystem or Block; empty means the storage profile decides. */
        public String volumeMode;
    }

    /** Storage copy offload (XCOPY on the array) instead of copying over the network. */
    public static class OffloadPlugin extends Extensible {
        public VsphereXcopyConfig vsphereXcopyConfig;
        public CsiVolumeImport csiVolumeImport;
    }

    public static class VsphereXcopyConfig extends Extensible {
        public String secretRef;
        public String storageVendorProduct;
        public List<String> dedicatedMigrationHosts;
    }

    public static class CsiVolumeImport extends Extensible {
        public String secretRef;
        public String storageVendorProduct;
    }

    public static class Status extends Extensible {
        public List<Condition> conditions;
        public Long observedGeneration;
        public List<SourceRef> references;
    }
}
