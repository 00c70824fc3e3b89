package io.hoist.core.model.resource;

import io.hoist.core.model.meta.KubeObject;
import io.hoist.core.model.meta.ObjectReference;

/**
 * v1 Event: something that happened to an object (a plan started, a disk copy failed), written by the platform
 * and read with {@code kubectl get events} / {@code kubectl describe}. Field names are core/v1's.
 */
public class Event extends KubeObject {
    public ObjectReference involvedObject;
    public String reason;
    public String message;
    /** Normal or Warning. */
    public String type;
    public Integer count;
    public String firstTimestamp;
    public String lastTimestamp;
    public String eventTime;
    public String reportingComponent;
    public String reportingInstance;
    public String action;
}
