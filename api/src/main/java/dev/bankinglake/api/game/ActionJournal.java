package dev.bankinglake.api.game;

/**
 * Where accepted actions are recorded. {@link #record} returns only once the action is durable;
 * if it throws, the game leaves the account exactly as it was.
 */
@FunctionalInterface
public interface ActionJournal {
    void record(GameAction action);
}
