"""Keystone for the testbed: service users, the 'hoist' project and user, and the catalog.

Runs once after `keystone-manage bootstrap` (admin/adminpw in project admin, region RegionOne).
"""
from keystoneauth1 import session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client

KEYSTONE = 'http://127.0.0.1:5000/v3'
auth = v3.Password(auth_url=KEYSTONE, username='admin', password='adminpw', project_name='admin',
                   user_domain_id='default', project_domain_id='default')
ks = client.Client(session=session.Session(auth=auth))


def role(name):
    found = ks.roles.list(name=name)
    return found[0] if found else ks.roles.create(name)


def project(name, description):
    found = ks.projects.list(name=name)
    return found[0] if found else ks.projects.create(name, 'default', description=description)


def user(name, password, email=None):
    found = ks.users.list(name=name)
    return found[0] if found else ks.users.create(name, domain='default', password=password, email=email)


admin, member, reader, service_role = (role(r) for r in ('admin', 'member', 'reader', 'service'))
service = project('service', 'OpenStack service users')
for name in ('glance', 'cinder', 'nova', 'placement', 'neutron'):
    u = user(name, name + 'pw')
    ks.roles.grant(admin, user=u, project=service)
    ks.roles.grant(service_role, user=u, project=service)

# What Hoist's Provider uses: a project holding the VMs to migrate and a user with admin on it (MTV needs
# admin to list every project's servers, volumes and types, and to upload volumes to images).
hoist = project('hoist', 'VMs that Hoist migrates')
u = user('hoist', 'hoistpw', 'hoist@example.invalid')
ks.roles.grant(admin, user=u, project=hoist)
ks.roles.grant(member, user=u, project=hoist)
# a reader-only user: listing works, changing nothing does (a wrong-permissions case)
r = user('hoist-reader', 'readerpw')
ks.roles.grant(reader, user=r, project=hoist)
# the admin user may act in the hoist project too (tests list what the plugin left behind)
ks.roles.grant(admin, user=ks.users.list(name='admin')[0], project=hoist)

CATALOG = {
    'glance': ('image', 'http://127.0.0.1:9292'),
    'cinderv3': ('volumev3', 'http://127.0.0.1:8776/v3/%(project_id)s'),
    # openstack4j 3.12 looks the block storage service up as 'volume' / 'block-storage' in some code paths
    'cinder': ('block-storage', 'http://127.0.0.1:8776/v3/%(project_id)s'),
    'nova': ('compute', 'http://127.0.0.1:8774/v2.1'),
    'placement': ('placement', 'http://127.0.0.1:8778'),
    'neutron': ('network', 'http://127.0.0.1:9696'),
}
for name, (kind, url) in CATALOG.items():
    if ks.services.list(name=name):
        continue
    svc = ks.services.create(name, type=kind)
    for interface in ('public', 'internal', 'admin'):
        ks.endpoints.create(svc, url, interface=interface, region='RegionOne')
print('identity ready')
