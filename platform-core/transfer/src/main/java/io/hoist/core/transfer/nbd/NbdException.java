package io.hoist.core.transfer.nbd;

import java.io.IOException;

/** An error the NBD server reported (errno-style) or a protocol violation. */
public class NbdException extends IOException {
    private final int errno;
    private final boolean connectionUsable;

    public NbdException(String message, int errno) {
        this(message, errno, false);
    }

    /** {@code connectionUsable}: the server answered in step (an error reply), so the connection can be reused. */
    public NbdException(String message, int errno, boolean connectionUsable) {
        super(message);
        this.errno = errno;
        this.connectionUsable = connectionUsable;
    }

    public boolean connectionUsable() {
        return connectionUsable;
    }

    /** The NBD error code (EIO = 5, ...), 0 for protocol violations. */
    public int errno() {
        return errno;
    }
}
