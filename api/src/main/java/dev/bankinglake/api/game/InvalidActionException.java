package dev.bankinglake.api.game;

/** The request itself is invalid (bad amount, count or asset for the action). */
public class InvalidActionException extends GameException {
    public InvalidActionException(String message) {
        super(message);
    }
}
