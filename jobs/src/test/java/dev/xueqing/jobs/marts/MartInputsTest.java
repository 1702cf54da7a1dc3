package dev.xueqing.jobs.marts;

import dev.xueqing.common.io.DatasetRef;
import dev.xueqing.common.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What marts built at the same time derive in common is computed once, and a derivation may use another one. */
class MartInputsTest extends SparkTestBase {

    @Test
    void aMartSeesOnlyTheDatasetsItDeclaresAndSharesWhatIsDerived() {
        Dataset<Row> events = spark().range(3).toDF();
        Dataset<Row> runs = spark().range(1).toDF();
        MartInputs build = new MartInputs(Map.of(DatasetRef.EVENTS, events, DatasetRef.RUNS, runs));
        MartInputs own = build.only(List.of(DatasetRef.EVENTS, DatasetRef.LEARNERS));
        assertThat(own.get(DatasetRef.EVENTS)).isSameAs(events);
        // not declared: the build skips a mart whose declared inputs are unchanged, so it must not read others
        assertThatThrownBy(() -> own.get(DatasetRef.RUNS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(DatasetRef.RUNS.name());
        // declared but not in the build: not provided either
        assertThatThrownBy(() -> own.get(DatasetRef.LEARNERS)).isInstanceOf(IllegalArgumentException.class);
        // what one mart derives, another of the same build gets without deriving it again
        AtomicInteger computed = new AtomicInteger();
        assertThat(own.<String>derived("k", () -> "v" + computed.incrementAndGet())).isEqualTo("v1");
        assertThat(build.only(List.of(DatasetRef.RUNS)).<String>derived("k", () -> "v" + computed.incrementAndGet()))
                .isEqualTo("v1");
        assertThat(build.derivedResults()).containsOnlyKeys("k");
    }

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
