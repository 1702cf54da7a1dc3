package dev.xueqing.jobs.marts;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What marts built at the same time derive in common is computed once, and a derivation may use another one. */
class MartInputsTest {

    @Test
    void martsBuiltAtTheSameTimeDeriveASharedValueOnce() throws Exception {
        MartInputs in = new MartInputs(Map.of());
        AtomicInteger sessions = new AtomicInteger();
        AtomicInteger facts = new AtomicInteger();
        CountDownLatch bothAsked = new CountDownLatch(4);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(pool.submit(() -> {
                    bothAsked.countDown();
                    bothAsked.await(10, TimeUnit.SECONDS);
                    // the facts derive the sessions, as the progress facts do
                    return in.derived("facts", () -> {
                        facts.incrementAndGet();
                        String s = in.derived("sessions", () -> {
                            sessions.incrementAndGet();
                            sleep();
                            return "sessions";
                        });
                        return s + "+facts";
                    });
                }));
            }
            for (Future<String> f : got) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("sessions+facts");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(facts).hasValue(1);
        assertThat(sessions).hasValue(1);
        assertThat(in.derivedResults()).containsOnlyKeys("facts", "sessions");
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
