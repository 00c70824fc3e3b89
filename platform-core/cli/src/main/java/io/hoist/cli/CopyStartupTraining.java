package io.hoist.cli;

import io.hoist.core.server.logging.Logging;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The training run of the JDK AOT cache that {@code ./hoist copy} and {@code ./hoist verify} start from
 * ({@code scripts/transfer-aot.sh}, JEP 483/514/515): runs the copy and verify commands the way users run them, on a
 * small image with data, holes and an unaligned tail, from the file and, when {@code nbdkit} is installed, from an NBD
 * Unix socket, so the classes, linked call sites and method profiles of both paths land in the cache.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=copy.aot -cp <copy class path> io.hoist.cli.CopyStartupTraining WORK_DIR}.
 * Exit code 0 only when every training command succeeded (a cache from a failed run is not kept).
 */
public final class CopyStartupTraining {
    /** Big enough that SHA-256 and the copy loop get hot (their profiles are what the cache is for). */
    static final int IMAGE_MIB = 48;

    private CopyStartupTraining() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: CopyStartupTraining WORK_DIR");
            System.exit(2);
        }
        System.exit(train(Path.of(args[0])));
    }

    /** Runs the training commands in {@code work}; returns 0 when all succeeded. */
    static int train(Path work) throws IOException, InterruptedException {
        // Logging as every command sets it up, first: starting nbdkit logs through System.Logger (the JDK's
        // ProcessBuilder), which would start Logback from logback.xml, and the XML configurator's classes would go
        // into the cache (loaded at every start) though a copy never runs them (SkipXmlWhenReplaced).
        Logging.configureCli(0, Logging.Format.TEXT);
        Files.createDirectories(work);
        Path image = work.resolve("train.img");
        writeImage(image);
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        PrintWriter err = new PrintWriter(System.err, true);
        List<String[]> runs = new ArrayList<>();
        runs.add(new String[] {"copy", "--no-progress", image.toString(), work.resolve("a.img").toString()});
        runs.add(new String[] {"copy", "--no-progress", "--checksum", "none", image.toString(), work.resolve("b.img").toString()});
        runs.add(new String[] {"copy", "--no-progress", "--checksum", "xxh128-4m", image.toString(), work.resolve("e.img").toString()});
        runs.add(new String[] {"verify", work.resolve("a.img").toString()});
        Process nbdkit = startNbdkit(work, image);
        try {
            if (nbdkit != null) {
                String uri = "nbd+unix:///?socket=" + work.resolve("nbd.sock");
                runs.add(new String[] {"copy", "--no-progress", uri, work.resolve("c.img").toString()});
                runs.add(new String[] {"copy", "--no-progress", "--checksum", "none", uri, work.resolve("d.img").toString()});
                runs.add(new String[] {"copy", "--no-progress", "--checksum", "xxh128-4m", uri, work.resolve("f.img").toString()});
            }
            for (String[] run : runs) {
                int code = DiskCommands.runOrPicocli(run, CliContext.system(), quiet, err);
                if (code != 0) {
                    err.println("training command failed (exit " + code + "): hoist " + String.join(" ", run));
                    return code;
                }
            }
            return 0;
        } finally {
            if (nbdkit != null) {
                nbdkit.destroy();
                nbdkit.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Data in most 4 MiB blocks (some with zero runs inside), a few whole-block holes, and a short last block. */
    static void writeImage(Path image) throws IOException {
        Random random = new Random(42);
        byte[] chunk = new byte[1 << 20];
        long size = (long) IMAGE_MIB * 1024 * 1024 + 12_345;
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(0);
            f.setLength(size);
            for (long mib = 0; mib < IMAGE_MIB; mib++) {
                if ((mib / 4) % 4 == 3 || mib % 4 == 1) {
                    continue; // one block in four a hole, and a 1 MiB zero run in the others
                }
                random.nextBytes(chunk);
                f.seek(mib << 20);
                f.write(chunk);
            }
            random.nextBytes(chunk);
            f.seek((long) IMAGE_MIB << 20);
            f.write(chunk, 0, 12_345);
        }
    }

    private static Process startNbdkit(Path work, Path image) throws IOException, InterruptedException {
        Path pidFile = work.resolve("nbdkit.pid");
        Process p;
        try {
            p = new ProcessBuilder("nbdkit", "--foreground", "--exit-with-parent", "-U", work.resolve("nbd.sock").toString(),
                    "-P", pidFile.toString(), "file", image.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null; // no nbdkit here: the cache covers the file path only
        }
        for (int i = 0; i < 600 && p.isAlive(); i++) {
            if (Files.exists(pidFile) && Files.size(pidFile) > 0) {
                return p;
            }
            Thread.sleep(50);
        }
        p.destroy();
        return null;
    }
}
