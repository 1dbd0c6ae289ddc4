package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServiceStatusTest {
    private final ServiceStatus status = new ServiceStatus(Instant.parse("2026-12-02T10:00:00Z"));

    @Test
    void isNotHealthyWhileItsQueriesAreStillStarting() {
        status.phase(ServiceStatus.Phase.STARTING, "starting the streaming queries");

        assertThat(status.health()).containsEntry("healthy", false)
                .hasEntrySatisfying("reason", reason -> assertThat(String.valueOf(reason)).contains("service starting: starting the streaming queries"));
    }

    @Test
    void advancesOnlyFromThePhaseItExpects() {
        assertThat(status.advance(ServiceStatus.Phase.STARTING, ServiceStatus.Phase.RUNNING, "running")).isTrue();
        assertThat(status.phase()).isEqualTo(ServiceStatus.Phase.RUNNING);

        status.phase(ServiceStatus.Phase.STOPPING, "stopping on request");
        assertThat(status.advance(ServiceStatus.Phase.STARTING, ServiceStatus.Phase.RUNNING, "running"))
                .as("a stop asked for while the queries started is kept").isFalse();
        assertThat(status.phase()).isEqualTo(ServiceStatus.Phase.STOPPING);
    }
}
