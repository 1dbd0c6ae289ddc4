package dev.bankinglake.lake.it;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The lake service's HTTP surface, as a test talks to it. */
final class ServiceClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String baseUrl;
    private final String operatorToken;

    /** Sends {@code operatorToken} with every request that changes something, as an operator's tools do. */
    ServiceClient(String baseUrl, String operatorToken) {
        this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
        this.operatorToken = requireNonNull(operatorToken, "operatorToken is null");
    }

    /** The HTTP status of a GET, or -1 while nothing answers. */
    int status(String path) {
        try {
            return request("GET", path).statusCode();
        }
        catch (IOException e) {
            return -1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(request("GET", path).body());
    }

    HttpResponse<String> request(String method, String path) throws IOException, InterruptedException {
        return request(method, path, null);
    }

    /** A request with a JSON body (none when {@code body} is null). */
    HttpResponse<String> request(String method, String path, String body) throws IOException, InterruptedException {
        return request(method, path, body, "GET".equals(method) ? null : "Bearer " + operatorToken);
    }

    /** A request with the given Authorization header (none when null). */
    HttpResponse<String> request(String method, String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                // a sync job answers when it is done: minutes on a busy machine
                .timeout(Duration.ofMinutes(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST that must answer 2xx (200, or 202 for an accepted async job); returns its JSON. */
    JsonNode post(String path) throws IOException, InterruptedException {
        return post(path, null);
    }

    JsonNode post(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = request("POST", path, body);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
