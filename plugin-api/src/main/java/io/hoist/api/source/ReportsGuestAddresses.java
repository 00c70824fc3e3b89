package io.hoist.api.source;

import io.hoist.api.convert.GuestAddress;
import java.util.List;

/** A source that knows the guest's static addresses (from its guest tools), for preserveStaticIPs. */
public interface ReportsGuestAddresses {
    List<GuestAddress> guestAddresses(SourceVm vm) throws Exception;
}
