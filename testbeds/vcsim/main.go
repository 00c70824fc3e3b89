// Command hoist-vcsim starts govmomi's vCenter (or ESXi) simulator for Hoist's vSphere tests and bench.
//
// It generates a fresh CA and a server certificate signed by it, serves the simulator over TLS on
// the requested address and prints one JSON line on stdout once it listens:
//
//	{"url":"https://127.0.0.1:PORT/sdk","caFile":".../ca.pem","unrelatedCaFile":".../unrelated-ca.pem",
//	 "thumbprint":"AA:BB:...","username":"...","vms":N}
//
// It exits when stdin is closed (so a test's child process never outlives the test JVM) or on SIGTERM.
package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// listFlag collects a repeatable flag's values.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// vmByName finds a simulated VM by name.
func vmByName(name string) *simulator.VirtualMachine {
	for _, ref := range simulator.Map.All("VirtualMachine") {
		vm := simulator.Map.Get(ref.Reference()).(*simulator.VirtualMachine)
		if vm.Name == name {
			return vm
		}
	}
	return nil
}

// guestReport is what one VM's guest tools report while it runs.
type guestReport struct {
	net   []types.GuestNicInfo
	stack []types.GuestStackInfo
	disk  []types.GuestDiskInfo
}

// applyGuestNets gives VMs guest tools information (IP configuration per NIC, DNS, default route) and installs
// a handler that clears it while a VM is powered off and restores it at power on, as vSphere does.
func applyGuestNets(specs []string, diskSpecs []string) error {
	reports := map[types.ManagedObjectReference]*guestReport{}
	for _, spec := range diskSpecs {
		name, path, ok := strings.Cut(spec, "=")
		if !ok {
			return fmt.Errorf("%q: want VM=PATH", spec)
		}
		vm := vmByName(name)
		if vm == nil {
			return fmt.Errorf("%q: no VM named %s", spec, name)
		}
		disk, _ := firstFlatDisk(vm)
		if disk == nil {
			return fmt.Errorf("%q: the VM has no flat disk", spec)
		}
		r := reports[vm.Self]
		if r == nil {
			r = &guestReport{net: append([]types.GuestNicInfo(nil), vm.Guest.Net...)}
			reports[vm.Self] = r
		}
		r.disk = append(r.disk, types.GuestDiskInfo{DiskPath: path, Capacity: disk.CapacityInBytes,
			FreeSpace: disk.CapacityInBytes / 2, FilesystemType: "NTFS",
			Mappings: []types.GuestInfoVirtualDiskMapping{{Key: disk.Key}}})
	}
	for _, spec := range specs {
		name, rest, ok := strings.Cut(spec, "=")
		if !ok {
			return fmt.Errorf("%q: want VM=IP/PREFIX[,gw=..][,dns=..][,origin=..][,nic=N]", spec)
		}
		vm := vmByName(name)
		if vm == nil {
			return fmt.Errorf("%q: no VM named %s", spec, name)
		}
		parts := strings.Split(rest, ",")
		ip, prefix, err := net.ParseCIDR(parts[0])
		if err != nil {
			return fmt.Errorf("%q: %v", spec, err)
		}
		ones, _ := prefix.Mask.Size()
		origin, gw, nic := "manual", "", 0
		var dns []string
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "gw":
				gw = v
			case "dns":
				dns = strings.Split(v, "+")
			case "origin":
				origin = v
			case "nic":
				if _, err := fmt.Sscan(v, &nic); err != nil {
					return fmt.Errorf("%q: nic: %v", spec, err)
				}
			default:
				return fmt.Errorf("%q: unknown key %s", spec, k)
			}
		}
		r := reports[vm.Self]
		if r == nil {
			r = &guestReport{net: append([]types.GuestNicInfo(nil), vm.Guest.Net...)}
			reports[vm.Self] = r
		}
		if nic >= len(r.net) {
			return fmt.Errorf("%q: the VM has %d NICs", spec, len(r.net))
		}
		n := &r.net[nic]
		n.IpAddress = append(n.IpAddress, ip.String())
		if n.IpConfig == nil {
			n.IpConfig = &types.NetIpConfigInfo{}
		}
		n.IpConfig.IpAddress = append(n.IpConfig.IpAddress, types.NetIpConfigInfoIpAddress{
			IpAddress: ip.String(), PrefixLength: int32(ones), Origin: origin, State: "preferred"})
		if len(dns) > 0 {
			n.DnsConfig = &types.NetDnsConfigInfo{Dhcp: origin == "dhcp", IpAddress: dns}
		}
		if gw != "" {
			r.stack = append(r.stack, types.GuestStackInfo{
				DnsConfig: &types.NetDnsConfigInfo{Dhcp: origin == "dhcp", IpAddress: dns},
				IpRouteConfig: &types.NetIpRouteConfigInfo{IpRoute: []types.NetIpRouteConfigInfoIpRoute{{
					Network: "0.0.0.0", PrefixLength: 0,
					Gateway: types.NetIpRouteConfigInfoGateway{IpAddress: gw, Device: fmt.Sprint(nic)},
				}}},
			})
		}
	}
	if len(reports) == 0 {
		return nil
	}
	for ref, r := range reports {
		vm := simulator.Map.Get(ref).(*simulator.VirtualMachine)
		vm.Guest.Net = r.net
		vm.Guest.IpStack = r.stack
		vm.Guest.Disk = r.disk
		vm.Guest.IpAddress = firstIP(r)
		if vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
			vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
		} else {
			vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)
			vm.Guest.Net, vm.Guest.IpStack, vm.Guest.Disk, vm.Guest.IpAddress = nil, nil, nil, ""
		}
	}
	simulator.Map.AddHandler(&guestTools{self: types.ManagedObjectReference{Type: "HoistGuestTools", Value: "guest-tools"},
		reports: reports})
	return nil
}

// firstIP is the address vSphere shows as the guest's (the first reported), or "".
func firstIP(r *guestReport) string {
	for _, n := range r.net {
		if len(n.IpAddress) > 0 {
			return n.IpAddress[0]
		}
	}
	return ""
}

// guestTools follows power changes of the VMs given guest information: running tools report it, stopped ones
// report nothing.
type guestTools struct {
	self    types.ManagedObjectReference
	reports map[types.ManagedObjectReference]*guestReport
}

func (g *guestTools) Reference() types.ManagedObjectReference { return g.self }
func (g *guestTools) PutObject(mo.Reference)                    {}
func (g *guestTools) RemoveObject(types.ManagedObjectReference) {}
func (g *guestTools) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	r := g.reports[obj.Reference()]
	if r == nil {
		return
	}
	for _, c := range changes {
		if c.Name != "runtime.powerState" {
			continue
		}
		vm := simulator.Map.Get(obj.Reference()).(*simulator.VirtualMachine)
		if c.Val == types.VirtualMachinePowerStatePoweredOn {
			go simulator.Map.Update(vm, []types.PropertyChange{
				{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)},
				{Name: "guest.net", Val: r.net},
				{Name: "guest.ipStack", Val: r.stack},
				{Name: "guest.disk", Val: r.disk},
				{Name: "guest.ipAddress", Val: firstIP(r)},
			})
		} else if c.Val == types.VirtualMachinePowerStatePoweredOff {
			go simulator.Map.Update(vm, []types.PropertyChange{
				{Name: "guest.toolsRunningStatus", Val: string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)},
				{Name: "guest.net", Val: []types.GuestNicInfo{}},
				{Name: "guest.ipStack", Val: []types.GuestStackInfo{}},
				{Name: "guest.disk", Val: []types.GuestDiskInfo{}},
				{Name: "guest.ipAddress", Val: ""},
			})
		}
	}
}

// applyDiskUUIDs sets the backing UUID of a VM's first disk (the serial a guest reads with disk.EnableUUID).
func applyDiskUUIDs(specs []string) error {
	for _, spec := range specs {
		name, uuid, ok := strings.Cut(spec, "=")
		if !ok {
			return fmt.Errorf("%q: want VM=UUID", spec)
		}
		vm := vmByName(name)
		if vm == nil {
			return fmt.Errorf("%q: no VM named %s", spec, name)
		}
		set := false
		for _, d := range vm.Config.Hardware.Device {
			if disk, ok := d.(*types.VirtualDisk); ok {
				if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
					b.Uuid = uuid
					set = true
					break
				}
			}
		}
		if !set {
			return fmt.Errorf("%q: the VM has no flat disk", spec)
		}
	}
	return nil
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	esx := flag.Bool("esx", false, "simulate a standalone ESXi host instead of vCenter")
	dc := flag.Int("dc", 1, "datacenters")
	cluster := flag.Int("cluster", 1, "clusters per datacenter")
	clusterHost := flag.Int("cluster-host", 3, "hosts per cluster")
	host := flag.Int("host", 1, "standalone hosts per datacenter")
	vm := flag.Int("vm", 2, "VMs per host and per cluster resource pool")
	ds := flag.Int("ds", 1, "datastores per datacenter")
	pg := flag.Int("pg", 1, "distributed port groups per datacenter")
	folder := flag.Int("folder", 0, "extra folders per datacenter")
	user := flag.String("username", "hoist", "accepted user name")
	pass := flag.String("password", "hoist-secret", "accepted password (read from HOIST_VCSIM_PASSWORD when set)")
	tlsDir := flag.String("tls-dir", "", "directory for ca.pem and unrelated-ca.pem (default: a temp dir)")
	cbt := flag.Bool("cbt", false, "turn changed block tracking on for every VM")
	var guestNets, guestDisks, diskUUIDs listFlag
	flag.Var(&guestDisks, "guest-disk", "VM=PATH: a guest disk (e.g. C:\\) the VM's tools map to its first virtual disk "+
		"(guest.disk[].mappings; repeatable, reported while the VM runs)")
	flag.Var(&guestNets, "guest-net", "VM=IP/PREFIX[,gw=IP][,dns=IP+IP][,origin=manual|dhcp|other][,nic=N]: what the VM's "+
		"guest tools report while it runs (repeatable; cleared while powered off, as vSphere does)")
	flag.Var(&diskUUIDs, "disk-uuid", "VM=UUID: the backing UUID of the VM's first disk (repeatable)")
	var sharedDisks listFlag
	flag.Var(&sharedDisks, "shared-disk", "VM1,VM2[,...]: the first disk of VM1 becomes multi-writer and replaces the "+
		"first disk of the others (repeatable)")
	evc := flag.String("evc", "", "EVC mode key of every cluster (summary.currentEVCModeKey), e.g. intel-broadwell")
	hostTimezone := flag.String("host-timezone", "", "time zone of every host's clock (config.dateTimeInfo.timeZone), e.g. Europe/Paris")
	flag.Parse()
	if p := os.Getenv("HOIST_VCSIM_PASSWORD"); p != "" {
		*pass = p
	}

	var model *simulator.Model
	if *esx {
		model = simulator.ESX()
	} else {
		model = simulator.VPX()
		model.Datacenter = *dc
		model.Cluster = *cluster
		model.ClusterHost = *clusterHost
		model.Host = *host
		model.Portgroup = *pg
		model.Folder = *folder
	}
	model.Machine = *vm
	model.Datastore = *ds
	if err := model.Create(); err != nil {
		log.Fatalf("create model: %v", err)
	}
	defer model.Remove()

	if *cbt {
		on := true
		for _, ref := range simulator.Map.All("VirtualMachine") {
			simulator.Map.Get(ref.Reference()).(*simulator.VirtualMachine).Config.ChangeTrackingEnabled = &on
		}
	}

	if err := applyGuestNets(guestNets, guestDisks); err != nil {
		log.Fatalf("-guest-net: %v", err)
	}
	if err := applyDiskUUIDs(diskUUIDs); err != nil {
		log.Fatalf("-disk-uuid: %v", err)
	}
	if err := applySharedDisks(sharedDisks); err != nil {
		log.Fatalf("-shared-disk: %v", err)
	}
	if *evc != "" {
		for _, ref := range simulator.Map.All("ClusterComputeResource") {
			c := simulator.Map.Get(ref.Reference()).(*simulator.ClusterComputeResource)
			c.Summary.(*types.ClusterComputeResourceSummary).CurrentEVCModeKey = *evc
		}
	}

	if *hostTimezone != "" {
		for _, ref := range simulator.Map.All("HostSystem") {
			h := simulator.Map.Get(ref.Reference()).(*simulator.HostSystem)
			h.Config.DateTimeInfo = &types.HostDateTimeInfo{TimeZone: types.HostDateTimeSystemTimeZone{
				Key: *hostTimezone, Name: *hostTimezone, Description: *hostTimezone}}
		}
	}

	dir := *tlsDir
	if dir == "" {
		d, err := os.MkdirTemp("", "hoist-vcsim-tls-")
		if err != nil {
			log.Fatal(err)
		}
		dir = d
		defer os.RemoveAll(d)
	}
	caFile := filepath.Join(dir, "ca.pem")
	unrelatedFile := filepath.Join(dir, "unrelated-ca.pem")
	serverCert, err := makeCerts(caFile, unrelatedFile)
	if err != nil {
		log.Fatalf("certificates: %v", err)
	}

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{serverCert}}
	server := model.Service.NewServer()
	defer server.Close()

	sum := sha1.Sum(serverCert.Certificate[0])
	hexes := make([]string, len(sum))
	for i, b := range sum {
		hexes[i] = fmt.Sprintf("%02X", b)
	}
	u := *server.URL
	u.User = nil
	// name=directory of each datastore (";"-separated): tests write disk contents there
	var dsDirs []string
	for _, ref := range simulator.Map.All("Datastore") {
		d := simulator.Map.Get(ref.Reference()).(*simulator.Datastore)
		dsDirs = append(dsDirs, d.Name+"="+d.Summary.Url)
	}
	out, _ := json.Marshal(map[string]interface{}{
		"url":             u.String(),
		"caFile":          caFile,
		"unrelatedCaFile": unrelatedFile,
		"thumbprint":      strings.Join(hexes, ":"),
		"username":        *user,
		"vms":             len(simulator.Map.All("VirtualMachine")),
		"hosts":           len(simulator.Map.All("HostSystem")),
		"datastoreDirs":   strings.Join(dsDirs, ";"),
	})
	fmt.Println(string(out))

	ctx, cancel := context.WithCancel(context.Background())
	go func() { // stdin closed: the parent is gone
		_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
		cancel()
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-ctx.Done():
	case <-sig:
	}
}

// makeCerts writes a new CA to caFile, an unrelated CA (for wrong-CA tests) to unrelatedFile, and
// returns a server certificate for 127.0.0.1/localhost signed by the first CA.
func makeCerts(caFile, unrelatedFile string) (tls.Certificate, error) {
	caKey, caCert, caDER, err := newCA("Hoist vcsim test CA")
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := writePEM(caFile, caDER); err != nil {
		return tls.Certificate{}, err
	}
	_, _, otherDER, err := newCA("Hoist unrelated CA")
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := writePEM(unrelatedFile, otherDER); err != nil {
		return tls.Certificate{}, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func newCA(name string) (*ecdsa.PrivateKey, *x509.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, der, err
}

func writePEM(file string, der []byte) error {
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
}


// firstFlatDisk is a VM's first disk with a flat backing, or nil.
func firstFlatDisk(vm *simulator.VirtualMachine) (*types.VirtualDisk, *types.VirtualDiskFlatVer2BackingInfo) {
	for _, d := range vm.Config.Hardware.Device {
		if disk, ok := d.(*types.VirtualDisk); ok {
			if b, ok := disk.Backing.(*types.VirtualDiskFlatVer2BackingInfo); ok {
				return disk, b
			}
		}
	}
	return nil, nil
}

// applySharedDisks attaches the first disk of a VM to other VMs as a multi-writer disk (their own first disk's
// backing points at the shared file).
func applySharedDisks(specs []string) error {
	for _, spec := range specs {
		names := strings.Split(spec, ",")
		if len(names) < 2 {
			return fmt.Errorf("%q: want VM1,VM2[,...]", spec)
		}
		var file string
		var ds *types.ManagedObjectReference
		for i, name := range names {
			vm := vmByName(name)
			if vm == nil {
				return fmt.Errorf("%q: no VM named %s", spec, name)
			}
			_, b := firstFlatDisk(vm)
			if b == nil {
				return fmt.Errorf("%q: %s has no flat disk", spec, name)
			}
			if i == 0 {
				file, ds = b.FileName, b.Datastore
			} else {
				b.FileName, b.Datastore = file, ds
			}
			b.Sharing = "sharingMultiWriter"
		}
	}
	return nil
}
