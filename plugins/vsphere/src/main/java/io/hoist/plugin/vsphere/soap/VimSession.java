package io.hoist.plugin.vsphere.soap;

import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.LocalizedMethodFault;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.ObjectSpec;
import com.vmware.vim25.PropertyFilterSpec;
import com.vmware.vim25.PropertySpec;
import com.vmware.vim25.RetrieveOptions;
import com.vmware.vim25.RetrieveResult;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.TaskInfo;
import com.vmware.vim25.TaskInfoState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A logged-in vim25 session: the service content and the few generic calls every feature needs
 * (property retrieval, container views, waiting for tasks). vijava's managed-object classes are
 * bound to its own transport, so the typed calls live here on top of {@link VimSoapClient}.
 */
public final class VimSession {
    private final VimSoapClient soap;
    private final ServiceContent content;

    private VimSession(VimSoapClient soap, ServiceContent content) {
        this.soap = soap;
        this.content = content;
    }

    public static ManagedObjectReference mor(String type, String value) {
        ManagedObjectReference m = new ManagedObjectReference();
        m.setType(type);
        m.set_value(value);
        return m;
    }

    /** Fetches the service content and logs in; the password goes only into the SOAP body. */
    public static VimSession login(VimSoapClient soap, String user, String password) throws VimFault, IOException {
        ServiceContent sc = soap.invoke("RetrieveServiceContent", mor("ServiceInstance", "ServiceInstance"),
                ServiceContent.class);
        if (sc == null || sc.getSessionManager() == null) {
            throw new IOException("the endpoint answered RetrieveServiceContent without a session manager");
        }
        soap.invoke("Login", sc.getSessionManager(), Object.class,
                new VimSoapClient.Arg("userName", "String", user),
                new VimSoapClient.Arg("password", "String", password));
        return new VimSession(soap, sc);
    }

    public ServiceContent content() {
        return content;
    }

    public VimSoapClient soap() {
        return soap;
    }

    /** vCenter ("VirtualCenter") or ESXi ("HostAgent"). */
    public boolean isVcenter() {
        return content.getAbout() != null && "VirtualCenter".equals(content.getAbout().getApiType());
    }

    public void logout() {
        try {
            soap.invoke("Logout", content.getSessionManager(), null);
        } catch (VimFault | IOException ignored) {
            // the session ends with the connection anyway
        } finally {
            soap.clearSession();
        }
    }

    public <T> T invoke(String method, ManagedObjectReference self, Class<T> returnType, VimSoapClient.Arg... args)
            throws VimFault, IOException {
        return soap.invoke(method, self, returnType, args);
    }

    /** A recursive container view of the given types under the root folder (ViewManager). */
    public ManagedObjectReference containerView(String... types) throws VimFault, IOException {
        return soap.invoke("CreateContainerView", content.getViewManager(), ManagedObjectReference.class,
                new VimSoapClient.Arg("container", "ManagedObjectReference", content.getRootFolder()),
                new VimSoapClient.Arg("type", "String[]", types),
                new VimSoapClient.Arg("recursive", "boolean", Boolean.TRUE));
    }

    public void destroy(ManagedObjectReference view) {
        try {
            soap.invoke("DestroyView", view, null);
        } catch (VimFault | IOException ignored) {
            // views die with the session
        }
    }

    /** Retrieves every page of RetrievePropertiesEx. */
    public List<ObjectContent> retrieve(PropertyFilterSpec spec) throws VimFault, IOException {
        List<ObjectContent> out = new ArrayList<>();
        RetrieveOptions opts = new RetrieveOptions();
        opts.setMaxObjects(500);
        RetrieveResult r = soap.invoke("RetrievePropertiesEx", content.getPropertyCollector(), RetrieveResult.class,
                new VimSoapClient.Arg("specSet", "PropertyFilterSpec[]", new PropertyFilterSpec[] {spec}),
                new VimSoapClient.Arg("options", "RetrieveOptions", opts));
        while (r != null) {
            out.addAll(VimSoapClient.list(r.getObjects()));
            if (r.getToken() == null || r.getToken().isEmpty()) {
                break;
            }
            r = soap.invoke("ContinueRetrievePropertiesEx", content.getPropertyCollector(), RetrieveResult.class,
                    new VimSoapClient.Arg("token", "String", r.getToken()));
        }
        return out;
    }

    /** Properties of one object, by path; missing properties are absent from the result. */
    public java.util.Map<String, Object> properties(ManagedObjectReference obj, String... paths)
            throws VimFault, IOException {
        PropertySpec ps = new PropertySpec();
        ps.setType(obj.getType());
        ps.setPathSet(paths);
        ObjectSpec os = new ObjectSpec();
        os.setObj(obj);
        os.setSkip(Boolean.FALSE);
        PropertyFilterSpec spec = new PropertyFilterSpec();
        spec.setPropSet(new PropertySpec[] {ps});
        spec.setObjectSet(new ObjectSpec[] {os});
        java.util.Map<String, Object> m = new java.util.HashMap<>();
        for (ObjectContent oc : retrieve(spec)) {
            for (DynamicProperty p : VimSoapClient.list(oc.getPropSet())) {
                if (p.getVal() != null) {
                    m.put(p.getName(), p.getVal());
                }
            }
        }
        return m;
    }

    public Object property(ManagedObjectReference obj, String path) throws VimFault, IOException {
        return properties(obj, path).get(path);
    }

    /** Waits for a task to end; returns its result or throws its fault as a {@link VimFault}. */
    public Object waitForTask(ManagedObjectReference task, Duration max) throws VimFault, IOException {
        return waitForTask(task, max, Duration.ofSeconds(1));
    }

    /**
     * As {@link #waitForTask(ManagedObjectReference, Duration)}, polling at most every {@code maxPoll} (the
     * ForkliftController's {@code controller_snapshot_status_check_rate_seconds} for snapshot tasks).
     */
    public Object waitForTask(ManagedObjectReference task, Duration max, Duration maxPoll) throws VimFault, IOException {
        long deadline = System.nanoTime() + max.toNanos();
        long maxSleep = Math.max(50, maxPoll.toMillis());
        long sleep = 50;
        while (true) {
            TaskInfo info = (TaskInfo) property(task, "info");
            if (info != null && info.getState() == TaskInfoState.success) {
                return info.getResult();
            }
            if (info != null && info.getState() == TaskInfoState.error) {
                LocalizedMethodFault f = info.getError();
                String type = f != null && f.getFault() != null ? f.getFault().getClass().getSimpleName() : "TaskError";
                String msg = f != null && f.getLocalizedMessage() != null ? f.getLocalizedMessage() : "task failed";
                throw new VimFault(type, msg);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("task " + task.get_value() + " did not finish within " + max);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for task " + task.get_value(), e);
            }
            sleep = Math.min(sleep * 2, maxSleep);
        }
    }
}
