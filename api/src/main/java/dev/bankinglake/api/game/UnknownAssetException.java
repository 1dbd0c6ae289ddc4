package dev.bankinglake.api.game;

/** No asset with that name. */
public class UnknownAssetException extends GameException {
    public UnknownAssetException(String message) {
        super(message);
    }
}
