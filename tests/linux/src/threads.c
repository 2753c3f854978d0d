/*
 * threads: four POSIX threads (clone with CLONE_THREAD and friends, futex,
 * set_robust_list, thread-local storage) that share a counter under a mutex
 * and wait on a condition variable for a start signal. The output is only
 * what does not depend on the scheduler: totals and per-thread results.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "linuxtest.h"

#define NTHREADS 4
#define ROUNDS   10000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready, go;
static long counter;
static __thread int tls_value; /* each thread has its own */

static void *worker(void *arg)
{
    long id = (long)arg;
    tls_value = (int)id * 100;

    pthread_mutex_lock(&lock);
    ready++;
    pthread_cond_broadcast(&cond); /* main waits for ready == 4 */
    while (!go)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);

    long mine = 0;
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        mine++;
        if (i % 1000 == 0)
            sched_yield();
    }
    /* The result carries the thread's own TLS value, to show it was private. */
    return (void *)(mine * 1000 + tls_value);
}

int main(void)
{
    pthread_t t[NTHREADS];
    lt_init();
    tls_value = -1;

    for (long i = 0; i < NTHREADS; i++)
        if (pthread_create(&t[i], NULL, worker, (void *)i) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }

    pthread_mutex_lock(&lock);
    while (ready < NTHREADS)
        pthread_cond_wait(&cond, &lock);
    printf("all %d threads ready\n", ready);
    go = 1;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);

    for (int i = 0; i < NTHREADS; i++) {
        void *res;
        pthread_join(t[i], &res);
        long r = (long)res;
        printf("thread %d: %ld increments, tls %ld\n", i, r / 1000, r % 1000);
        if (r != ROUNDS * 1000L + i * 100)
            lt_failures++;
    }
    printf("counter: %ld\n", counter);
    CHECK(counter == (long)NTHREADS * ROUNDS, "counter is 4 x 10000");
    CHECK(tls_value == -1, "main's TLS value untouched");
    CHECK(getpid() == getpid(), "getpid is stable");
    return lt_status();
}
