"""Nova's FakeDriver plus the two calls Cinder's NFS driver needs from a hypervisor: assisted volume snapshots.

Cinder snapshots an attached (in-use) NFS volume by writing a qcow2 overlay on the share and asking Nova to move
the guest onto it (volume_snapshot_create); it deletes such a snapshot by asking Nova to merge the files
(volume_snapshot_delete). FakeDriver raises NotImplementedError for both, so every snapshot of an attached
volume would fail. There is no guest here: creating needs no file work, deleting does on the share what
libvirt's block rebase does to a running guest's disk (qemu-img rebase), then, like libvirt, each call reports
progress to Cinder. Nova loads drivers only from its own nova.virt package, so nova-compute (the wrapper beside
this file) puts these two methods on FakeDriver before it starts. Test only.
"""
import json
import os
import subprocess

from nova import objects
from nova.virt import fake
from nova.volume import cinder


def install():
    """Gives nova.virt.fake.FakeDriver the assisted-snapshot calls below."""
    fake.FakeDriver.volume_snapshot_create = AssistedSnapshots.volume_snapshot_create
    fake.FakeDriver.volume_snapshot_delete = AssistedSnapshots.volume_snapshot_delete
    fake.FakeDriver._share_folder = staticmethod(AssistedSnapshots._share_folder)


class AssistedSnapshots:

    def volume_snapshot_create(self, context, instance, volume_id, create_info):
        # the overlay Cinder created is where the guest would write from now on; nothing to move
        cinder.API().update_snapshot_status(context, create_info['snapshot_id'], 'creating')

    def volume_snapshot_delete(self, context, instance, volume_id, snapshot_id, delete_info):
        folder = self._share_folder(context, instance, volume_id)
        with open(os.path.join(folder, 'volume-%s.info' % volume_id)) as f:
            active = os.path.join(folder, json.load(f)['active'])
        merge, target = delete_info.get('file_to_merge'), delete_info.get('merge_target_file')
        if target is None:
            # pull the data below file_to_merge (everything when None) into the active file, as blockRebase does
            backing = ['-b', os.path.join(folder, merge), '-F', 'qcow2'] if merge else ['-b', '']
            subprocess.run(['qemu-img', 'rebase', '-f', 'qcow2'] + backing + [active], check=True)
        else:
            # commit the snapshot file into its backing file (blockCommit of a non-active layer)
            subprocess.run(['qemu-img', 'commit', '-f', 'qcow2', os.path.join(folder, merge)], check=True)
        cinder.API().update_snapshot_status(context, snapshot_id, 'deleting')

    @staticmethod
    def _share_folder(context, instance, volume_id):
        bdm = objects.BlockDeviceMapping.get_by_volume_and_instance(context, volume_id, instance.uuid)
        data = json.loads(bdm.connection_info)['data']
        # the testbed's NFS share is a local folder: "127.0.0.1:/path/export"
        return data['export'].split(':', 1)[1]
