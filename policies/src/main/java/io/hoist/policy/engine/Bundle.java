package io.hoist.policy.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** An OPA bundle as written by "opa build -t wasm": /policy.wasm, /data.json and /.manifest in a tar.gz. */
public record Bundle(byte[] wasm, String dataJson, String manifest) {

    public static Bundle read(byte[] tarGz) {
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (e.isDirectory()) continue;
                String name = e.getName().startsWith("/") ? e.getName() : "/" + e.getName();
                files.put(name, tar.readAllBytes());
            }
        } catch (IOException ex) {
            throw new IllegalArgumentException("bundle: not a readable tar.gz: " + ex.getMessage(), ex);
        }
        byte[] wasm = files.get("/policy.wasm");
        if (wasm == null) throw new IllegalArgumentException("bundle: /policy.wasm is missing (files: " + files.keySet() + ")");
        byte[] data = files.get("/data.json");
        byte[] manifest = files.get("/.manifest");
        return new Bundle(wasm, data == null ? "{}" : new String(data, java.nio.charset.StandardCharsets.UTF_8),
                manifest == null ? null : new String(manifest, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Lays the bundle out as opa build does. */
    public byte[] write() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new java.util.zip.GZIPOutputStream(bytes))) {
            add(tar, "/data.json", dataJson.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            add(tar, "/policy.wasm", wasm);
            if (manifest != null) add(tar, "/.manifest", manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        return bytes.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
    }
}
