package dev.bankinglake.jobs;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.JobExecutionStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the router's jobs on the service's SparkSession: each run in its own Spark job group (so
 * cancelling it stops its Spark work) and in the {@value #POOL} scheduler pool (so ingestion keeps
 * its share of the cluster while a job runs). At most one run of a job name at a time.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
    public static final String POOL = "jobs";
    private static final int HISTORY = 100;

    private final JobRouter router;
    private final Supplier<Optional<JobContext>> context;
    private final Clock clock;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "lake-job");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, JobExecution> running = new ConcurrentHashMap<>();
    private final Map<String, JobExecution> executions = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobExecution> eldest) {
            return size() > HISTORY && eldest.getValue().state() != JobExecution.State.RUNNING;
        }
    });

    /** {@code context} is empty until the service's session is up. */
    public JobRunner(JobRouter router, Supplier<Optional<JobContext>> context, Clock clock) {
        this.router = requireNonNull(router, "router is null");
        this.context = requireNonNull(context, "context is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public JobRouter router() {
        return router;
    }

    /** Validates and starts a run; refuses an unknown job or parameter (400) and a second run of a name (409). */
    public JobExecution submit(JobRequest request) {
        JobRoute route = router.route(request.job());
        Map<String, String> parameters = route.resolve(request.parameters());
        LakeJob job = instantiate(route);
        job.check(parameters);
        JobContext base = context.get().orElseThrow(() -> new JobRequestException(503, "The lake service is starting: no Spark session yet"));
        JobExecution execution = new JobExecution(UUID.randomUUID().toString(), request, parameters, clock.instant());
        synchronized (running) {
            JobExecution other = running.get(route.name());
            if (other != null) {
                throw new JobRequestException(409, "Job '" + route.name() + "' is already running as " + other.id() + " (one run of a job at a time)");
            }
            running.put(route.name(), execution);
        }
        executions.put(execution.id(), execution);
        execution.work(executor.submit(() -> run(job, base.forJob(execution.id()), execution, parameters)));
        return execution;
    }

    private void run(LakeJob job, JobContext context, JobExecution execution, Map<String, String> parameters) {
        SparkContext spark = context.spark().sparkContext();
        spark.setJobGroup(execution.sparkJobGroup(), "job " + execution.request().job() + " " + execution.id(), true);
        spark.setLocalProperty("spark.scheduler.pool", POOL);
        try {
            LOG.info("Job {} ({}) started with {}", execution.request().job(), execution.id(), parameters);
            Map<String, Object> result = job.run(context, parameters);
            if (execution.succeed(result, clock.instant())) {
                LOG.info("Job {} ({}) succeeded: {}", execution.request().job(), execution.id(), result);
            }
        }
        catch (Exception | LinkageError e) {
            if (execution.fail(e.toString(), clock.instant())) {
                LOG.warn("Job {} ({}) failed", execution.request().job(), execution.id(), e);
            }
        }
        finally {
            spark.clearJobGroup();
            spark.setLocalProperty("spark.scheduler.pool", null);
            running.remove(execution.request().job(), execution);
        }
    }

    /** Cancels a run: its Spark job group is cancelled and its thread interrupted. */
    public JobExecution cancel(String id) {
        JobExecution execution = execution(id);
        if (execution.cancel(clock.instant())) {
            context.get().ifPresent(context -> context.spark().sparkContext().cancelJobGroup(execution.sparkJobGroup()));
            if (execution.work() != null) {
                execution.work().cancel(true);
            }
            LOG.info("Job {} ({}) cancelled", execution.request().job(), id);
        }
        return execution;
    }

    public JobExecution execution(String id) {
        JobExecution execution = executions.get(id);
        if (execution == null) {
            throw new JobRequestException(404, "No job run " + id + " (the service keeps the last " + HISTORY + ")");
        }
        return execution;
    }

    /** Newest first. */
    public List<JobExecution> recent() {
        List<JobExecution> all;
        synchronized (executions) {
            all = new ArrayList<>(executions.values());
        }
        Collections.reverse(all);
        return all;
    }

    /** The Spark jobs of a run: how many, and how many still run (0 once a cancel took effect). */
    public Map<String, Object> sparkWork(JobExecution execution) {
        Map<String, Object> work = new LinkedHashMap<>();
        work.put("job_group", execution.sparkJobGroup());
        Optional<JobContext> current = context.get();
        if (current.isEmpty()) {
            return work;
        }
        int total = 0;
        int active = 0;
        var tracker = current.get().spark().sparkContext().statusTracker();
        for (int jobId : tracker.getJobIdsForGroup(execution.sparkJobGroup())) {
            total++;
            scala.Option<SparkJobInfo> info = tracker.getJobInfo(jobId);
            if (info.isDefined() && info.get().status() == JobExecutionStatus.RUNNING) {
                active++;
            }
        }
        work.put("jobs", total);
        work.put("active_jobs", active);
        return work;
    }

    private static LakeJob instantiate(JobRoute route) {
        try {
            Object job = Class.forName(route.className()).getDeclaredConstructor().newInstance();
            if (!(job instanceof LakeJob lakeJob)) {
                throw new JobRequestException(500, "Job '" + route.name() + "': class " + route.className() + " is not a LakeJob");
            }
            return lakeJob;
        }
        catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException | InvocationTargetException e) {
            throw new JobRequestException(500, "Job '" + route.name() + "': cannot create " + route.className() + " (" + e + ")");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
