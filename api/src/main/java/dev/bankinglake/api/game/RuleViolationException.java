package dev.bankinglake.api.game;

/** A well-formed request that the game rules forbid (not enough cash or units, wrong name). */
public class RuleViolationException extends GameException {
    public RuleViolationException(String message) {
        super(message);
    }
}
