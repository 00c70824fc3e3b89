// The slice of MTV's forklift.konveyor.io/v1beta1 resources the console reads and writes.
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  generateName?: string;
}

export interface Condition {
  type: string;
  status: string;
  category?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  items?: string[];
}

export interface Ref { name?: string; namespace?: string; id?: string; type?: string }

export interface Resource<S = object, T = object> {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: S;
  status?: T & { conditions?: Condition[] };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  type?: string;
}

export interface ProviderSpec { type?: string; url?: string; secret?: Ref; settings?: Record<string, string> }
export type Provider = Resource<ProviderSpec, { phase?: string; observedGeneration?: number }>;

export interface MapPair {
  source: Ref & { id?: string };
  destination: Record<string, string | undefined>;
}
export interface MapSpec { provider?: { source?: Ref; destination?: Ref }; map?: MapPair[] }
export type NetworkMap = Resource<MapSpec>;
export type StorageMap = Resource<MapSpec>;

export interface PlanVmRef { id?: string; name?: string; hooks?: { hook: Ref; step: string }[] }
export interface PlanSpec {
  description?: string;
  targetNamespace?: string;
  warm?: boolean;
  archived?: boolean;
  preserveStaticIPs?: boolean;
  skipGuestConversion?: boolean;
  targetPowerState?: string;
  provider?: { source?: Ref; destination?: Ref };
  map?: { network?: Ref; storage?: Ref };
  vms?: PlanVmRef[];
}

export interface Progress { completed?: number; total?: number }
export interface StepError { phase?: string; reasons?: string[] }
export interface Task {
  name: string; phase?: string; progress?: Progress; annotations?: Record<string, string>;
  started?: string; completed?: string; error?: StepError; reason?: string; description?: string;
}
export interface Step extends Task { tasks?: Task[] }
export interface VmStatus {
  id?: string; name?: string; phase?: string; pipeline?: Step[]; conditions?: Condition[];
  started?: string; completed?: string; error?: StepError;
  warm?: { precopies?: { start?: string; end?: string }[]; nextPrecopyAt?: string };
}
export interface PlanStatus {
  migration?: { started?: string; completed?: string; vms?: VmStatus[]; history?: unknown[] };
}
export type Plan = Resource<PlanSpec, PlanStatus>;

export interface MigrationSpec { plan?: Ref; cutover?: string; cancel?: Ref[] }
export type Migration = Resource<MigrationSpec, { started?: string; completed?: string; vms?: VmStatus[] }>;
export type Hook = Resource<{ image?: string; playbook?: string }>;
export type Secret = Resource;

export interface Concern { id?: string; category: string; label: string; assessment?: string }

/** An inventory document: what the provider's plugin published, plus concerns from validation. */
export interface InventoryItem {
  id: string; name: string; parent?: { kind?: string; id?: string } | string; path?: string;
  revision?: number; selfLink?: string; concerns?: Concern[]; powerState?: string;
  disks?: { id?: string; name?: string; capacity?: number; datastore?: { id?: string } | string; file?: string }[];
  networks?: { id?: string; name?: string }[];
  [k: string]: unknown;
}

export interface InventoryProvider {
  uid: string; name: string; namespace: string; type: string; phase?: string; reason?: string;
  [counter: string]: unknown;
}

export interface TreeNode { kind?: string; object?: { id?: string; name?: string }; children?: TreeNode[]; [k: string]: unknown }

export interface PluginInfo {
  id: string; version?: string; state: string; error?: string; description?: string; provider?: string;
  requires?: string; extensions?: { point: string; className?: string; type?: string }[];
}

export interface StatusBody {
  kind: 'Status'; status?: string; message?: string; reason?: string; code?: number;
  details?: { causes?: { field?: string; reason?: string; message?: string }[] };
}

export interface WatchEvent<T> { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR'; object: T }
