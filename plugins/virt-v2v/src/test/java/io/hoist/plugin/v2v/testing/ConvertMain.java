package io.hoist.plugin.v2v.testing;

import io.hoist.plugin.v2v.local.LocalConversion;
import java.nio.file.Path;
import java.util.List;

/** A process that converts one image and is killed -9 by the crash test: {@code ConvertMain IMAGE RUN_ID MAC}. */
public final class ConvertMain {
    private ConvertMain() {}

    public static void main(String[] args) throws Exception {
        Path image = Path.of(args[0]);
        new LocalConversion(TestGuest.libguestfsEnvironment())
                .convert(Requests.local(args[1], args[2], List.of()), List.of(image), (stage, percent) -> System.out.println("stage " + stage));
        System.out.println("converted");
    }
}
