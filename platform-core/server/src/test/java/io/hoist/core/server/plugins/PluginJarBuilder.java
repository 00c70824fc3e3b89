package io.hoist.core.server.plugins;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a real third-party PF4J plugin jar at test time, outside the source tree: compiles Java sources
 * with javax.tools against plugin-api and PF4J only, then jars the classes with a PF4J manifest and an
 * {@code META-INF/extensions.idx}, as a plugin author's build would.
 */
final class PluginJarBuilder {
    private final String id;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> extensions = new ArrayList<>();
    private final Map<String, String> manifest = new LinkedHashMap<>();
    private final Map<String, String> resources = new LinkedHashMap<>();

    PluginJarBuilder(String id) {
        this.id = id;
        manifest.put("Plugin-Id", id);
        manifest.put("Plugin-Version", "0.3.1");
        manifest.put("Plugin-Class", "org.pf4j.Plugin");
        manifest.put("Plugin-Provider", "Acme Corp");
        manifest.put("Plugin-Description", "third-party test plugin " + id);
    }

    PluginJarBuilder source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** A resource file in the jar (path inside it, text). */
    PluginJarBuilder resource(String path, String text) {
        resources.put(path, text);
        return this;
    }

    /** Registers an extension class in extensions.idx. */
    PluginJarBuilder extension(String className) {
        extensions.add(className);
        return this;
    }

    /** Sets a manifest attribute; null removes it. */
    PluginJarBuilder manifest(String key, String value) {
        if (value == null) {
            manifest.remove(key);
        } else {
            manifest.put(key, value);
        }
        return this;
    }

    Path buildInto(Path pluginsDir) throws IOException {
        Path work = Files.createTempDirectory("hoist-plugin-src-" + id);
        Path src = work.resolve("src");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            files.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-proc:none", "--release", "25", "-d", classes.toString(),
                "-cp", jarOf(io.hoist.api.provider.SourceProviderFactory.class) + java.io.File.pathSeparator
                        + jarOf(org.pf4j.Plugin.class)));
        args.addAll(files);
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("test plugin " + id + " did not compile");
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.forEach((k, v) -> mf.getMainAttributes().putValue(k, v));
        Files.createDirectories(pluginsDir);
        Path jar = pluginsDir.resolve(id + "-plugin.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, mf)) {
            zip.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            zip.write((String.join("\n", extensions) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
            for (var r : resources.entrySet()) {
                zip.putNextEntry(new JarEntry(r.getKey()));
                zip.write(r.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            try (Stream<Path> walk = Files.walk(classes)) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    zip.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                    zip.write(Files.readAllBytes(p));
                    zip.closeEntry();
                }
            }
        }
        return jar;
    }

    private static String jarOf(Class<?> cls) {
        try {
            return Path.of(cls.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
