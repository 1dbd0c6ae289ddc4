package dev.bankinglake.api.game;

/** An account with that user id already exists. */
public class AccountExistsException extends GameException {
    public AccountExistsException(String message) {
        super(message);
    }
}
