package dev.bankinglake.api.http;

/** A request the HTTP layer refuses before it reaches the game, with the status to answer. */
public class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
