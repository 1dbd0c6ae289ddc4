package dev.bankinglake.api.game;

/** No account with that user id. */
public class UnknownAccountException extends GameException {
    public UnknownAccountException(String message) {
        super(message);
    }
}
