package dev.bankinglake.service;

/** What a supervised streaming query is doing, as /pipeline shows it. */
public enum QueryState {
    /** Running, or starting to. */
    ACTIVE,
    /** Stopped on request; it runs again on start. */
    STOPPED,
    /** Failed and waiting (backoff) to be restarted from its checkpoint. */
    RESTARTING,
    /** Failed and not restarted: the service cannot run it any longer (e.g. it lost the lake lock). */
    FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
