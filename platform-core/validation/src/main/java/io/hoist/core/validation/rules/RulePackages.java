package io.hoist.core.validation.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validation packages the platform knows: those its provider plugins ship, plus the ones hoist-policies
 * still carries for providers whose plugin ships none. There is no fixed list: adding a provider plugin with
 * rules adds a package.
 */
public final class RulePackages {
    private final Map<String, RulePackage> byName;

    private RulePackages(Map<String, RulePackage> byName) {
        this.byName = Map.copyOf(byName);
    }

    public static RulePackages of(Collection<RulePackage> packages) {
        Map<String, RulePackage> m = new LinkedHashMap<>();
        for (RulePackage p : packages) {
            RulePackage twin = m.put(p.name(), p);
            if (twin != null) {
                throw new IllegalArgumentException("two sources ship the rule package " + p.name());
            }
        }
        return new RulePackages(m);
    }

    /**
     * The packages found on the class path ({@link DefaultRules#packages()}; MTV's names, vmware validates vsphere
     * Providers): hoist-policies' own; in tests also the built-in plugins' packages.
     */
    public static RulePackages builtin() {
        List<RulePackage> out = new ArrayList<>();
        for (String name : DefaultRules.packages()) {
            out.add(new RulePackage(name, "vmware".equals(name) ? "vsphere" : name, DefaultRules.load(name)));
        }
        return of(out);
    }

    /**
     * The package a provider plugin ships ({@link io.hoist.api.validation.ShipsValidationRules}): its files read
     * from the plugin's jar with the plugin's class loader.
     */
    public static RulePackage fromPlugin(String pluginId, String providerType, io.hoist.api.validation.ValidationRules rules,
                                         ClassLoader loader) {
        List<RuleFile> files = new ArrayList<>();
        for (String name : rules.files()) {
            String path = rules.resourceFolder().replaceAll("/+$", "") + "/" + name;
            try (java.io.InputStream in = loader.getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalArgumentException("plugin " + pluginId + ": validation rule file " + path + " is not in its jar");
                }
                files.add(new RuleFile("plugin " + pluginId, name, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("plugin " + pluginId + ": reading " + path, e);
            }
        }
        return new RulePackage(rules.packageName(), providerType, files);
    }

    /** These packages with others added; a package of the same name replaces the one here (plugins win). */
    public RulePackages with(Collection<RulePackage> more) {
        Map<String, RulePackage> m = new LinkedHashMap<>(byName);
        for (RulePackage p : more) {
            m.put(p.name(), p);
        }
        return new RulePackages(m);
    }

    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    public Optional<RulePackage> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The package that validates VMs of a Provider type; empty for types without rules (e.g. a destination). */
    public Optional<String> forProviderType(String type) {
        return byName.values().stream().filter(p -> p.providerType().equals(type)).map(RulePackage::name).sorted().findFirst();
    }

    /** The package a Rego package name denotes ({@code io.konveyor.forklift.ova} → ova). */
    public Optional<String> byRegoPackage(String rego) {
        return byName.keySet().stream().filter(n -> RulePackage.regoPackage(n).equals(rego)).findFirst();
    }
}
