package dev.bankinglake.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PartitionStateTest {
    private static final Instant SWITCHED = Instant.parse("2026-11-21T02:00:00Z");
    private static final Duration GRACE = Duration.ofHours(1);

    private static PartitionState state(int current, List<Integer> generations, boolean homeHoldsFiles, Map<Integer, Instant> retiredAt) {
        return new PartitionState(current, new TreeSet<>(generations), homeHoldsFiles, retiredAt);
    }

    @Test
    void aPartitionNeverCompactedHasNothingToDo() {
        PartitionState home = state(0, List.of(), true, Map.of());
        assertThat(home.retired()).isEmpty();
        assertThat(home.needsRecovery(SWITCHED, GRACE)).isFalse();
        assertThat(home.nextGeneration()).isEqualTo(1);
    }

    @Test
    void aGenerationInPlaceWithoutMarkerIsAnUnconfirmedSwitch() {
        // killed between the rename and the metastore call, or before the marker
        PartitionState interrupted = state(1, List.of(1), true, Map.of());
        assertThat(interrupted.retired()).containsExactly(0);
        assertThat(interrupted.unconfirmed()).containsExactly(0);
        assertThat(interrupted.deletable(SWITCHED.plus(Duration.ofDays(3)), GRACE)).as("never deleted before it is marked").isEmpty();
        assertThat(interrupted.needsRecovery(SWITCHED, GRACE)).isTrue();
        assertThat(interrupted.nextGeneration()).isEqualTo(2);
    }

    @Test
    void aRetiredGenerationIsDeletedOnlyOnceItsGraceHasPassed() {
        PartitionState switched = state(2, List.of(1, 2), false, Map.of(1, SWITCHED));
        assertThat(switched.retired()).containsExactly(1);
        assertThat(switched.unconfirmed()).isEmpty();
        assertThat(switched.deletable(SWITCHED.plus(Duration.ofMinutes(59)), GRACE)).isEmpty();
        assertThat(switched.needsRecovery(SWITCHED.plus(Duration.ofMinutes(59)), GRACE)).isFalse();
        assertThat(switched.deletable(SWITCHED.plus(GRACE), GRACE)).containsExactly(1);
        assertThat(switched.needsRecovery(SWITCHED.plus(GRACE), GRACE)).isTrue();
    }

    @Test
    void theHomeFolderCountsAsRetiredOnlyWhileItHoldsFiles() {
        PartitionState deleted = state(1, List.of(1), false, Map.of());
        assertThat(deleted.retired()).isEmpty();
        assertThat(deleted.needsRecovery(SWITCHED, GRACE)).isFalse();
        PartitionState deleting = state(1, List.of(1), true, Map.of(0, SWITCHED));
        assertThat(deleting.deletable(SWITCHED.plus(GRACE), GRACE)).containsExactly(0);
    }

    @Test
    void aMarkerLeftByADeletionThatDiedIsStale() {
        PartitionState leftover = state(1, List.of(1), false, Map.of(0, SWITCHED));
        assertThat(leftover.staleMarkers()).containsExactly(0);
        assertThat(leftover.needsRecovery(SWITCHED, GRACE)).isTrue();
    }

    @Test
    void theCurrentGenerationIsTheNewestOnDisk() {
        assertThatThrownBy(() -> state(1, List.of(1, 2), false, Map.of()))
                .hasMessage("Invalid partition state: current generation 1 with generations [1, 2] (the current one is the newest on disk, 0 when there is none)");
    }

    @Test
    void comparesTheMetastoreWithThePartitionsFolders() {
        String home = "hdfs://nn:8020/lake/cash_transactions/dt=2026-11-20";
        String first = "hdfs://nn:8020/lake/cash_transactions/_compaction/dt=2026-11-20/gen-0001";
        String second = "hdfs://nn:8020/lake/cash_transactions/_compaction/dt=2026-11-20/gen-0002";
        List<String> older = List.of(home, first);
        assertThat(PartitionState.agreement(Optional.of(second + "/"), second, older)).isEqualTo(PartitionState.Agreement.IN_STEP);
        assertThat(PartitionState.agreement(Optional.of(first), second, older)).isEqualTo(PartitionState.Agreement.BEHIND);
        assertThat(PartitionState.agreement(Optional.of(home), second, older)).isEqualTo(PartitionState.Agreement.BEHIND);
        assertThat(PartitionState.agreement(Optional.of("hdfs://nn:8020/elsewhere"), second, older)).isEqualTo(PartitionState.Agreement.ELSEWHERE);
        assertThat(PartitionState.agreement(Optional.empty(), second, older)).isEqualTo(PartitionState.Agreement.NOT_REGISTERED);
    }
}
