package io.hoist.plugin.vsphere.soap;

/**
 * A SOAP fault returned by vSphere: {@code faultType} is the vim25 fault's type name from the
 * fault detail (e.g. {@code InvalidLogin}, {@code NotAuthenticated}), or the SOAP fault code when
 * the server sent no detail. The message is the server's fault string and never carries request data.
 */
public final class VimFault extends Exception {
    private final String faultType;

    public VimFault(String faultType, String message) {
        super(faultType + ": " + message);
        this.faultType = faultType;
    }

    public String faultType() {
        return faultType;
    }

    public boolean is(String type) {
        return type.equals(faultType);
    }
}
