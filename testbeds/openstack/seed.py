"""Seeds the testbed with what Hoist's OpenStack tests read and migrate; writes BASE/testbed.json.

Project 'hoist' (user hoist/hoistpw, admin there) gets: flavors, two networks with subnets, a raw image with
the properties Hoist carries to the target (hw_firmware_type, hw_disk_bus, os_type, ...), two volume types on
the NFS backend, and FakeDriver servers:

  hoist-vm-volumes       boots from a volume, a second (data) volume attached, two NICs; the end-to-end VM
  hoist-vm-image         image-backed (ephemeral root disk), one NIC
  hoist-vm-error-volume  its volume is reset to status 'error'
  hoist-vm-shelved       shelved (kept on the host: shelved_offload_time = -1)
  hoist-vm-paused        paused
  hoist-vm-no-flavor     its flavor was deleted after it booted

Usage: seed.py BASE
"""
import json
import os
import sys
import time

import openstack

BASE = sys.argv[1]
GIB = 1024 ** 3
conn = openstack.connect(auth_url='http://127.0.0.1:5000/v3', username='hoist', password='hoistpw',
                         project_name='hoist', user_domain_id='default', project_domain_id='default',
                         region_name='RegionOne', identity_api_version='3')


def wait(what, get, ok, bad=('error', 'ERROR'), timeout=180):
    deadline = time.time() + timeout
    while True:
        obj = get()
        status = getattr(obj, 'status', None)
        if status in ok:
            return obj
        if status in bad:
            raise SystemExit(f'{what} went to {status}: {getattr(obj, "fault", "")}')
        if time.time() > deadline:
            raise SystemExit(f'{what} still {status} after {timeout} s')
        time.sleep(1)


def flavor(name, vcpus, ram, disk, specs=None):
    f = conn.compute.create_flavor(name=name, vcpus=vcpus, ram=ram, disk=disk)
    if specs:
        conn.compute.create_flavor_extra_specs(f, specs)
    return f


small = flavor('hoist.small', 1, 512, 1)
medium = flavor('hoist.medium', 2, 2048, 0, {'hw:cpu_sockets': '1', 'hw:cpu_cores': '2'})
doomed = flavor('hoist.doomed', 1, 256, 1)

networks = {}
for name, cidr in (('hoist-private', '10.20.0.0/24'), ('hoist-public', '10.30.0.0/24')):
    net = conn.network.create_network(name=name)
    conn.network.create_subnet(network_id=net.id, name=name + '-subnet', ip_version=4, cidr=cidr)
    networks[name] = net

# A small raw image with known bytes: the image-backed server boots from it.
image_bytes = bytes((i * 7 + 3) % 251 for i in range(4 * 1024 * 1024))
image_props = {'hw_firmware_type': 'uefi', 'hw_disk_bus': 'virtio', 'os_type': 'linux', 'os_distro': 'fedora',
               'hw_vif_model': 'virtio'}
image = conn.image.create_image(name='hoist-base', disk_format='raw', container_format='bare', data=image_bytes,
                                visibility='public', **image_props)
image = wait('image hoist-base', lambda: conn.image.get_image(image.id), ('active',))

types = {}
for name in ('nfs1', 'nfs-gold'):
    types[name] = conn.block_storage.create_type(name=name, extra_specs={'volume_backend_name': 'nfs1'})


def volume(name, size_gib, type_name, bootable=False, image_meta=None):
    v = conn.block_storage.create_volume(name=name, size=size_gib, volume_type=type_name)
    v = wait('volume ' + name, lambda: conn.block_storage.get_volume(v.id), ('available',))
    if bootable:
        conn.block_storage.set_volume_bootable_status(v, True)
    if image_meta:
        # what a volume made from an image carries: Nova and MTV read these as the server's image properties
        conn.block_storage.post(f'/volumes/{v.id}/action',
                                json={'os-set_image_metadata': {'metadata': image_meta}}, microversion='3.0')
    return v


def server(name, flv, nets, image_id=None, volumes=()):
    kwargs = {'name': name, 'flavor_id': flv.id, 'networks': [{'uuid': n.id} for n in nets]}
    if image_id:
        kwargs['image_id'] = image_id
    if volumes:
        kwargs['block_device_mapping'] = [
            {'boot_index': 0 if i == 0 and not image_id else -1, 'uuid': v.id, 'source_type': 'volume',
             'destination_type': 'volume', 'delete_on_termination': False} for i, v in enumerate(volumes)]
    s = conn.compute.create_server(**kwargs)
    return wait('server ' + name, lambda: conn.compute.get_server(s.id), ('ACTIVE',))


root = volume('hoist-vm-volumes-root', 1, 'nfs1', bootable=True, image_meta=image_props)
data = volume('hoist-vm-volumes-data', 1, 'nfs-gold')
vm_volumes = server('hoist-vm-volumes', medium, [networks['hoist-private'], networks['hoist-public']],
                    volumes=(root, data))
vm_image = server('hoist-vm-image', small, [networks['hoist-private']], image_id=image.id)

bad_vol = volume('hoist-vm-error-volume-root', 1, 'nfs1', bootable=True)
vm_error = server('hoist-vm-error-volume', small, [networks['hoist-private']], volumes=(bad_vol,))
conn.block_storage.reset_volume_status(bad_vol, 'error', None, None)

vm_shelved = server('hoist-vm-shelved', small, [networks['hoist-private']], image_id=image.id)
conn.compute.shelve_server(vm_shelved)
wait('shelve', lambda: conn.compute.get_server(vm_shelved.id), ('SHELVED', 'SHELVED_OFFLOADED'))

vm_paused = server('hoist-vm-paused', small, [networks['hoist-private']], image_id=image.id)
conn.compute.pause_server(vm_paused)
wait('pause', lambda: conn.compute.get_server(vm_paused.id), ('PAUSED',))

vm_no_flavor = server('hoist-vm-no-flavor', doomed, [networks['hoist-private']], image_id=image.id)
conn.compute.delete_flavor(doomed)

export = os.path.join(BASE, 'cinder', 'export')
state = {
    'authUrl': 'http://127.0.0.1:5000/v3',
    'authUrlTls': 'https://127.0.0.1:5443/v3',
    'caFile': os.path.join(BASE, 'tls', 'ca.pem'),
    'unrelatedCaFile': os.path.join(BASE, 'tls', 'unrelated-ca.pem'),
    'region': 'RegionOne',
    'domain': 'Default',
    'project': 'hoist',
    'projectId': conn.current_project_id,
    'username': 'hoist', 'password': 'hoistpw',
    'readerUsername': 'hoist-reader', 'readerPassword': 'readerpw',
    'adminUsername': 'admin', 'adminPassword': 'adminpw', 'adminProject': 'admin',
    'volumeExport': export,
    'servers': {s.name: s.id for s in (vm_volumes, vm_image, vm_error, vm_shelved, vm_paused, vm_no_flavor)},
    'volumes': {v.name: v.id for v in (root, data, bad_vol)},
    'volumeFiles': {v.name: os.path.join(export, 'volume-' + v.id) for v in (root, data, bad_vol)},
    'networks': {n: net.id for n, net in networks.items()},
    'volumeTypes': {n: t.id for n, t in types.items()},
    'flavors': {'hoist.small': small.id, 'hoist.medium': medium.id, 'hoist.doomed (deleted)': doomed.id},
    'image': {'id': image.id, 'name': image.name, 'size': len(image_bytes), 'properties': image_props},
}
tmp = os.path.join(BASE, 'testbed.json.tmp')
with open(tmp, 'w') as f:
    json.dump(state, f, indent=2)
os.replace(tmp, os.path.join(BASE, 'testbed.json'))
print('seeded')
