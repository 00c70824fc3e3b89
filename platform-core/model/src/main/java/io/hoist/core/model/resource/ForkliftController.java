package io.hoist.core.model.resource;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.meta.Resource;

/**
 * forklift.konveyor.io/v1beta1 ForkliftController: the platform settings object. Its spec is a flat bag
 * of {@code controller_*} and other operator parameters whose values may be numbers or strings, so it
 * stays a JSON object; read it through {@link ControllerSettings}.
 */
public class ForkliftController extends Resource<ObjectNode, ObjectNode> {
    public ControllerSettings settings() {
        return ControllerSettings.fromSpec(spec);
    }
}
