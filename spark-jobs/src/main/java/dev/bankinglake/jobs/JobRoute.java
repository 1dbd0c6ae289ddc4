package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** One entry of the job router: a job's name, the class that runs it, its defaults and the parameters it takes. */
public record JobRoute(String name, String className, String description, Map<String, String> defaults, Set<String> parameters) {
    public JobRoute {
        requireNonNull(name, "name is null");
        requireNonNull(className, "className is null");
        requireNonNull(description, "description is null");
        defaults = Map.copyOf(defaults);
        parameters = Set.copyOf(parameters);
        for (String key : defaults.keySet()) {
            if (!parameters.contains(key)) {
                throw new IllegalArgumentException("Job '" + name + "': default for '" + key + "', which is not one of its parameters " + new TreeSet<>(parameters));
            }
        }
    }

    /** The defaults overlaid with {@code given}; a parameter the job does not take is refused, named. */
    public Map<String, String> resolve(Map<String, String> given) {
        Map<String, String> resolved = new TreeMap<>(defaults);
        for (Map.Entry<String, String> parameter : given.entrySet()) {
            if (!parameters.contains(parameter.getKey())) {
                throw new JobRequestException(400, "Unknown parameter '" + parameter.getKey() + "' for job '" + name + "' (allowed: "
                        + String.join(", ", new TreeSet<>(parameters)) + ")");
            }
            resolved.put(parameter.getKey(), parameter.getValue());
        }
        return resolved;
    }
}
