package dev.bankinglake.jobs;

/** A job request the service refuses, with the HTTP status that says why (400, 404, 409, 413). */
public final class JobRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public JobRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
