package io.hoist.core.validation.rules;

/**
 * One Rego file of a rule set.
 *
 * @param origin where it came from, for error messages: {@code default}, {@code DATA/rules/vmware},
 *               {@code configmap forklift-validation-config}, {@code bundle my-rules}
 * @param name   the file name; a custom file with the same name as a default file replaces it
 */
public record RuleFile(String origin, String name, String text) {
    /** "origin/name", the file as error messages name it. */
    public String label() {
        return origin + "/" + name;
    }
}
