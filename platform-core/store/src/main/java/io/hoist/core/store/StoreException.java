package io.hoist.core.store;

/** Store failures that the API maps to HTTP statuses (404, 409, 413, 422, 500). */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** 404 */
    public static class NotFound extends StoreException {
        public NotFound(String message) { super(message); }
    }

    /** 409: name taken on create. */
    public static class AlreadyExists extends StoreException {
        public AlreadyExists(String message) { super(message); }
    }

    /** 409: stale resourceVersion. */
    public static class Conflict extends StoreException {
        public Conflict(String message) { super(message); }
    }

    /** 413: the object is larger than the store keeps (as etcd refuses requests over ~1.5 MiB). */
    public static class TooLarge extends StoreException {
        public TooLarge(String message) { super(message); }
    }

    /** 422: the object could be written but not read back (nesting, number length); nothing was stored. */
    public static class NotReadable extends StoreException {
        public NotReadable(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * A stored object that cannot be read (written by an older version, or damaged): lists skip it, a get or
     * update names it, a delete removes it.
     */
    public static class Unreadable extends StoreException {
        public Unreadable(String message, Throwable cause) { super(message, cause); }
    }

    /**
     * A write made for a leader whose term is over (another node was elected since): refused so that a deposed
     * leader's controllers cannot overwrite what the new leader decided.
     */
    public static class Fenced extends StoreException {
        public Fenced(String message) { super(message); }
    }

    /**
     * A write for a VM run that this node no longer holds: the run was placed on another node since (a newer placement
     * epoch, {@code run_placement}). Nothing was written; the run lives on where it was placed. {@code vmIds}: the VMs
     * whose writes were refused.
     */
    public static class Superseded extends StoreException {
        private final java.util.Set<String> vmIds;

        public Superseded(String message, java.util.Set<String> vmIds) {
            super(message);
            this.vmIds = java.util.Set.copyOf(vmIds);
        }

        public java.util.Set<String> vmIds() {
            return vmIds;
        }
    }
}
