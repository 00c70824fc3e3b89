package io.hoist.core.validation;

import io.hoist.core.validation.rules.RuleFile;
import io.hoist.core.validation.rules.RuleSet;
import io.hoist.core.validation.rules.RuleSetCompiler;
import io.hoist.policy.engine.Limits;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The real compiler, except that a rule set whose custom files contain {@code # BLOCK} hangs until the test
 * releases it: a stand-in for any rule set that takes arbitrarily long to compile or trial-evaluate (before
 * RE2/J, a backtracking regex did exactly that).
 */
final class BlockingRuleSetCompilerTestDouble extends RuleSetCompiler {
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingRuleSetCompilerTestDouble(Limits limits) {
        super(limits);
    }

    @Override
    public RuleSet compile(String pkg, List<RuleFile> defaults, List<RuleFile> customs) {
        if (customs.stream().anyMatch(f -> f.text().contains("# BLOCK"))) {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return super.compile(pkg, defaults, customs);
    }
}
