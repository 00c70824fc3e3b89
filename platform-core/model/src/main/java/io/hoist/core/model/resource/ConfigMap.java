package io.hoist.core.model.resource;

import io.hoist.core.model.meta.KubeObject;

import java.util.Map;

/** v1 ConfigMap (e.g. the osmap ConfigMaps and customization scripts). */
public class ConfigMap extends KubeObject {
    public Map<String, String> data;
    public Map<String, String> binaryData;
    public Boolean immutable;
}
