package io.hoist.policy.conformance;

import java.nio.file.Path;

/** Developer entry point: runs the conformance folder given as argument and prints failures. */
public final class ConformanceMain {
    public static void main(String[] args) throws Exception {
        var r = new ConformanceRunner().run(Path.of(args[0]));
        ConformanceRunner.print(r, System.out, args.length > 1);
    }
}
