package io.hoist.core.model.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoist.core.model.ResourceKind;

/**
 * Admission of writes, called by the API before anything is stored. Collects every problem and
 * throws one {@link AdmissionException} listing them all (one cause per problem).
 */
public interface Admission {
    /**
     * Checks a create ({@code existing} null) or a replace/patch of spec and metadata.
     * Returns the object to store (possibly with defaults filled in).
     */
    ObjectNode admit(ResourceKind kind, ObjectNode incoming, ObjectNode existing);

    /**
     * Checks a write of {@code status} through the status subresource ({@code object} is the whole object with
     * the new status). Returns the object to store. Admissions that know no status schema accept it as it is.
     */
    default ObjectNode admitStatus(ResourceKind kind, ObjectNode object) {
        return object;
    }

    /** Checks a delete, e.g. a running plan cannot be deleted. */
    void admitDelete(ResourceKind kind, ObjectNode existing);
}
