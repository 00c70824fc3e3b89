package io.hoist.core.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Workload documents shaped exactly as plugins/vsphere and plugins/ova publish them (src/test/resources/workloads). */
final class Workloads {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Workloads() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String name) {
        try (InputStream in = Workloads.class.getResourceAsStream("/workloads/" + name)) {
            return JSON.readValue(in, Map.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
