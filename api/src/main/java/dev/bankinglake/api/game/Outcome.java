package dev.bankinglake.api.game;

import static java.util.Objects.requireNonNull;

/** An action the game accepted and recorded, and the account as it is after it. */
public record Outcome<A extends GameAction>(A action, Account account) {
    public Outcome {
        requireNonNull(action, "action is null");
        requireNonNull(account, "account is null");
    }
}
