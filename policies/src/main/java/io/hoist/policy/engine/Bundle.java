package io.hoist.policy.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * An OPA bundle as written by "opa build -t wasm": /policy.wasm, /data.json and /.manifest in a tar.gz.
 *
 * <p>A bundle is untrusted input: {@link #files} reads it as a stream and stops at {@link #MAX_FILES} entries,
 * {@link #MAX_FILE_BYTES} in one file or {@link #MAX_TOTAL_BYTES} decompressed in all, whatever the tar headers
 * claim, so a 2 MB archive cannot unpack gigabytes into the heap.
 */
public record Bundle(byte[] wasm, String dataJson, String manifest) {
    /** Entries (files and folders) in one bundle. */
    public static final int MAX_FILES = 1000;
    /** Decompressed bytes of one file. */
    public static final long MAX_FILE_BYTES = 16L << 20;
    /** Decompressed bytes of all files together. */
    public static final long MAX_TOTAL_BYTES = 64L << 20;

    /**
     * The regular files of a tar.gz whose name {@code wanted} accepts, by name with a leading '/', read under the
     * limits above (files not wanted still count toward them). {@code label} names the bundle in errors.
     */
    public static Map<String, byte[]> files(byte[] tarGz, java.util.function.Predicate<String> wanted, String label) {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        long total = 0;
        int entries = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (++entries > MAX_FILES) {
                    throw new IllegalArgumentException(label + ": more than " + MAX_FILES + " entries (the bundle limit)");
                }
                if (!e.isFile()) continue;
                String name = e.getName().startsWith("/") ? e.getName() : "/" + e.getName();
                // read at most one byte past a limit: the header's size is not trusted
                long room = Math.min(MAX_FILE_BYTES, MAX_TOTAL_BYTES - total);
                byte[] content = tar.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, room + 1));
                if (content.length > room) {
                    throw new IllegalArgumentException(label + ": " + name + (room < MAX_FILE_BYTES
                            ? " takes the bundle past " + MAX_TOTAL_BYTES + " bytes decompressed (the bundle limit)"
                            : " is more than " + MAX_FILE_BYTES + " bytes decompressed (the bundle's per-file limit)"));
                }
                total += content.length;
                if (wanted.test(name)) {
                    files.put(name, content);
                }
            }
        } catch (IOException ex) {
            throw new IllegalArgumentException(label + ": not a gzip-compressed tar archive (" + ex.getMessage() + ")", ex);
        }
        return files;
    }

    public static Bundle read(byte[] tarGz) {
        Map<String, byte[]> files = files(tarGz, n -> true, "bundle");
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
