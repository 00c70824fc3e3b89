import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark helper (not product code): serves one file over HTTP with Range support on 127.0.0.1:PORT, so
 * HTTP-to-file copies can be timed. Run with the JDK source launcher: java RangeHttpServerForBench.java FILE PORT
 */
public class RangeHttpServerForBench {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1])), 64);
        server.createContext("/", ex -> serve(ex, file));
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.start();
        System.out.println("serving " + file + " on http://127.0.0.1:" + args[1] + "/");
    }

    private static void serve(HttpExchange ex, Path file) throws IOException {
        try (ex; FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = 0;
            long to = size - 1;
            int status = 200;
            String range = ex.getRequestHeaders().getFirst("Range");
            Matcher m = range == null ? null : RANGE.matcher(range);
            if (m != null && m.matches()) {
                from = Long.parseLong(m.group(1));
                to = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
                status = 206;
                ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + size);
            }
            ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            long len = to - from + 1;
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.getResponseHeaders().add("Content-Length", Long.toString(size));
                ex.sendResponseHeaders(status, -1);
                return;
            }
            ex.sendResponseHeaders(status, len);
            try (OutputStream out = ex.getResponseBody()) {
                WritableByteChannel dst = Channels.newChannel(out);
                ByteBuffer buf = ByteBuffer.allocate(1 << 20);
                long pos = from;
                while (pos <= to) {
                    buf.clear().limit((int) Math.min(buf.capacity(), to - pos + 1));
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        break;
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        dst.write(buf);
                    }
                    pos += n;
                }
            }
        }
    }
}
