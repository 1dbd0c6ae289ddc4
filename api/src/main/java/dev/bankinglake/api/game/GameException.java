package dev.bankinglake.api.game;

/** A request the game refuses. Subtypes say why; the HTTP layer maps each to a status code. */
public abstract class GameException extends RuntimeException {
    protected GameException(String message) {
        super(message);
    }
}
