import io.hoist.core.validation.rules.DefaultRules;
import io.hoist.core.validation.rules.RuleSet;
import io.hoist.core.validation.rules.RuleSetCompiler;
import io.hoist.policy.engine.Limits;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One-VM validation rate per CPU-second of this JVM (benchmark thread, JIT and GC), using only the API every
 * version of the validation module has (RuleSet.validate of JSON text; of a Java map where the version has it),
 * so before-after.sh can run the same measurement against an older tree. Not a JMH benchmark: a steady loop,
 * warm-up rounds discarded, median of the measured rounds; every round's rate is printed, and the JSON text path
 * is measured once more after the map path, when the JIT has compiled everything.
 * Usage: java -cp CLASSPATH bench/validation/OneVmCpuRate.java WORKLOAD.json AOT|INTERPRETER [rounds] [seconds]
 */
public class OneVmCpuRate {
    public static void main(String[] args) throws Exception {
        String json = Files.readString(Path.of(args[0]));
        Limits.Mode mode = Limits.Mode.valueOf(args[1]);
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        double seconds = args.length > 3 ? Double.parseDouble(args[3]) : 5;
        RuleSet rules = new RuleSetCompiler(Limits.defaults().withMode(mode).withTimeBudget(Duration.ofSeconds(30)))
                .compile("vmware", DefaultRules.load("vmware"), List.of());
        if (rules.validate(json).get("concerns").size() != 8) throw new IllegalStateException("unexpected: " + rules.validate(json));
        System.out.printf("%s JSON text: %.0f validations per CPU-second%n", mode, rate(() -> rules.validate(json), rounds, seconds));
        java.lang.reflect.Method byMap;
        try {
            byMap = RuleSet.class.getMethod("validate", Map.class);
        } catch (NoSuchMethodException e) {
            System.out.printf("%s Java map: not in this version%n", mode);
            return;
        }
        Object doc = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
        System.out.printf("%s Java map: %.0f validations per CPU-second%n", mode, rate(() -> byMap.invoke(rules, doc), rounds, seconds));
        // the text path again, now that everything is JIT-compiled: measured first, it also pays the warm-up
        System.out.printf("%s JSON text, warm: %.0f validations per CPU-second%n", mode, rate(() -> rules.validate(json), rounds, seconds));
    }

    interface Op { Object run() throws Exception; }

    static double rate(Op op, int rounds, double seconds) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<Double> rates = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long cpu0 = os.getProcessCpuTime(), end = System.nanoTime() + (long) (seconds * 1e9), n = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 100; i++) op.run();
                n += 100;
            }
            double rate = n / ((os.getProcessCpuTime() - cpu0) / 1e9);
            System.out.printf("%.0f ", rate);
            if (r >= rounds / 2) rates.add(rate); // first half is warm-up
        }
        System.out.print("(per round) ");
        rates.sort(null);
        return rates.get(rates.size() / 2);
    }
}
