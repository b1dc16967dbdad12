package dev.cascade.network.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Exploration only: prints the demo learning from scratch. */
class DemoExplore {
    @org.junit.jupiter.api.Test
    void explore() throws Exception {
        for (long seed : new long[] {1, 2, 3}) {
            Map<String, String> config = DemoLearningTest.pairWithoutTensor();
            config.put("kp", "2.0");
            config.put("ki", "0.1");
            Path dir = Files.createTempDirectory("explore");
            try (DemoRun run = new DemoRun(config, seed, dir)) {
                while (run.seconds() < 1500) {
                    run.cycle();
                    if (Math.round(run.seconds() * 10) % 600 == 0) {
                        System.out.printf(
                                "seed %d t %5.0f rms %7.3f conf %.3f v %d gerr %.3f state %s rej %d%n",
                                seed,
                                run.seconds(),
                                run.pair.rms(),
                                run.pair.confidence(run.millis.get()),
                                run.pair.tensorVersion(),
                                run.gainError(),
                                run.pair.state(),
                                run.cache.rejected());
                    }
                }
            }
        }
    }
}
