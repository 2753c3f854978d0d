/*
 * process_test.c: processes: pids and the table's limit, a thread running
 * on its own process's address space, zombies and reaping, exit status,
 * and orphans handed to process 0.
 *
 * The processes here have user address spaces (memory_set_init_user) but
 * their threads run kernel code, so no user program is needed.
 */
#include "ktest/ktest.h"
#include "abi/errno.h"
#include "arch/riscv.h"
#include "mm/frame.h"
#include "mm/heap/heap.h"
#include "mm/memory_set.h"
#include "proc/process.h"
#include "proc/sched.h"
#include "proc/thread.h"

/* A new process with an empty user address space, child of the calling thread's process. */
static struct process *new_process(struct ktest *t, const char *name)
{
    struct memory_set *set = kzalloc(sizeof(*set));
    if (set == NULL || memory_set_init_user(set) != 0) {
        kfree(set);
        KTEST_CHECK_TRUE(t, !"no memory for a user memory set", false);
        return NULL;
    }
    struct process *process = NULL;
    int error = process_create(name, process_current(), set, &process);
    if (error != 0) {
        memory_set_destroy(set);
        kfree(set);
        return NULL;
    }
    return process;
}

static void process_0_is_the_kernel(struct ktest *t)
{
    struct process *kernel = process_find(0);
    ASSERT_NOT_NULL(t, kernel);
    EXPECT_TRUE(t, kernel == &kernel_process);
    EXPECT_STREQ(t, kernel->name, "kernel");
    EXPECT_TRUE(t, kernel->memory_set == &kernel_memory_set);
    EXPECT_TRUE(t, process_current() == &kernel_process);
    EXPECT_TRUE(t, thread_current()->process == &kernel_process);
}

static void process_pids_are_distinct_until_the_table_is_full(struct ktest *t)
{
    uint64_t frames_before = frame_free_count();
    int count_before = process_count();
    static struct process *made[PROCESS_MAX];
    int made_count = 0;
    int error = 0;
    while (made_count < PROCESS_MAX) {
        struct memory_set *set = kzalloc(sizeof(*set));
        ASSERT_NOT_NULL(t, set);
        ASSERT_EQ(t, memory_set_init_user(set), 0);
        error = process_create("filler", &kernel_process, set, &made[made_count]);
        if (error != 0) {
            memory_set_destroy(set);
            kfree(set);
            break;
        }
        made_count++;
    }
    EXPECT_EQ(t, error, -EAGAIN);
    EXPECT_EQ(t, made_count, PROCESS_MAX - count_before);
    EXPECT_EQ(t, process_count(), PROCESS_MAX);
    for (int i = 0; i < made_count; i++) {
        EXPECT_GT(t, made[i]->pid, 0);
        EXPECT_TRUE(t, process_find(made[i]->pid) == made[i]);
        for (int j = 0; j < i; j++)
            EXPECT_NE(t, made[i]->pid, made[j]->pid);
    }
    for (int i = 0; i < made_count; i++)
        process_abandon(made[i]);
    EXPECT_EQ(t, process_count(), count_before);
    EXPECT_EQ(t, frame_free_count(), frames_before);
}

static volatile uint64_t satp_seen;

static int record_satp_and_exit(void *arg)
{
    satp_seen = csr_read(satp);
    return (int)(uintptr_t)arg;
}

/* Its thread runs on the process's table; the zombie keeps the status; reaping frees it all. */
static void process_thread_runs_in_its_address_space_and_is_reaped(struct ktest *t)
{
    struct process *warm_up = new_process(t, "warm-up");
    ASSERT_NOT_NULL(t, warm_up);
    process_abandon(warm_up);

    uint64_t frames_before = frame_free_count();
    struct heap_stats heap_before;
    heap_kernel_stats(&heap_before);
    size_t threads_before = thread_count();

    struct process *child = new_process(t, "child");
    ASSERT_NOT_NULL(t, child);
    int pid = child->pid;
    uint64_t child_satp = pt_satp(&child->memory_set->mapping);
    satp_seen = 0;
    ASSERT_NOT_NULL(t, thread_create_in(child, record_satp_and_exit, (void *)5, "child-main"));
    int status = -1;
    EXPECT_EQ(t, process_wait(pid, &status, false), pid);
    EXPECT_EQ(t, status, 5);
    EXPECT_EQ(t, satp_seen, child_satp);
    /* And back on the kernel's table now that process 0 runs again. */
    EXPECT_EQ(t, csr_read(satp), pt_satp(&kernel_memory_set.mapping));
    EXPECT_NULL(t, process_find(pid));

    struct heap_stats heap_after;
    heap_kernel_stats(&heap_after);
    EXPECT_EQ(t, frame_free_count(), frames_before);
    EXPECT_EQ(t, heap_after.used_bytes, heap_before.used_bytes);
    EXPECT_EQ(t, thread_count(), threads_before);
}

static void process_wait_without_children_or_without_hanging(struct ktest *t)
{
    EXPECT_EQ(t, process_wait(-1, NULL, false), -ECHILD);
    struct process *child = new_process(t, "idle-child");
    ASSERT_NOT_NULL(t, child);
    /* Alive (no thread has exited), so no_hang returns 0 at once. */
    EXPECT_EQ(t, process_wait(child->pid, NULL, true), 0);
    EXPECT_EQ(t, process_wait(child->pid + 1000, NULL, true), -ECHILD);
    process_abandon(child);
}

static int exit_the_process(void *arg)
{
    process_exit((int)(uintptr_t)arg);
}

static int sleep_then_return_one(void *unused)
{
    (void)unused;
    sched_sleep_ticks(2);
    return 1;
}

/* process_exit's status is the one the parent sees, not a later thread's exit code. */
static void process_exit_status_is_what_the_parent_sees(struct ktest *t)
{
    struct process *child = new_process(t, "exiter");
    ASSERT_NOT_NULL(t, child);
    ASSERT_NOT_NULL(t, thread_create_in(child, sleep_then_return_one, NULL, "second"));
    ASSERT_NOT_NULL(t, thread_create_in(child, exit_the_process, (void *)9, "first"));
    int pid = child->pid; /* the struct is freed by the wait */
    int status = -1;
    EXPECT_EQ(t, process_wait(pid, &status, false), pid);
    EXPECT_EQ(t, status, 9);
}

static struct process *grandchild;

static int make_grandchild_and_exit(void *arg)
{
    struct ktest *t = arg;
    grandchild = new_process(t, "grandchild");
    if (grandchild != NULL)
        thread_create_in(grandchild, sleep_then_return_one, NULL, "grandchild-main");
    return 3;
}

/* A child that dies first leaves its own child to process 0, which can then reap it. */
static void process_orphans_go_to_process_0(struct ktest *t)
{
    grandchild = NULL;
    struct process *child = new_process(t, "parent-of-one");
    ASSERT_NOT_NULL(t, child);
    ASSERT_NOT_NULL(t, thread_create_in(child, make_grandchild_and_exit, t, "child-main"));
    int pid = child->pid; /* the struct is freed by the wait */
    int status = -1;
    EXPECT_EQ(t, process_wait(pid, &status, false), pid);
    EXPECT_EQ(t, status, 3);
    ASSERT_NOT_NULL(t, grandchild);
    EXPECT_TRUE(t, grandchild->parent == &kernel_process);
    pid = grandchild->pid;
    EXPECT_EQ(t, process_wait(pid, &status, false), pid);
    EXPECT_EQ(t, status, 1);
}

/*
 * The orphan is a zombie already when its parent dies, and the adopter is
 * not that parent's parent: kernel -> middle -> parent -> orphan. The
 * adopter (process 0 here; init on a running system) sleeps in wait(-1)
 * while only `middle`, alive, is its child; the parent's exit wakes
 * `middle`, so only the hand-over itself can wake the adopter to reap.
 */
static struct process *orphan;
static volatile bool middle_may_exit;

static int return_two(void *unused)
{
    (void)unused;
    return 2;
}

static int make_orphan_zombie_and_exit(void *arg)
{
    struct ktest *t = arg;
    orphan = new_process(t, "orphan");
    if (orphan == NULL || thread_create_in(orphan, return_two, NULL, "orphan-main") == NULL)
        return 1;
    while (__atomic_load_n(&orphan->state, __ATOMIC_ACQUIRE) != PROCESS_ZOMBIE)
        sched_sleep_ticks(1);
    return 0; /* dies with a zombie child: it goes to the adopter */
}

static int make_parent_then_linger(void *arg)
{
    struct ktest *t = arg;
    struct process *parent = new_process(t, "orphan-parent");
    if (parent != NULL)
        thread_create_in(parent, make_orphan_zombie_and_exit, t, "parent-main");
    /* Bounded: with the bug, the test thread wakes only when this process ends. */
    for (int tick = 0; tick < 100 && !middle_may_exit; tick++)
        sched_sleep_ticks(1);
    return 4;
}

static void process_orphan_zombie_wakes_its_adopter(struct ktest *t)
{
    /* pid 1 would adopt instead of process 0: use it up first if it is free. */
    struct process *warm_up = new_process(t, "warm-up");
    ASSERT_NOT_NULL(t, warm_up);
    process_abandon(warm_up);
    orphan = NULL;
    middle_may_exit = false;
    struct process *middle = new_process(t, "middle");
    ASSERT_NOT_NULL(t, middle);
    ASSERT_NE(t, middle->pid, 1);
    int middle_pid = middle->pid;
    ASSERT_NOT_NULL(t, thread_create_in(middle, make_parent_then_linger, t, "middle-main"));
    /* Asleep in wait(-1): the zombie orphan's arrival must wake this thread. */
    int status = -1;
    int reaped = process_wait(-1, &status, false);
    EXPECT_NE(t, reaped, middle_pid);
    ASSERT_NOT_NULL(t, orphan);
    EXPECT_EQ(t, status, 2);
    middle_may_exit = true;
    /* The rest: `middle`, and the dead parent, which came here too when `middle` ended. */
    while (process_wait(-1, NULL, false) > 0) {
    }
    EXPECT_EQ(t, process_wait(-1, NULL, true), -ECHILD);
}

static const struct ktest_case process_cases[] = {
    KTEST_CASE(process_0_is_the_kernel),
    KTEST_CASE(process_pids_are_distinct_until_the_table_is_full),
    KTEST_CASE(process_thread_runs_in_its_address_space_and_is_reaped),
    KTEST_CASE(process_wait_without_children_or_without_hanging),
    KTEST_CASE(process_exit_status_is_what_the_parent_sees),
    KTEST_CASE(process_orphans_go_to_process_0),
    KTEST_CASE(process_orphan_zombie_wakes_its_adopter),
    {0},
};
KTEST_SUITE(process, process_cases);
