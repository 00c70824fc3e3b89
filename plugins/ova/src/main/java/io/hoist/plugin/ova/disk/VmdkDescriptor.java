package io.hoist.plugin.ova.disk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text descriptor of a VMDK: its create type, parent and extent lines
 * ({@code RW 6281 FLAT "disk-flat.vmdk" 0}). Embedded in sparse files, or a file of its own for flat disks.
 */
record VmdkDescriptor(String createType, String parentCid, List<ExtentLine> extents) {
    /** One extent line: access, size in sectors, type, file (null for ZERO) and offset in sectors. */
    record ExtentLine(String access, long sectors, String type, String file, long offsetSectors) {}

    /** The parent CID of a disk without a parent (not a delta/snapshot disk). */
    static final String NO_PARENT = "ffffffff";
    static final int MAX_BYTES = 1 << 20;
    private static final Pattern EXTENT = Pattern.compile(
            "^(RW|RDONLY|NOACCESS)\\s+(\\d+)\\s+([A-Za-z]+)(?:\\s+\"([^\"]*)\"(?:\\s+(\\d+))?)?\\s*$");
    private static final Pattern KEY_VALUE = Pattern.compile("^([A-Za-z0-9_.]+)\\s*=\\s*\"?([^\"]*)\"?\\s*$");

    /** True when {@code head} starts like a descriptor (so a disk file is the descriptor of a flat disk). */
    static boolean looksLikeDescriptor(byte[] head) {
        String s = new String(head, 0, Math.min(head.length, 64), java.nio.charset.StandardCharsets.ISO_8859_1);
        return s.startsWith("# Disk DescriptorFile") || s.startsWith("version=");
    }

    static VmdkDescriptor parse(String text, String name) throws IOException {
        String createType = null;
        String parentCid = NO_PARENT;
        List<ExtentLine> extents = new ArrayList<>();
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.charAt(0) == 0) {
                continue;
            }
            Matcher e = EXTENT.matcher(line);
            if (e.matches()) {
                String type = e.group(3).toUpperCase(Locale.ROOT);
                long offset = e.group(5) == null ? 0 : number(e.group(5), "offset", line, name);
                if (!type.equals("ZERO") && e.group(4) == null) {
                    throw new IOException(name + ": extent line '" + line + "' names no file");
                }
                extents.add(new ExtentLine(e.group(1), number(e.group(2), "size", line, name), type, e.group(4), offset));
                continue;
            }
            Matcher kv = KEY_VALUE.matcher(line);
            if (kv.matches()) {
                switch (kv.group(1)) {
                    case "createType" -> createType = kv.group(2);
                    case "parentCID" -> parentCid = kv.group(2).toLowerCase(Locale.ROOT);
                    default -> { }
                }
            }
        }
        if (extents.isEmpty()) {
            throw new IOException(name + ": the VMDK descriptor has no extent lines");
        }
        return new VmdkDescriptor(createType, parentCid, List.copyOf(extents));
    }

    /** A sector count of an extent line; one that does not fit 64 bits is a corrupt descriptor, named as such. */
    private static long number(String digits, String field, String line, String name) throws IOException {
        try {
            long n = Long.parseLong(digits);
            if (n > Long.MAX_VALUE / 512) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException(name + ": extent " + field + " " + (digits.length() > 24 ? digits.substring(0, 24) + "..." : digits)
                    + " sectors in line '" + (line.length() > 120 ? line.substring(0, 120) + "..." : line)
                    + "' is too large (corrupt VMDK descriptor)");
        }
    }

    boolean hasParent() {
        return !NO_PARENT.equals(parentCid);
    }
}
