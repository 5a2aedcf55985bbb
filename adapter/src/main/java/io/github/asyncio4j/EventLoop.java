package io.github.asyncio4j;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.NonBlocking;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.Logger;
import reactor.util.Loggers;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * asyncio's event loop: one thread runs callbacks, timers, task steps and future callbacks, in the
 * order asyncio promises. It is also a Reactor {@link Scheduler}, so {@code publishOn(loop)},
 * {@code Mono.delay(d, loop)} and {@code Flux.interval(d, loop)} run on it and keep the same order.
 *
 * <h2>How one iteration runs (asyncio's {@code _run_once})</h2>
 *
 * <ol>
 *   <li>Move what other threads submitted ({@link #callSoonThreadsafe}, Reactor {@code schedule})
 *       from the thread-safe inbox to the ready queue, and their timers into the timer heap.
 *   <li>If nothing is ready and the loop is not stopping, wait: until the earliest timer is due, or
 *       another thread submits work. (The {@link VirtualTimeEventLoop} jumps its clock instead.)
 *   <li>Move every due timer, earliest deadline first and equal deadlines in scheduling order, to
 *       the <em>tail</em> of the ready queue.
 *   <li>Run exactly the handles that are ready now. Whatever they schedule waits for the next
 *       iteration, so no callback can starve the others.
 * </ol>
 *
 * <p>Worked example (asyncio's {@code test__run_once_schedule_handle}): {@code callSoon(A);
 * callLater(0, T); callSoon(B); callAt(time() - 1, P); callSoon(C)} runs {@code A, B, C, P, T}: the
 * ready callbacks first, then the due timers, earliest first.
 *
 * <h2>Threads</h2>
 *
 * <p>The loop runs on the thread that calls {@link #runForever()} or {@link #runUntilComplete}, or
 * on its own thread when made by {@link #newThreadEventLoop(String)}. That thread counts as a
 * Reactor non-blocking thread while the loop runs: {@code block()} refuses to run there, and
 * BlockHound reports blocking calls made there. <em>Loop-only</em> methods ({@code callSoon},
 * {@code callLater}, {@code callAt}, {@code createTask}, {@code createFuture}) are meant for the
 * loop's thread, or for any one thread before the loop runs; called from another thread while the
 * loop runs, they are forwarded through the thread-safe inbox, or fail in {@linkplain #setDebug
 * debug mode} as asyncio's debug mode does. <em>Thread-safe</em> methods may be called from
 * anywhere.
 *
 * <h2>Lifecycle</h2>
 *
 * <p>{@code open -> running <-> open -> closed}: a loop may run many times, and once closed it
 * rejects everything with {@code IllegalStateException("Event loop is closed")}. {@link #close()}
 * drops pending callbacks and timers and shuts the default executor down.
 */
public class EventLoop implements Scheduler {

  private static final Logger LOGGER = Loggers.getLogger("asyncio4j");

  /** The loop running on each thread: asyncio's {@code _running_loop}. */
  private static final ThreadLocal<EventLoop> RUNNING = new ThreadLocal<>();

  /** Scheduling order across all loops and threads: the tie-breaker for equal deadlines. */
  private static final AtomicLong TIMER_SEQ = new AtomicLong();

  private static final int MIN_SCHEDULED_TIMER_HANDLES = 100;
  private static final long MAXIMUM_SELECT_TIMEOUT_NANOS = TimeUnit.HOURS.toNanos(24);

  static {
    // Reactor's block() consults this predicate: a running loop's thread is non-blocking.
    Schedulers.registerNonBlockingThreadPredicate(EventLoop::isLoopThread);
  }

  private static final AtomicReferenceFieldUpdater<EventLoop, Thread> THREAD =
      AtomicReferenceFieldUpdater.newUpdater(EventLoop.class, Thread.class, "thread");
  private static final AtomicIntegerFieldUpdater<EventLoop> CANCELLED_TIMERS =
      AtomicIntegerFieldUpdater.newUpdater(EventLoop.class, "cancelledTimers");

  /** Callbacks ready to run, FIFO. Loop thread only. */
  private final ArrayDeque<Handle> ready = new ArrayDeque<>(256);

  /** Handles and timers submitted from other threads; multi-producer, single-consumer. */
  private final java.util.Queue<Handle> inbox = Queues.<Handle>unboundedMultiproducer().get();

  /** Binary min-heap of timers by (deadline, seq). Loop thread only. */
  private TimerHandle[] heap = new TimerHandle[64];

  private int heapSize;

  /** Cancelled timers still in the heap, approximately: it drives the purge. */
  private volatile int cancelledTimers;

  /** The thread running the loop, or null. Set by CAS so two threads cannot both run it. */
  private volatile @Nullable Thread thread;

  /**
   * The loop's own thread ({@link #newThreadEventLoop}), or null. Set before that thread starts, so
   * the loop counts as running from creation: {@link #thread} alone is null until the thread enters
   * {@link #runForever()}, and again for a moment between two of its runs.
   */
  private volatile @Nullable Thread ownThread;

  /** Whether the running thread is parked waiting for work: producers unpark it. */
  private volatile boolean parked;

  private volatile boolean stopping;
  private volatile boolean closed;

  /** Scheduler.dispose() was called: reject Reactor work, close when the run returns. */
  private volatile boolean disposing;

  private final Sinks.Empty<Void> terminated = Sinks.empty();

  private volatile boolean debug = debugFromEnvironment();
  private volatile long slowCallbackNanos = TimeUnit.MILLISECONDS.toNanos(100);
  private volatile @Nullable ExceptionHandler exceptionHandler;

  private volatile TaskFactory taskFactory = TaskFactory.LAZY;

  /** The task whose step is running, asyncio's {@code current_task()}. Loop thread only. */
  @Nullable Task<?> currentTask;

  /** Sentinel of the circular list of not-done tasks. Loop thread only. */
  final Task<?> tasks = Task.sentinel(this);

  private @Nullable Scheduler defaultExecutor;

  EventLoop() {}

  /**
   * A new loop that runs on the thread that calls its run methods: asyncio's {@code
   * new_event_loop()}.
   *
   * @return a new, open, not running loop
   */
  public static EventLoop newEventLoop() {
    return new EventLoop();
  }

  /**
   * A new loop already running forever on a new daemon thread named {@code threadName}: the loop to
   * use as a Reactor {@link Scheduler} ({@code publishOn(loop)}) and to submit work to from other
   * threads. {@link #dispose()} stops it and closes it on its thread.
   *
   * @param threadName the name of the loop's thread
   * @return a running loop
   */
  public static EventLoop newThreadEventLoop(String threadName) {
    Objects.requireNonNull(threadName, "threadName");
    EventLoop loop = new EventLoop();
    loop.startThread(threadName);
    return loop;
  }

  final void startThread(String threadName) {
    Thread t =
        new LoopThread(
            () -> {
              try {
                while (!disposing && !closed) {
                  runForever();
                }
              } finally {
                if (!closed) {
                  close();
                }
              }
            },
            threadName);
    t.setDaemon(true);
    ownThread = t;
    t.start();
  }

  /** Whether the loop runs now, or has its own thread, other than {@code current}, still alive. */
  private boolean runningOrOwnedElsewhere(Thread current) {
    Thread own = ownThread;
    return thread != null || (own != null && own != current && own.isAlive());
  }

  /** A loop's own thread: a Reactor non-blocking thread. */
  static final class LoopThread extends Thread implements NonBlocking {
    LoopThread(Runnable body, String name) {
      super(body, name);
    }
  }

  /**
   * The loop running on the calling thread: asyncio's {@code get_running_loop()}.
   *
   * @return the running loop
   * @throws IllegalStateException {@code "no running event loop"} when none runs on this thread
   */
  public static EventLoop running() {
    EventLoop loop = RUNNING.get();
    if (loop == null) {
      throw new IllegalStateException("no running event loop");
    }
    return loop;
  }

  /**
   * The loop of a Reactor chain: the loop of the task whose chain carries {@code context}, else the
   * loop running on the calling thread. This is how operators find their loop when subscribed off
   * the loop thread.
   *
   * @param context the subscriber's context
   * @return the loop
   * @throws IllegalStateException {@code "no running event loop"} when there is none
   */
  public static EventLoop running(ContextView context) {
    Objects.requireNonNull(context, "context");
    EventLoop loop = context.getOrDefault(EventLoop.class, null);
    return loop != null ? loop : running();
  }

  /**
   * The loop running on the calling thread, or {@code null}.
   *
   * @return the running loop or null
   */
  public static @Nullable EventLoop runningOrNull() {
    return RUNNING.get();
  }

  /**
   * Whether {@code t} is running an event loop now: such threads are Reactor non-blocking threads.
   *
   * @param t a thread
   * @return true if a loop is running on it
   */
  public static boolean isLoopThread(Thread t) {
    return t instanceof LoopThread || (t == Thread.currentThread() && RUNNING.get() != null);
  }

  // ---------------------------------------------------------------- clock

  /**
   * The loop's clock in nanoseconds. Real loops read {@link System#nanoTime()}; the virtual-time
   * loop overrides it.
   */
  long nanoTime() {
    return System.nanoTime();
  }

  /**
   * The loop's clock in seconds, monotonic, with an unspecified epoch: asyncio's {@code
   * loop.time()}. Virtual in a {@link VirtualTimeEventLoop}. Thread-safe.
   *
   * @return the current time on the loop's clock
   */
  public double time() {
    return nanoTime() / 1e9;
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * Schedules {@code callback} to run on the next iteration: asyncio's {@code loop.call_soon}.
   * Callbacks run in the order they were scheduled, each once, on the loop's thread; one scheduled
   * while the loop drains its ready queue runs in the next iteration. Loop-only.
   *
   * @param callback what to run; an exception it throws goes to the {@linkplain
   *     #setExceptionHandler exception handler} and does not stop the loop
   * @return a handle that cancels the callback
   * @throws IllegalStateException if the loop is closed, or in debug mode when called from a thread
   *     other than the running loop's
   */
  public Handle callSoon(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkClosed();
    Handle h = new Handle(debug ? Scheduled.describe(callback) : callback);
    if (Thread.currentThread() == thread) {
      ready.addLast(h);
    } else {
      submitForeign(h, true);
    }
    return h;
  }

  /**
   * Schedules {@code callback} from any thread: asyncio's {@code loop.call_soon_threadsafe}.
   * Nothing is lost and each producing thread's order is kept; an idle loop is woken. Thread-safe.
   *
   * @param callback what to run on the loop's thread
   * @return a handle that cancels the callback
   * @throws IllegalStateException if the loop is closed
   */
  public Handle callSoonThreadsafe(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    checkClosed();
    Handle h = new Handle(debug ? Scheduled.describe(callback) : callback);
    if (Thread.currentThread() == thread) {
      ready.addLast(h);
    } else {
      submitForeign(h, false);
    }
    return h;
  }

  /**
   * Schedules {@code callback} after {@code delay} on the loop's clock: asyncio's {@code
   * loop.call_later}. A zero or negative delay means as soon as possible; the timer still joins the
   * ready queue behind the callbacks already waiting. Loop-only.
   *
   * @param delay how long to wait
   * @param callback what to run
   * @return a handle that cancels the timer
   * @throws IllegalStateException if the loop is closed
   */
  public TimerHandle callLater(Duration delay, Runnable callback) {
    Objects.requireNonNull(delay, "delay");
    return callAtNanos(saturatedAdd(nanoTime(), saturatedNanos(delay)), callback, true);
  }

  /**
   * Schedules {@code callback} after {@code delay} seconds: asyncio's {@code loop.call_later(delay,
   * callback)}. See {@link #callLater(Duration, Runnable)}.
   *
   * @param delay seconds to wait; negative means as soon as possible
   * @param callback what to run
   * @return a handle that cancels the timer
   * @throws IllegalArgumentException if {@code delay} is NaN
   */
  public TimerHandle callLater(double delay, Runnable callback) {
    checkNotNaN(delay, "delay");
    return callAtNanos(saturatedAdd(nanoTime(), secondsToNanos(delay)), callback, true);
  }

  /**
   * Schedules {@code callback} at {@code when} on the loop's clock ({@link #time()}, seconds):
   * asyncio's {@code loop.call_at}. A time in the past means as soon as possible. Loop-only.
   *
   * @param when the deadline, in seconds on the loop's clock
   * @param callback what to run
   * @return a handle that cancels the timer
   * @throws IllegalArgumentException if {@code when} is NaN
   */
  public TimerHandle callAt(double when, Runnable callback) {
    checkNotNaN(when, "when");
    return callAtNanos(secondsToNanos(when), callback, true);
  }

  /** Schedules a timer; {@code loopOnly} selects the debug-mode thread check. */
  final TimerHandle callAtNanos(long whenNanos, Runnable callback, boolean loopOnly) {
    Objects.requireNonNull(callback, "callback");
    checkClosed();
    TimerHandle t =
        new TimerHandle(
            this,
            whenNanos,
            TIMER_SEQ.getAndIncrement(),
            debug ? Scheduled.describe(callback) : callback);
    if (Thread.currentThread() == thread) {
      heapPush(t);
    } else {
      submitForeign(t, loopOnly);
    }
    return t;
  }

  /** Schedules from the loop thread if we are on it, else thread-safely; never checks debug. */
  final void callSoonAnyThread(Runnable callback) {
    Handle h = new Handle(callback);
    if (Thread.currentThread() == thread) {
      ready.addLast(h);
    } else if (!closed) {
      submitForeign(h, false);
    }
  }

  final boolean inLoopThread() {
    return Thread.currentThread() == thread;
  }

  private void submitForeign(Handle h, boolean loopOnly) {
    if (loopOnly && debug && thread != null) {
      throw new IllegalStateException(
          "Non-thread-safe operation invoked on an event loop other than the current one");
    }
    inbox.offer(h);
    // Dekker pairing with idle(): we publish, then read 'parked'; it writes 'parked', then reads
    // the inbox. One of us sees the other, so a submission never waits for a timeout.
    if (parked) {
      Thread t = thread;
      if (t != null) {
        LockSupport.unpark(t);
      }
    }
  }

  final void wakeUp() {
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs until {@link #stop()} is called: asyncio's {@code loop.run_forever()}. A stop requested
   * before it runs lets exactly one iteration run. Callbacks scheduled during the last iteration
   * stay queued for the next run.
   *
   * @throws IllegalStateException {@code "Event loop is closed"}, {@code "This event loop is
   *     already running"}, or {@code "Cannot run the event loop while another loop is running"}
   */
  public void runForever() {
    checkClosed();
    Thread current = Thread.currentThread();
    if (RUNNING.get() == this || runningOrOwnedElsewhere(current)) {
      throw new IllegalStateException("This event loop is already running");
    }
    if (RUNNING.get() != null) {
      throw new IllegalStateException("Cannot run the event loop while another loop is running");
    }
    if (!THREAD.compareAndSet(this, null, current)) {
      throw new IllegalStateException("This event loop is already running");
    }
    RUNNING.set(this);
    try {
      do {
        runOnce();
      } while (!stopping);
    } finally {
      stopping = false;
      RUNNING.remove();
      thread = null;
      if (disposing && !closed && !(current instanceof LoopThread)) {
        close();
      }
    }
  }

  /**
   * Runs until {@code future} is done and returns its result: asyncio's {@code
   * loop.run_until_complete}. A {@link Mono} that is not a {@link Future} is wrapped in a {@link
   * Task} first ({@code ensure_future}).
   *
   * @param future the future, task or coroutine to run
   * @param <T> the result type
   * @return the result; {@code null} for an empty {@code Mono}
   * @throws IllegalStateException if the loop is closed or running, or {@code "Event loop stopped
   *     before Future completed."}
   * @throws IllegalArgumentException if {@code future} belongs to another loop
   * @throws CancelledError if the future was cancelled; any other exception it ended with is thrown
   *     as is, checked ones wrapped as by Reactor's {@link Exceptions#propagate}
   */
  public <T> @Nullable T runUntilComplete(Mono<T> future) {
    Objects.requireNonNull(future, "future");
    checkClosed();
    if (RUNNING.get() == this || runningOrOwnedElsewhere(Thread.currentThread())) {
      throw new IllegalStateException("This event loop is already running");
    }
    if (RUNNING.get() != null) {
      throw new IllegalStateException("Cannot run the event loop while another loop is running");
    }
    Future<T> f;
    if (future instanceof Future<T> given) {
      if (given.loop != this) {
        throw new IllegalArgumentException(
            "The future belongs to a different loop than the one specified as the loop argument");
      }
      f = given;
    } else {
      f = createTask(future);
    }
    java.util.function.Consumer<Future<T>> stopper = done -> stop();
    f.addDoneCallback(stopper);
    try {
      runForever();
    } finally {
      f.removeDoneCallback(stopper);
    }
    if (!f.done()) {
      throw new IllegalStateException("Event loop stopped before Future completed.");
    }
    return f.result();
  }

  /**
   * Asks the loop to stop after the current iteration: asyncio's {@code loop.stop()}. Callbacks
   * already scheduled for later iterations stay queued. Thread-safe.
   */
  public void stop() {
    stopping = true;
    wakeUp();
  }

  /**
   * Whether the loop is running: asyncio's {@code loop.is_running()}. Thread-safe.
   *
   * @return true while a thread runs the loop
   */
  public boolean isRunning() {
    return thread != null;
  }

  /**
   * Whether the loop was closed: asyncio's {@code loop.is_closed()}. Thread-safe.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes the loop: asyncio's {@code loop.close()}. Pending callbacks and timers are dropped and
   * the default executor is shut down without waiting. Idempotent.
   *
   * @throws IllegalStateException {@code "Cannot close a running event loop"}
   */
  public void close() {
    if (closed) {
      return; // idempotent, also while a loop's own thread is finishing after closing it
    }
    if (runningOrOwnedElsewhere(Thread.currentThread())) {
      throw new IllegalStateException("Cannot close a running event loop");
    }
    closed = true;
    ready.clear();
    inbox.clear();
    Arrays.fill(heap, 0, heapSize, null);
    heapSize = 0;
    cancelledTimers = 0;
    Scheduler executor = defaultExecutor;
    defaultExecutor = null;
    if (executor != null) {
      executor.dispose();
    }
    terminated.tryEmitEmpty();
  }

  /** One iteration: asyncio's {@code _run_once}; see the class comment. */
  final void runOnce() {
    drainInbox();
    if (heapSize > MIN_SCHEDULED_TIMER_HANDLES && cancelledTimers * 2 > heapSize) {
      purgeCancelledTimers();
    } else {
      popCancelledTimers();
    }
    long timeout;
    if (!ready.isEmpty() || stopping) {
      timeout = 0;
    } else if (heapSize > 0) {
      long when = heap[0].whenNanos;
      long now = nanoTime();
      // Compare before subtracting: a deadline saturated at Long.MIN_VALUE minus a positive clock
      // overflows to a huge positive wait; a difference that overflows the other way is huge.
      long remaining = when <= now ? 0 : when - now;
      timeout = Math.min(remaining < 0 ? Long.MAX_VALUE : remaining, MAXIMUM_SELECT_TIMEOUT_NANOS);
    } else {
      timeout = -1;
    }
    if (timeout != 0) {
      idle(timeout);
      drainInbox();
      popCancelledTimers();
    }
    // Due timers join the tail of the ready queue, earliest deadline first.
    if (heapSize > 0) {
      long now = nanoTime();
      while (heapSize > 0 && heap[0].whenNanos <= now) {
        TimerHandle t = heapPop();
        if (t.cancelled()) {
          CANCELLED_TIMERS.decrementAndGet(this);
        } else {
          ready.addLast(t);
        }
      }
    }
    // Run only what is ready now: anything these schedule waits for the next iteration.
    final ArrayDeque<Handle> ready = this.ready;
    final boolean debug = this.debug;
    for (int n = ready.size(); n > 0; n--) {
      Handle h = ready.pollFirst();
      if (h == null) {
        break; // defensive: only this loop removes from the queue, and close() cannot run now
      }
      Runnable callback = h.claim();
      if (callback != null) {
        try {
          if (debug) {
            runTimed(h, callback);
          } else {
            runHandle(h, callback);
          }
        } finally {
          h.ran();
        }
      } else if (h instanceof TimerHandle) {
        // A timer cancelled after it came due: counted by cancel() but no longer in the heap, so
        // uncount it here, or the count drifts up and purges run early (asyncio only counts
        // timers still scheduled in its heap).
        CANCELLED_TIMERS.decrementAndGet(this);
      }
    }
  }

  /**
   * Waits for work: at most {@code timeoutNanos}, or until another thread submits when negative.
   * Only ever called with nothing ready. The virtual-time loop overrides it to jump its clock.
   */
  void idle(long timeoutNanos) {
    parked = true;
    try {
      if (inbox.isEmpty() && !stopping) {
        if (timeoutNanos < 0) {
          LockSupport.park(this);
        } else {
          LockSupport.parkNanos(this, timeoutNanos);
        }
      }
    } finally {
      parked = false;
    }
  }

  final boolean inboxIsEmpty() {
    return inbox.isEmpty();
  }

  private void drainInbox() {
    Handle h;
    while ((h = inbox.poll()) != null) {
      if (h instanceof TimerHandle t) {
        if (t.cancelled()) {
          CANCELLED_TIMERS.decrementAndGet(this);
        } else {
          heapPush(t);
        }
      } else {
        ready.addLast(h);
      }
    }
  }

  private void runHandle(Handle h, Runnable callback) {
    try {
      callback.run();
    } catch (Throwable e) {
      // A callback error does not stop the loop (asyncio's Handle._run); JVM-fatal ones escape.
      Exceptions.throwIfJvmFatal(e);
      Map<String, Object> context = new LinkedHashMap<>();
      context.put("message", "Exception in callback " + callback);
      context.put("exception", e);
      context.put("handle", h);
      callExceptionHandler(context);
    }
  }

  private void runTimed(Handle h, Runnable callback) {
    long start = System.nanoTime(); // real time on purpose: it measures the callback, not the loop
    runHandle(h, callback);
    long took = System.nanoTime() - start;
    if (took >= slowCallbackNanos) {
      logSlowCallback(h, callback, took);
    }
  }

  /**
   * asyncio's slow-callback warning. A method of its own so that the BlockHound integration can
   * allow the logging backend's blocking writes here, and nowhere else in a callback's run.
   */
  private static void logSlowCallback(Handle h, Runnable callback, long tookNanos) {
    LOGGER.warn(
        "Executing <{} {}> took {} seconds",
        h.getClass().getSimpleName(),
        callback,
        // Locale.ROOT: asyncio's "0.150", never "0,150" under a locale with a decimal comma.
        String.format(Locale.ROOT, "%.3f", tookNanos / 1e9));
  }

  // ---------------------------------------------------------------- timer heap

  private void heapPush(TimerHandle t) {
    if (heapSize == heap.length) {
      heap = Arrays.copyOf(heap, heapSize * 2);
    }
    int i = heapSize++;
    TimerHandle[] h = heap;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      TimerHandle p = h[parent];
      if (!t.before(p)) {
        break;
      }
      h[i] = p;
      i = parent;
    }
    h[i] = t;
  }

  private TimerHandle heapPop() {
    TimerHandle[] h = heap;
    TimerHandle top = h[0];
    int n = --heapSize;
    TimerHandle last = h[n];
    h[n] = null;
    if (n > 0) {
      siftDown(0, last);
    }
    return top;
  }

  private void siftDown(int i, TimerHandle t) {
    TimerHandle[] h = heap;
    int n = heapSize;
    int half = n >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      TimerHandle c = h[child];
      int right = child + 1;
      if (right < n && h[right].before(c)) {
        child = right;
        c = h[child];
      }
      if (!c.before(t)) {
        break;
      }
      h[i] = c;
      i = child;
    }
    h[i] = t;
  }

  private void popCancelledTimers() {
    while (heapSize > 0 && heap[0].cancelled()) {
      heapPop();
      CANCELLED_TIMERS.decrementAndGet(this);
    }
  }

  /** Drops every cancelled timer and rebuilds the heap: O(n), amortised by the half rule. */
  private void purgeCancelledTimers() {
    TimerHandle[] h = heap;
    int kept = 0;
    for (int i = 0; i < heapSize; i++) {
      if (!h[i].cancelled()) {
        h[kept++] = h[i];
      }
    }
    int dropped = heapSize - kept;
    Arrays.fill(h, kept, heapSize, null);
    heapSize = kept;
    for (int i = (kept >>> 1) - 1; i >= 0; i--) {
      siftDown(i, h[i]);
    }
    // Uncount exactly what was dropped rather than reset to 0: a cancel racing with the scan has
    // either been dropped here (and its increment lands now or soon) or is still in the heap and
    // counted, so the count stays exact once the racing increments have landed.
    CANCELLED_TIMERS.addAndGet(this, -dropped);
  }

  final void timerCancelled() {
    CANCELLED_TIMERS.incrementAndGet(this);
  }

  /** Timers in the heap, cancelled ones included: for tests of the purge rule. Loop-only. */
  final int scheduledTimerCount() {
    return heapSize;
  }

  // ---------------------------------------------------------------- futures and tasks

  /**
   * A new pending future bound to this loop: asyncio's {@code loop.create_future()}.
   *
   * @param <T> the result type
   * @return a pending future
   */
  public <T> Future<T> createFuture() {
    return new Future<>(this);
  }

  /**
   * Starts {@code coroutine} as a task: asyncio's {@code loop.create_task(coro)}. The task's first
   * step (subscribing to the {@code Mono}) runs on a later iteration than the caller, and tasks
   * start in creation order, unless the {@linkplain #setTaskFactory eager factory} is set. The loop
   * holds pending tasks until they are done. The task's chain sees the Reactor {@link
   * reactor.util.context.Context Context} of the task that created it. Loop-only.
   *
   * @param coroutine the work; subscribed once, on the loop's thread
   * @param <T> the result type
   * @return the running task, named {@code Task-N}
   * @throws IllegalStateException if the loop is closed
   */
  public <T> Task<T> createTask(Mono<T> coroutine) {
    return createTask(coroutine, null);
  }

  /**
   * Starts {@code coroutine} as a task named {@code name}: asyncio's {@code create_task(coro,
   * name=name)}. See {@link #createTask(Mono)}.
   *
   * @param coroutine the work
   * @param name the task's name, or null for {@code Task-N}
   * @param <T> the result type
   * @return the running task
   */
  public <T> Task<T> createTask(Mono<T> coroutine, @Nullable String name) {
    Task<?> creator = inLoopThread() ? currentTask : null;
    return createTask(coroutine, name, creator != null ? creator.userContext : Context.empty());
  }

  /**
   * Starts {@code coroutine} as a task whose chain sees {@code context}: asyncio's {@code
   * create_task(coro, name=name, context=ctx)}. See {@link #createTask(Mono)}.
   *
   * @param coroutine the work
   * @param name the task's name, or null for {@code Task-N}
   * @param context the Reactor context its chain sees
   * @param <T> the result type
   * @return the running task
   */
  public <T> Task<T> createTask(Mono<T> coroutine, @Nullable String name, ContextView context) {
    Objects.requireNonNull(coroutine, "coroutine");
    Objects.requireNonNull(context, "context");
    checkClosed();
    Task<T> task = new Task<>(this, coroutine, name, Context.of(context));
    if (Thread.currentThread() == thread) {
      task.link();
      if (taskFactory == TaskFactory.EAGER) {
        task.step0();
      } else {
        ready.addLast(task.firstStep());
      }
    } else {
      submitForeign(new Handle(task::linkAndStep0), true);
    }
    return task;
  }

  /**
   * A future for {@code awaitable}: the future itself if it is one of this loop's, else a new task
   * running it: asyncio's {@code asyncio.ensure_future(aw)}. Loop-only.
   *
   * @param awaitable a future, a task or a coroutine
   * @param <T> the result type
   * @return a future of this loop
   * @throws IllegalArgumentException if it is a future of another loop
   */
  public <T> Future<T> ensureFuture(Mono<T> awaitable) {
    Objects.requireNonNull(awaitable, "awaitable");
    if (awaitable instanceof Future<T> f) {
      if (f.loop != this) {
        throw new IllegalArgumentException(
            "The future belongs to a different loop than the one specified as the loop argument");
      }
      return f;
    }
    return createTask(awaitable);
  }

  /**
   * Chooses how {@link #createTask} starts tasks: asyncio's {@code
   * loop.set_task_factory(asyncio.eager_task_factory)} for {@link TaskFactory#EAGER}.
   *
   * @param factory {@link TaskFactory#LAZY} (the default) or {@link TaskFactory#EAGER}
   */
  public void setTaskFactory(TaskFactory factory) {
    this.taskFactory = Objects.requireNonNull(factory, "factory");
  }

  /**
   * The current task factory: asyncio's {@code loop.get_task_factory()}.
   *
   * @return the factory in use
   */
  public TaskFactory getTaskFactory() {
    return taskFactory;
  }

  /**
   * The task whose step is running on this loop now, or null inside a plain callback: asyncio's
   * {@code asyncio.current_task()}. Loop-only.
   *
   * @return the running task or null
   */
  public @Nullable Task<?> currentTask() {
    return inLoopThread() ? currentTask : null;
  }

  /**
   * The loop's tasks that are not done, in creation order: asyncio's {@code asyncio.all_tasks()}.
   * Done tasks are not kept. Loop-only.
   *
   * @return a snapshot list of pending tasks
   */
  public List<Task<?>> allTasks() {
    List<Task<?>> all = new ArrayList<>();
    for (Task<?> t = tasks.nextTask; t != tasks; t = t.nextTask) {
      all.add(t);
    }
    return all;
  }

  /**
   * Suspends the awaiting task for {@code delay} on this loop's clock: asyncio's {@code
   * asyncio.sleep(delay)}. A zero or negative delay is a bare yield: the awaiter resumes on the
   * next iteration, after every callback already queued; a task cancelled during it sees {@link
   * CancelledError} there when it resumes (unless {@link Task#uncancel()} withdrew the request
   * first, as in asyncio). A longer one is a timer plus one hop, as in asyncio. Cancelling the
   * awaiting task (or a Reactor cancel) cancels the timer; inside a task the chain then sees {@link
   * CancelledError}. The sleep starts at subscription, on any thread; the awaiter resumes on the
   * loop's thread.
   *
   * @param delay how long to sleep
   * @return an empty {@code Mono} completing after the delay
   */
  public Mono<Void> sleep(Duration delay) {
    return sleep(delay, null);
  }

  /**
   * Sleeps, then completes with {@code result}: asyncio's {@code asyncio.sleep(delay, result)}. See
   * {@link #sleep(Duration)}.
   *
   * @param delay how long to sleep
   * @param result the value to complete with, or null for empty
   * @param <T> the result type
   * @return a {@code Mono} of {@code result} after the delay
   */
  public <T> Mono<T> sleep(Duration delay, @Nullable T result) {
    Objects.requireNonNull(delay, "delay");
    return new Sleep<>(this, saturatedNanos(delay), result);
  }

  /**
   * Sleeps {@code seconds}: asyncio's {@code asyncio.sleep(seconds)}. See {@link #sleep(Duration)}.
   *
   * @param seconds how long to sleep
   * @return an empty {@code Mono} completing after the delay
   * @throws IllegalArgumentException {@code "Invalid delay: NaN (not a number)"}
   */
  public Mono<Void> sleep(double seconds) {
    if (Double.isNaN(seconds)) {
      throw new IllegalArgumentException("Invalid delay: NaN (not a number)");
    }
    return new Sleep<>(this, secondsToNanos(seconds), null);
  }

  // ---------------------------------------------------------------- threads and foreign futures

  /**
   * Runs {@code fn} on {@code executor} and returns a future for its result, completed on this
   * loop: asyncio's {@code loop.run_in_executor(executor, fn)}. Cancelling the future before {@code
   * fn} starts keeps it from running; a running {@code fn} is never interrupted.
   *
   * @param executor where to run, or null for the loop's default executor (a bounded elastic
   *     Reactor scheduler, created on first use and shut down with the loop)
   * @param fn the blocking work
   * @param <T> the result type
   * @return a future completed on the loop's thread
   * @throws IllegalStateException if the loop is closed
   */
  public <T> Future<T> runInExecutor(@Nullable Executor executor, Callable<? extends T> fn) {
    Objects.requireNonNull(fn, "fn");
    checkClosed();
    if (executor == null) {
      return runInExecutor(defaultExecutor(), fn);
    }
    Future<T> f = new Future<>(this);
    ExecutorCall<T> call = new ExecutorCall<>(this, f, fn);
    f.addDoneCallback(call);
    executor.execute(call);
    return f;
  }

  /**
   * Runs {@code fn} on the loop's default executor: asyncio's {@code loop.run_in_executor(None,
   * fn)}. See {@link #runInExecutor(Executor, Callable)}.
   *
   * @param fn the blocking work
   * @param <T> the result type
   * @return a future completed on the loop's thread
   */
  public <T> Future<T> runInExecutor(Callable<? extends T> fn) {
    return runInExecutor((Executor) null, fn);
  }

  /**
   * Runs {@code fn} on a Reactor {@code scheduler}: asyncio's {@code run_in_executor} with a
   * scheduler for the executor. See {@link #runInExecutor(Executor, Callable)}.
   *
   * @param scheduler where to run
   * @param fn the blocking work
   * @param <T> the result type
   * @return a future completed on the loop's thread
   */
  public <T> Future<T> runInExecutor(Scheduler scheduler, Callable<? extends T> fn) {
    Objects.requireNonNull(scheduler, "scheduler");
    Objects.requireNonNull(fn, "fn");
    checkClosed();
    Future<T> f = new Future<>(this);
    ExecutorCall<T> call = new ExecutorCall<>(this, f, fn);
    f.addDoneCallback(call);
    call.disposable = scheduler.schedule(call);
    return f;
  }

  /**
   * Runs blocking {@code fn} on the default executor: asyncio's {@code asyncio.to_thread(fn)}.
   *
   * @param fn the blocking work
   * @param <T> the result type
   * @return a future completed on the loop's thread
   */
  public <T> Future<T> toThread(Callable<? extends T> fn) {
    return runInExecutor((Executor) null, fn);
  }

  private synchronized Scheduler defaultExecutor() {
    Scheduler s = defaultExecutor;
    if (s == null) {
      s =
          Schedulers.newBoundedElastic(
              Schedulers.DEFAULT_BOUNDED_ELASTIC_SIZE,
              Schedulers.DEFAULT_BOUNDED_ELASTIC_QUEUESIZE,
              "asyncio4j-executor",
              60,
              true);
      defaultExecutor = s;
    }
    return s;
  }

  /**
   * Starts {@code coroutine} as a task on this loop from any thread and returns a {@link
   * CompletableFuture} of its result: asyncio's {@code asyncio.run_coroutine_threadsafe(coro,
   * loop)}. Cancelling the returned future cancels the task. Thread-safe.
   *
   * @param coroutine the work
   * @param <T> the result type
   * @return a future completed when the task is done
   * @throws IllegalStateException if the loop is closed
   */
  public <T> CompletableFuture<T> submit(Mono<T> coroutine) {
    Objects.requireNonNull(coroutine, "coroutine");
    checkClosed();
    CompletableFuture<T> result = new CompletableFuture<>();
    callSoonThreadsafe(
        () -> {
          if (result.isDone()) {
            return; // cancelled before it started
          }
          Task<T> task = createTask(coroutine);
          task.copyTo(result);
          result.whenComplete(
              (v, e) -> {
                if (result.isCancelled()) {
                  task.cancel();
                }
              });
        });
    return result;
  }

  /**
   * Wraps a {@link CompletionStage} in a future of this loop, completed on the loop's thread:
   * asyncio's {@code asyncio.wrap_future}. Awaiting it resumes the task on the loop; cancelling the
   * future (or a task awaiting it) cancels a {@link CompletableFuture} stage. Thread-safe.
   *
   * @param stage the foreign result
   * @param <T> the result type
   * @return a future mirroring {@code stage}
   */
  public <T> Future<T> wrapFuture(CompletionStage<? extends T> stage) {
    Objects.requireNonNull(stage, "stage");
    Future<T> f = new Future<>(this);
    stage.whenComplete(
        (v, e) -> {
          // A dependent stage reports its source's failure wrapped: hand over the real cause, as
          // Reactor's Mono.fromFuture does (a wrapped CancellationException then cancels f).
          Throwable cause =
              e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                  ? e.getCause()
                  : e;
          if (!closed) {
            callSoonAnyThread(() -> f.completeFromForeign(v, cause));
          }
        });
    if (stage instanceof CompletableFuture<?> cf) {
      f.addDoneCallback(
          done -> {
            if (done.cancelled()) {
              cf.cancel(false);
            }
          });
    }
    return f;
  }

  /**
   * Wraps a foreign {@link Publisher} so that awaiting it is an asyncio4j await: asyncio's {@code
   * await} on a foreign awaitable, made cancellable. The awaiting task resumes on this loop's
   * thread (at once if the publisher signals there, else one iteration later); and when the task is
   * cancelled while it waits inside the publisher with nothing of asyncio4j's to take the
   * cancellation, the publisher gets Reactor's plain {@code cancel()} and the chain gets {@link
   * CancelledError} here, where it can clean up. The publisher's first element is the result; an
   * empty publisher gives an empty result. Each subscription subscribes to {@code source} once,
   * with the subscriber's context. Outside a task, it only moves the outcome to the loop's thread.
   * Thread-safe.
   *
   * @param source the foreign publisher
   * @param <T> the element type
   * @return a {@code Mono} to await inside tasks
   */
  public <T> Mono<T> wrap(Publisher<? extends T> source) {
    Objects.requireNonNull(source, "source");
    return new Guard<>(this, source);
  }

  // ---------------------------------------------------------------- errors and debug

  /**
   * Handles errors that have no caller to go to: asyncio's exception handler, called as {@code
   * handler.handle(loop, context)}.
   */
  @FunctionalInterface
  public interface ExceptionHandler {
    /**
     * Handles one error.
     *
     * @param loop the loop that reports it
     * @param context asyncio's context: {@code "message"}, and where known {@code "exception"},
     *     {@code "handle"}, {@code "future"}, {@code "task"}
     */
    void handle(EventLoop loop, Map<String, Object> context);
  }

  /**
   * Sets the handler for errors with no caller: asyncio's {@code loop.set_exception_handler}.
   *
   * @param handler the handler, or null for the default, which logs
   */
  public void setExceptionHandler(@Nullable ExceptionHandler handler) {
    this.exceptionHandler = handler;
  }

  /**
   * The handler set by {@link #setExceptionHandler}: asyncio's {@code get_exception_handler()}.
   *
   * @return the custom handler or null
   */
  public @Nullable ExceptionHandler getExceptionHandler() {
    return exceptionHandler;
  }

  /**
   * Reports an error to the exception handler: asyncio's {@code loop.call_exception_handler}. A
   * handler that throws is reported by the default handler as {@code "Unhandled error in exception
   * handler"}. Runs on the calling thread.
   *
   * @param context the error's context; see {@link ExceptionHandler#handle}
   */
  public void callExceptionHandler(Map<String, Object> context) {
    Objects.requireNonNull(context, "context");
    ExceptionHandler handler = exceptionHandler;
    if (handler == null) {
      defaultExceptionHandler(context);
      return;
    }
    try {
      handler.handle(this, context);
    } catch (Throwable e) {
      Exceptions.throwIfJvmFatal(e);
      Map<String, Object> nested = new LinkedHashMap<>();
      nested.put("message", "Unhandled error in exception handler");
      nested.put("exception", e);
      nested.put("context", context);
      defaultExceptionHandler(nested);
    }
  }

  /**
   * The default handler: logs at ERROR on the {@code asyncio4j} logger the message, then the other
   * keys sorted, with the exception's stack trace: asyncio's {@code default_exception_handler}.
   *
   * @param context the error's context
   */
  public void defaultExceptionHandler(Map<String, Object> context) {
    Object message = context.get("message");
    String text =
        message == null || String.valueOf(message).isEmpty()
            ? "Unhandled exception in event loop"
            : String.valueOf(message);
    StringBuilder log = new StringBuilder(text);
    for (Map.Entry<String, Object> e : new TreeMap<>(context).entrySet()) {
      if (!e.getKey().equals("message") && !e.getKey().equals("exception")) {
        log.append('\n').append(e.getKey()).append(": ").append(e.getValue());
      }
    }
    Object exception = context.get("exception");
    if (exception instanceof Throwable t) {
      LOGGER.error(log.toString(), t);
    } else {
      LOGGER.error(log.toString());
    }
  }

  /**
   * Turns debug mode on or off: asyncio's {@code loop.set_debug}. In debug mode loop-only methods
   * called from another thread fail, callbacks slower than {@link #getSlowCallbackDuration()} are
   * logged with their duration, and tasks record where they were created. The default comes from
   * the system property {@code asyncio4j.debug} or the environment variable {@code ASYNCIO4J_DEBUG}
   * (asyncio's {@code PYTHONASYNCIODEBUG}).
   *
   * @param enabled whether debug mode is on
   */
  public void setDebug(boolean enabled) {
    this.debug = enabled;
  }

  /**
   * Whether debug mode is on: asyncio's {@code loop.get_debug()}.
   *
   * @return true in debug mode
   */
  public boolean getDebug() {
    return debug;
  }

  /**
   * Sets the duration from which debug mode logs a callback as slow: asyncio's {@code
   * loop.slow_callback_duration} (default 100 ms).
   *
   * @param duration the threshold, not negative
   */
  public void setSlowCallbackDuration(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException(
          "slow callback duration must be >= 0 but it was " + duration);
    }
    this.slowCallbackNanos = saturatedNanos(duration);
  }

  /**
   * The slow-callback threshold of debug mode.
   *
   * @return the threshold
   */
  public Duration getSlowCallbackDuration() {
    return Duration.ofNanos(slowCallbackNanos);
  }

  /**
   * The debug mode new loops start with: on when the system property {@code asyncio4j.debug} is
   * {@code true} or {@code 1}, or, without the property, when the environment variable {@code
   * ASYNCIO4J_DEBUG} is set and not empty (asyncio's {@code PYTHONASYNCIODEBUG}).
   *
   * @return whether new loops start in debug mode
   */
  public static boolean debugDefault() {
    return debugFromEnvironment();
  }

  static boolean debugFromEnvironment() {
    String property = System.getProperty("asyncio4j.debug");
    if (property != null) {
      return property.equals("1") || Boolean.parseBoolean(property);
    }
    String env = System.getenv("ASYNCIO4J_DEBUG");
    return env != null && !env.isEmpty();
  }

  // ---------------------------------------------------------------- Reactor Scheduler

  /**
   * Runs {@code task} on the loop as {@code callSoonThreadsafe} does: the Reactor {@link Scheduler}
   * view of the loop, with ordering rules 1 and 5. Thread-safe.
   *
   * @param task what to run
   * @return a disposable that cancels it
   * @throws java.util.concurrent.RejectedExecutionException once the loop is disposed or closed
   */
  @Override
  public Disposable schedule(Runnable task) {
    Objects.requireNonNull(task, "task");
    rejectIfDisposed();
    return scheduleNow(Schedulers.onSchedule(task));
  }

  final Handle scheduleNow(Runnable task) {
    Handle h = new Handle(task);
    if (Thread.currentThread() == thread) {
      ready.addLast(h);
    } else {
      submitForeign(h, false);
    }
    return h;
  }

  /**
   * Runs {@code task} after {@code delay} on the loop's clock, as a timer (rules 3 and 4).
   * Thread-safe.
   *
   * @param task what to run
   * @param delay how long to wait
   * @param unit the delay's unit
   * @return a disposable that cancels the timer
   */
  @Override
  public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    rejectIfDisposed();
    return callAtNanos(
        saturatedAdd(nanoTime(), unit.toNanos(delay)), Schedulers.onSchedule(task), false);
  }

  /**
   * Runs {@code task} periodically at a fixed rate on the loop's clock. A task that throws is not
   * rescheduled; its error goes to the exception handler. Thread-safe.
   *
   * @param task what to run
   * @param initialDelay delay before the first run
   * @param period the rate; zero or less repeats on every iteration
   * @param unit the unit of both
   * @return a disposable that stops the repetition
   */
  @Override
  public Disposable schedulePeriodically(
      Runnable task, long initialDelay, long period, TimeUnit unit) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(unit, "unit");
    rejectIfDisposed();
    PeriodicTask p =
        new PeriodicTask(
            this,
            Schedulers.onSchedule(task),
            saturatedAdd(nanoTime(), unit.toNanos(initialDelay)),
            unit.toNanos(period),
            null);
    p.start();
    return p;
  }

  /**
   * The loop's clock, for Reactor: virtual in a {@link VirtualTimeEventLoop}.
   *
   * @param unit the unit wanted
   * @return the time on the loop's clock
   */
  @Override
  public long now(TimeUnit unit) {
    long nanos = nanoTime();
    return unit == TimeUnit.NANOSECONDS ? nanos : unit.convert(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A Reactor worker on this loop: its tasks run on the loop in order, and disposing it cancels its
   * pending tasks.
   *
   * @return a new worker
   */
  @Override
  public Worker createWorker() {
    return new LoopWorker(this);
  }

  /**
   * Disposes the loop as a Reactor scheduler: new work is rejected, a running loop stops after its
   * current iteration and is then closed; an idle loop closes at once. Thread-safe.
   */
  @Override
  public void dispose() {
    disposing = true;
    // A loop with its own thread is closed by that thread when its run returns; closing it from
    // here could clear its queues under its feet while it starts another run.
    if (ownThread == null && thread == null && !closed) {
      try {
        close();
      } catch (IllegalStateException raced) {
        // It started running meanwhile: stopping below makes it close itself.
      }
    }
    stop();
  }

  /**
   * Disposes the loop and completes once it is closed.
   *
   * @return a {@code Mono} that completes when the loop is closed
   */
  @Override
  public Mono<Void> disposeGracefully() {
    dispose();
    return terminated.asMono();
  }

  /**
   * Whether the loop was disposed or closed.
   *
   * @return true if it rejects new work
   */
  @Override
  public boolean isDisposed() {
    return disposing || closed;
  }

  /**
   * Nothing to do: a loop is ready when created. As Reactor's own schedulers do, a disposed loop
   * cannot be initialized again.
   *
   * @throws IllegalStateException {@code "Initializing a disposed scheduler is not permitted"}
   */
  @Override
  public void init() {
    if (isDisposed()) {
      throw new IllegalStateException("Initializing a disposed scheduler is not permitted");
    }
  }

  /**
   * Nothing to do: a loop is ready when created. A disposed loop does not restart: it stays
   * disposed (Reactor's contract for schedulers that do not support restarting).
   */
  @Override
  @SuppressWarnings("deprecation") // part of the Scheduler contract until Reactor removes it
  public void start() {
    // Deliberately no restart, and no error: callers of the deprecated start() check isDisposed().
  }

  final void rejectIfDisposed() {
    if (disposing || closed) {
      throw Exceptions.failWithRejected();
    }
  }

  // ---------------------------------------------------------------- helpers

  final void checkClosed() {
    if (closed) {
      throw new IllegalStateException("Event loop is closed");
    }
  }

  private static void checkNotNaN(double value, String name) {
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException(name + " must be a number but it was NaN");
    }
  }

  /**
   * Seconds to nanoseconds, rounded to the nearest and saturated ({@link Math#round(double)} does
   * both). Rounding, not truncation: {@code 1.005 * 1e9} is {@code 1004999999.9999999}, and a
   * truncated deadline would fire at {@code time() == 1.004999999}, and {@code callAt(t.when())}
   * would land a nanosecond before {@code t}, running ahead of it despite the equal deadline.
   */
  static long secondsToNanos(double seconds) {
    return Math.round(seconds * 1e9);
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException overflow) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /**
   * asyncio's repr: {@code <EventLoop running=False closed=False debug=False>}.
   *
   * @return the loop's state
   */
  @Override
  public String toString() {
    return "<"
        + getClass().getSimpleName()
        + " running="
        + isRunning()
        + " closed="
        + closed
        + " debug="
        + debug
        + ">";
  }
}
