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


# Volumes, then servers, are all requested first and waited for together: one at a time, the servers took
# ~11 min on a loaded 2-core machine (each build waits on the scheduler, conductor, Neutron and the fake compute).
def volumes(*specs):
    made = [(conn.block_storage.create_volume(name=name, size=1, volume_type=type_name), bootable, meta)
            for name, type_name, bootable, meta in specs]
    out = []
    for v, bootable, meta in made:
        v = wait('volume ' + v.name, lambda v=v: conn.block_storage.get_volume(v.id), ('available',), timeout=900)
        if bootable:
            conn.block_storage.set_volume_bootable_status(v, True)
        if meta:
            # what a volume made from an image carries: Nova and MTV read these as the server's image properties
            conn.block_storage.post(f'/volumes/{v.id}/action',
                                    json={'os-set_image_metadata': {'metadata': meta}}, microversion='3.0')
        out.append(v)
    return out


def request_server(name, flv, nets, image_id=None, volumes=()):
    kwargs = {'name': name, 'flavor_id': flv.id, 'networks': [{'uuid': n.id} for n in nets]}
    if image_id:
        kwargs['image_id'] = image_id
    if volumes:
        kwargs['block_device_mapping'] = [
            {'boot_index': 0 if i == 0 and not image_id else -1, 'uuid': v.id, 'source_type': 'volume',
             'destination_type': 'volume', 'delete_on_termination': False} for i, v in enumerate(volumes)]
    return conn.compute.create_server(**kwargs)


def active(s):
    return wait('server ' + s.name, lambda: conn.compute.get_server(s.id), ('ACTIVE',), timeout=900)


root, data, bad_vol = volumes(('hoist-vm-volumes-root', 'nfs1', True, image_props),
                              ('hoist-vm-volumes-data', 'nfs-gold', False, None),
                              ('hoist-vm-error-volume-root', 'nfs1', True, None))
private, public = networks['hoist-private'], networks['hoist-public']
requested = [request_server('hoist-vm-volumes', medium, [private, public], volumes=(root, data)),
             request_server('hoist-vm-image', small, [private], image_id=image.id),
             request_server('hoist-vm-error-volume', small, [private], volumes=(bad_vol,)),
             request_server('hoist-vm-shelved', small, [private], image_id=image.id),
             request_server('hoist-vm-paused', small, [private], image_id=image.id),
             request_server('hoist-vm-no-flavor', doomed, [private], image_id=image.id)]
vm_volumes, vm_image, vm_error, vm_shelved, vm_paused, vm_no_flavor = [active(s) for s in requested]

conn.block_storage.reset_volume_status(bad_vol, 'error', None, None)
conn.compute.shelve_server(vm_shelved)
conn.compute.pause_server(vm_paused)
conn.compute.delete_flavor(doomed)
wait('shelve', lambda: conn.compute.get_server(vm_shelved.id), ('SHELVED', 'SHELVED_OFFLOADED'), timeout=900)
wait('pause', lambda: conn.compute.get_server(vm_paused.id), ('PAUSED',), timeout=900)

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
