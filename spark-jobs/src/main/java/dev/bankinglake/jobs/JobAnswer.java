package dev.bankinglake.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The answer shape of the jobs API, over HTTP and MQTT: {@code {"success", "payload", "errors", "request"}}. */
public record JobAnswer(int status, Map<String, Object> body) {
    public JobAnswer {
        body = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(body));
    }

    public static JobAnswer of(int status, boolean success, Object payload, List<String> errors, Object request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", success);
        body.put("payload", payload);
        body.put("errors", List.copyOf(errors));
        body.put("request", request);
        return new JobAnswer(status, body);
    }

    public JobAnswer withStatus(int newStatus) {
        return new JobAnswer(newStatus, body);
    }

    public static JobAnswer refused(JobRequestException refusal, Object request) {
        return of(refusal.status(), false, null, List.of(refusal.getMessage()), request);
    }

    /** The answer for a run: 200 when it succeeded, 202 while it runs, 409 when cancelled, 500 when it failed. */
    public static JobAnswer forExecution(JobExecution execution, Map<String, Object> payload) {
        int status = switch (execution.state()) {
            case SUCCEEDED -> 200;
            case RUNNING -> 202;
            case CANCELLED -> 409;
            case FAILED -> 500;
        };
        return of(status, execution.state() == JobExecution.State.SUCCEEDED || execution.state() == JobExecution.State.RUNNING,
                payload, execution.errors(), execution.request().toJson());
    }
}
