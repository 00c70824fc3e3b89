package io.konveyor.forklift.ovirt

import rego.v1

test_incremental_backup_disabled if "ovirt.warm_migration.incremental_backup.disabled" in concern_ids(with_disk({"disk": {"name": "d1", "status": "ok", "storageType": "image", "shared": false, "backup": "none"}}))

test_incremental_backup_enabled_is_clean if count(concern_ids(with_disk({"disk": {"name": "d1", "status": "ok", "storageType": "image", "shared": false, "backup": "incremental"}}))) == 0
