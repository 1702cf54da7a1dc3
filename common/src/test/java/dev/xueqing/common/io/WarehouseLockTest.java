package dev.xueqing.common.io;

import dev.xueqing.common.testing.SparkTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WarehouseLockTest extends SparkTestBase {
    private static final Duration STALE = Duration.ofMinutes(10);

    @Test
    void aSecondRunIsRefusedWithTheHolderNamedAndTheLockIsReleasedAtClose(@TempDir Path dir) {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        try (WarehouseLock first = WarehouseLock.acquire(wh, "run-1", "nightly", STALE)) {
            assertThat(WarehouseLock.holder(wh).runId()).isEqualTo("run-1");
            assertThatThrownBy(() -> WarehouseLock.acquire(wh, "run-2", "marts", STALE))
                    .isInstanceOf(WarehouseLock.LockedException.class)
                    .hasMessageContaining("in use by another run")
                    .hasMessageContaining("run-1 (nightly, process " + ProcessHandle.current().pid());
        }
        assertThat(WarehouseLock.holder(wh)).isNull();
        try (WarehouseLock again = WarehouseLock.acquire(wh, "run-3", "ingest", STALE)) {
            assertThat(again.holderInfo().runId()).isEqualTo("run-3");
        }
    }

    @Test
    void aLockLeftByAProcessThatIsGoneIsTakenOver(@TempDir Path dir) throws Exception {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        // a process that has ended: start one and wait for it
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Files.writeString(dir.resolve(WarehouseLock.FILE), "{\"runId\":\"crashed\",\"command\":\"nightly\",\"pid\":"
                + p.pid() + ",\"host\":\"" + WarehouseLock.host() + "\",\"startedAt\":\"2026-11-28T01:00:00Z\"}");
        try (WarehouseLock lock = WarehouseLock.acquire(wh, "run-4", "nightly", STALE)) {
            assertThat(WarehouseLock.holder(wh).runId()).isEqualTo("run-4");
        }
    }

    @Test
    void aLockFromAnotherHostIsTakenOverOnlyWhenItsHeartbeatIsStale(@TempDir Path dir) throws Exception {
        Warehouse wh = new Warehouse(spark(), dir.toString());
        Path file = dir.resolve(WarehouseLock.FILE);
        Files.writeString(file, "{\"runId\":\"elsewhere\",\"command\":\"nightly\",\"pid\":1,\"host\":\"other-host\","
                + "\"startedAt\":\"2026-11-28T01:00:00Z\"}");
        assertThatThrownBy(() -> WarehouseLock.acquire(wh, "run-5", "nightly", STALE))
                .isInstanceOf(WarehouseLock.LockedException.class).hasMessageContaining("elsewhere");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(Duration.ofMinutes(11))));
        try (WarehouseLock lock = WarehouseLock.acquire(wh, "run-5", "nightly", STALE)) {
            assertThat(WarehouseLock.holder(wh).runId()).isEqualTo("run-5");
        }
    }
}
