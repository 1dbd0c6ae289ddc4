package dev.bankinglake.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

class SupervisedQueryStopTest {
    @Test
    void theGracefulStopTakesTheBatchLockStopsTheQueryAndGivesTheLockBack() throws Exception {
        ReentrantLock batchLock = new ReentrantLock();
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicBoolean lockHeldWhileStopping = new AtomicBoolean();
        StreamingQuery query = (StreamingQuery) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StreamingQuery.class},
                (proxy, method, arguments) -> switch (method.getName()) {
                    case "stop" -> {
                        lockHeldWhileStopping.set(batchLock.isHeldByCurrentThread());
                        stopped.set(true);
                        yield null;
                    }
                    case "name" -> "ingest";
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        SupervisedQuery.afterTheRunningBatch(batchLock).stop(query);

        assertThat(stopped).isTrue();
        assertThat(lockHeldWhileStopping).as("no batch starts while the query stops").isTrue();
        assertThat(batchLock.isLocked()).as("the lock is given back").isFalse();
    }
}
