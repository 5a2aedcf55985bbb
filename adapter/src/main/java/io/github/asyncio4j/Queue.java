package io.github.asyncio4j;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A first-in-first-out queue for tasks and reactive chains: asyncio's {@code asyncio.Queue}, with
 * Reactive Streams bridges. {@link PriorityQueue} and {@link LifoQueue} change only the order in
 * which items leave.
 *
 * <p><b>Capacity.</b> {@code maxsize <= 0} means unbounded. When the queue is full, {@code put}
 * waits and {@code putNowait} throws {@link QueueFull}; when empty, {@code get} waits and {@code
 * getNowait} throws {@link QueueEmpty}. {@code null} items are refused, as Reactive Streams refuses
 * them.
 *
 * <p><b>Fairness: hand-off, not barging (a deliberate difference from asyncio, Q3).</b> Getters and
 * putters are served in first-in-first-out order. A {@code put} while getters wait hands its item
 * straight to the oldest getter; a {@code get} from a full queue with putters waiting admits the
 * oldest putter's item. So no newcomer takes an item a waiter was woken for, and items leave in the
 * order they were put.
 *
 * <p><b>Cancellation: nothing queued is ever lost.</b> A getter cancelled while waiting leaves; one
 * cancelled after an item was handed to it, but before it resumed, gives the item back: it goes to
 * the next getter, or back to the head of the queue (which may then briefly hold more than {@code
 * maxsize}). A putter cancelled while waiting leaves with its item not put; one cancelled after a
 * slot was promised to it, but before it resumed, passes the slot to the next putter, and its item
 * is not put (asyncio's Q4).
 *
 * <p>The same holds for a Reactor {@code cancel()} of a {@code get} whose item was already on its
 * way, or not yet requested: the item goes back as above. A {@code get} that completes has removed
 * its item from the queue; one that is cancelled has not.
 *
 * <p><b>Shutdown (Python 3.13).</b> After {@link #shutdown(boolean)}, {@code put} fails with {@link
 * QueueShutDown}, also a putter promised a slot that had not resumed yet (as in asyncio, where it
 * re-checks on waking), whose item is then not put; {@code get} returns the remaining items and
 * then fails with it. An immediate shutdown drops the items first, counting them as done for {@link
 * #join()}.
 *
 * <p><b>Threads.</b> Thread-safe. A waiter inside a task or on a loop's thread resumes on that loop
 * one iteration after the hand-off; a waiter with no loop resumes on the thread whose call served
 * it. {@code get} on a non-empty queue and {@code put} on a queue with room complete at once.
 *
 * @param <T> the item type
 */
public class Queue<T> {
  /*
   * Guarded by 'this':
   *   store      items waiting for a getter (getters wait only while it is empty)
   *   reserved   free slots promised to putters that have not resumed yet
   *   unfinished items put and not yet marked done (join)
   */
  private final int maxsize;
  private final QueueStore<T> store;
  private final WaiterQueue getters = new WaiterQueue();
  private final WaiterQueue putters = new WaiterQueue();
  private final WaiterQueue joiners = new WaiterQueue();
  private int reserved;
  private int unfinished;
  private boolean shutdown;

  /** Drains of {@link #asFlux()} that want to hear of shutdown; guarded by 'this'. */
  private final Set<Runnable> shutdownListeners = new LinkedHashSet<>();

  private final Mono<T> get = new Get();
  private final Waiter.Owner getterOwner = new GetterOwner();
  private final Waiter.Owner putterOwner = new PutterOwner();
  private final Waiter.Owner joinerOwner = new JoinerOwner();

  /** A putter's payload once it resumed after shutdown: its item was refused. */
  private static final Object REFUSED = new Object();

  /** An unbounded queue: asyncio's {@code Queue()}. */
  public Queue() {
    this(0);
  }

  /**
   * A queue holding at most {@code maxsize} items: asyncio's {@code Queue(maxsize)}.
   *
   * @param maxsize the capacity; zero or less means unbounded
   */
  public Queue(int maxsize) {
    this(maxsize, QueueStore.Ends.fifo());
  }

  Queue(int maxsize, QueueStore<T> store) {
    this.maxsize = maxsize;
    this.store = store;
  }

  // ---------------------------------------------------------------- put

  /**
   * Puts {@code item}, waiting while the queue is full: asyncio's {@code await queue.put(item)}.
   * Each subscription puts the item once: at once if there is room and no putter waits, else when a
   * slot is handed to it, in FIFO order (asyncio lets a newcomer take a freed slot first; here it
   * is promised to the oldest putter). Fails with {@link QueueShutDown} after shutdown, also when a
   * promised slot is reached only after it.
   *
   * <p>Cancellation (a task's {@code cancel()}, which the chain sees as {@link CancelledError}, or
   * a Reactor {@code cancel()}): a waiting put leaves and its item is not put; one promised a slot
   * that had not resumed yet passes the slot to the next putter, and its item is not put. The
   * {@code Mono} completes exactly when the item went in.
   *
   * <p>Threads: inside a task or on a loop's thread it resumes on that loop; elsewhere on the
   * thread whose get made room.
   *
   * @param item the item
   * @return an empty {@code Mono} that completes once the item is in the queue (or handed to a
   *     getter)
   * @throws NullPointerException if {@code item} is null
   */
  public Mono<Void> put(T item) {
    Objects.requireNonNull(item, "item");
    return new Put(item);
  }

  /**
   * Puts {@code item} without waiting: asyncio's {@code queue.put_nowait(item)}.
   *
   * @param item the item
   * @throws QueueFull if there is no room (or putters wait for it)
   * @throws QueueShutDown after shutdown
   * @throws NullPointerException if {@code item} is null
   */
  public void putNowait(T item) {
    Objects.requireNonNull(item, "item");
    Waiter<?> getter;
    synchronized (this) {
      if (shutdown) {
        throw new QueueShutDown();
      }
      if (noRoom() || !putters.isEmpty()) {
        throw new QueueFull();
      }
      getter = admit(item);
    }
    if (getter != null) {
      handToGetter(getter, item);
    }
  }

  /** Counts a put and stores {@code item}, or returns the oldest getter to hand it to. */
  private @Nullable Waiter<?> admit(T item) {
    unfinished++;
    Waiter<?> g = getterFor(item);
    if (g == null) {
      store.add(item);
    }
    return g;
  }

  /**
   * Takes the oldest getter out and records {@code item} as handed to it, under the lock, so that
   * whoever later gives it back reads it there.
   */
  private @Nullable Waiter<?> getterFor(T item) {
    Waiter<?> g = getters.poll();
    if (g != null) {
      g.payload = item;
    }
    return g;
  }

  /**
   * Gives {@code item} to getter {@code g}, or the next one if {@code g} was cancelled meanwhile;
   * with no getter left, the item goes back to the head of the queue.
   */
  @SuppressWarnings("unchecked") // getters are all Waiter<T>
  private void handToGetter(@Nullable Waiter<?> g, T item) {
    while (g != null) {
      if (((Waiter<T>) g).resolve(item)) {
        return;
      }
      synchronized (this) {
        g.payload = null; // cancelled before it was handed the item
        g = getterFor(item);
        if (g == null) {
          store.giveBack(item);
        }
      }
    }
  }

  /**
   * Returns an item that left the queue but never reached its getter: to the oldest getter, else to
   * the head of the queue (so it is the next one out, even past {@code maxsize}). Not counted as a
   * new put.
   */
  void giveBack(T item) {
    Waiter<?> next;
    synchronized (this) {
      next = getterFor(item);
      if (next == null) {
        store.giveBack(item);
      }
    }
    handToGetter(next, item);
  }

  /** Gives back what getter {@code w} was handed, unless that was done already. */
  @SuppressWarnings("unchecked") // a getter's payload is the item it was handed
  private void giveBackHanded(Waiter<?> w) {
    T item;
    synchronized (this) {
      item = (T) w.payload;
      w.payload = null; // once: Await's drop and a discarded delivery may both report it
    }
    if (item != null) {
      giveBack(item);
    }
  }

  private boolean noRoom() {
    return maxsize > 0 && store.size() + reserved >= maxsize;
  }

  // ---------------------------------------------------------------- get

  /**
   * Removes and returns an item, waiting while the queue is empty: asyncio's {@code await
   * queue.get()}. Each subscription gets one item: at once if the queue holds one, else when one is
   * handed to it, in FIFO order (asyncio lets a {@code get_nowait} take an item a woken getter was
   * about to get; here the item is the getter's). Fails with {@link QueueShutDown} once shut down
   * and empty.
   *
   * <p>Cancellation (a task's {@code cancel()}, which the chain sees as {@link CancelledError}, or
   * a Reactor {@code cancel()}): a waiting get leaves; an item already handed to it, or taken for
   * it but not yet requested, goes to the next getter or back to the head of the queue. An item has
   * left the queue exactly when a get emitted it.
   *
   * <p>Threads: inside a task or on a loop's thread it resumes on that loop; elsewhere on the
   * thread whose put brought the item.
   *
   * @return a {@code Mono} of the item
   */
  public Mono<T> get() {
    return get;
  }

  /**
   * Removes and returns an item without waiting: asyncio's {@code queue.get_nowait()}.
   *
   * @return the item
   * @throws QueueEmpty if the queue is empty
   * @throws QueueShutDown if it is empty and shut down
   */
  public T getNowait() {
    T item;
    Waiter<?> putter;
    synchronized (this) {
      if (store.size() == 0) {
        if (shutdown) {
          throw new QueueShutDown();
        }
        throw new QueueEmpty();
      }
      item = store.take();
      putter = nextPutter();
    }
    servePutter(putter);
    return item;
  }

  /** A slot may have freed: promise it to the oldest putter. */
  private @Nullable Waiter<?> nextPutter() {
    if (noRoom()) {
      return null;
    }
    Waiter<?> p = putters.poll();
    if (p != null) {
      reserved++;
    }
    return p;
  }

  @SuppressWarnings("unchecked") // putters are all Waiter<Void>
  private void servePutter(@Nullable Waiter<?> p) {
    while (p != null) {
      if (((Waiter<Void>) p).resolve(null)) {
        return; // its item is admitted when it resumes (PutterOwner.waiterResumed)
      }
      synchronized (this) {
        reserved--; // cancelled meanwhile: the slot goes on
        p = nextPutter();
      }
    }
  }

  // ---------------------------------------------------------------- join, shutdown, state

  /**
   * Marks one item done: asyncio's {@code queue.task_done()}. When every item put has been marked,
   * {@link #join()} completes.
   *
   * @throws IllegalArgumentException {@code "task_done() called too many times"}
   */
  @SuppressWarnings("unchecked") // joiners are all Waiter<Void>
  public void taskDone() {
    Waiter<?>[] released;
    synchronized (this) {
      if (unfinished <= 0) {
        throw new IllegalArgumentException("task_done() called too many times");
      }
      unfinished--;
      if (unfinished > 0) {
        return;
      }
      released = joiners.drain();
    }
    for (Waiter<?> j : released) {
      ((Waiter<Void>) j).resolve(null);
    }
  }

  /**
   * Waits until every item put has been marked done: asyncio's {@code await queue.join()}. Joiners
   * are released together, in the order they joined; a cancelled join leaves. Inside a task or on a
   * loop's thread it resumes on that loop; elsewhere on the thread of the last {@link #taskDone()}
   * (or of an immediate {@link #shutdown(boolean)}).
   *
   * @return an empty {@code Mono}, completing at once if nothing is unfinished
   */
  public Mono<Void> join() {
    return Mono.deferContextual(
        ctx -> {
          synchronized (this) {
            if (unfinished == 0) {
              return Mono.empty();
            }
            Waiter<Void> j = new Waiter<>(Waiter.loopOf(ctx), joinerOwner, null);
            joiners.add(j);
            return j;
          }
        });
  }

  /**
   * Shuts the queue down: asyncio's {@code queue.shutdown(immediate)} (Python 3.13). Waiting
   * putters fail with {@link QueueShutDown}, and so do waiting getters (they wait only when the
   * queue is empty). With {@code immediate}, the items are dropped first and counted as done, which
   * may release {@link #join()}. Calling it again is allowed. Off any loop, the waiters it fails
   * resume on the calling thread.
   *
   * @param immediate whether to drop the items still queued
   */
  @SuppressWarnings("unchecked") // joiners are all Waiter<Void>
  public void shutdown(boolean immediate) {
    Waiter<?>[] failedPutters;
    Waiter<?>[] failedGetters;
    Waiter<?>[] released = new Waiter<?>[0];
    Runnable[] listeners;
    synchronized (this) {
      shutdown = true;
      if (immediate) {
        int dropped = store.size();
        store.clear();
        unfinished = Math.max(0, unfinished - dropped);
        if (unfinished == 0) {
          released = joiners.drain();
        }
      }
      failedPutters = putters.drain();
      failedGetters = store.size() == 0 ? getters.drain() : new Waiter<?>[0];
      listeners = shutdownListeners.toArray(new Runnable[0]);
      shutdownListeners.clear();
    }
    for (Runnable l : listeners) {
      l.run();
    }
    for (Waiter<?> p : failedPutters) {
      p.fail(new QueueShutDown());
    }
    for (Waiter<?> g : failedGetters) {
      g.fail(new QueueShutDown());
    }
    for (Waiter<?> j : released) {
      ((Waiter<Void>) j).resolve(null);
    }
  }

  /** Shuts the queue down, keeping its items: asyncio's {@code queue.shutdown()}. */
  public void shutdown() {
    shutdown(false);
  }

  /** Whether no get can succeed any more: shut down and empty. */
  synchronized boolean isShutDownAndEmpty() {
    return shutdown && store.size() == 0;
  }

  /**
   * Runs {@code listener} once, on the thread that shuts the queue down, unless removed first.
   *
   * @return false if the queue is shut down already (the listener is not kept)
   */
  synchronized boolean addShutdownListener(Runnable listener) {
    if (shutdown) {
      return false;
    }
    shutdownListeners.add(listener);
    return true;
  }

  synchronized void removeShutdownListener(Runnable listener) {
    shutdownListeners.remove(listener);
  }

  /**
   * The number of items queued: asyncio's {@code queue.qsize()}.
   *
   * @return how many items wait for a getter
   */
  public synchronized int qsize() {
    return store.size();
  }

  /**
   * Whether the queue is empty: asyncio's {@code queue.empty()}.
   *
   * @return true if no item is queued
   */
  public synchronized boolean empty() {
    return store.size() == 0;
  }

  /**
   * Whether the queue is full: asyncio's {@code queue.full()}; never for an unbounded queue.
   *
   * @return true if it holds {@code maxsize} items or more
   */
  public synchronized boolean full() {
    return maxsize > 0 && store.size() >= maxsize;
  }

  /**
   * The capacity: asyncio's {@code queue.maxsize}.
   *
   * @return the capacity; zero or less means unbounded
   */
  public int maxsize() {
    return maxsize;
  }

  /**
   * A snapshot for monitoring.
   *
   * @return items, waiters and unfinished count
   */
  public synchronized Statistics statistics() {
    return new Statistics(
        store.size(), maxsize, getters.size(), putters.size(), unfinished, shutdown);
  }

  /**
   * A queue's state at one moment.
   *
   * @param items items queued
   * @param maxsize the capacity (zero or less: unbounded)
   * @param getters getters waiting
   * @param putters putters waiting
   * @param unfinished items put and not yet marked done
   * @param shutdown whether it was shut down
   */
  public record Statistics(
      int items, int maxsize, int getters, int putters, int unfinished, boolean shutdown) {}

  // ---------------------------------------------------------------- Reactive Streams bridges

  /**
   * The queue as a {@link Flux}: each request of {@code n} issues up to {@code n} {@link #get()}s,
   * one at a time, so items leave the queue only as fast as the subscriber asks for them. It
   * completes when the queue is shut down and empty, also without outstanding demand (then on the
   * thread that shuts the queue down, or takes the last item). Cancelling it cancels the pending
   * get: an item already handed to it goes back to the queue. Inside a task, a cancel of the task
   * arrives as {@link CancelledError}. Several subscribers compete for items, FIFO: each item goes
   * to one of them. Items are emitted where the gets resume (see {@link #get()}).
   *
   * <p>Mind the prefetch of the operators downstream: {@code concatMap} and {@code flatMap} request
   * 32 items ahead by default, which takes them out of the queue at once, so {@code maxsize} no
   * longer holds the producer back. Use {@code concatMap(f, 0)}, {@code flatMap(f, n, 1)} or {@code
   * limitRate(1)} where the queue's capacity should be the only buffer.
   *
   * @return a cold {@code Flux} of the queue's items
   */
  public Flux<T> asFlux() {
    return new QueueFlux<>(this);
  }

  /**
   * Puts every item of {@code source} into the queue, requesting one item at a time and the next
   * only once the previous is in the queue, so the queue's capacity backpressures {@code source}:
   * it is never asked for more than one item beyond what the queue took. Completes when {@code
   * source} completes and its last item is in; fails with {@code source}'s error (the item in hand,
   * if any, is not put) or with {@link QueueShutDown} (and cancels {@code source}); cancelling it
   * cancels {@code source} and the pending put, as {@link #put} describes.
   *
   * @param source the items to put
   * @return an empty {@code Mono} of the transfer
   */
  public Mono<Void> putAll(Publisher<? extends T> source) {
    Objects.requireNonNull(source, "source");
    return new QueueFill<>(this, source);
  }

  /**
   * asyncio's repr: {@code <Queue maxsize=5 _queue=[1, 2] _getters[1] tasks=2>}.
   *
   * @return the state
   */
  @Override
  public synchronized String toString() {
    StringBuilder sb = new StringBuilder("<").append(getClass().getSimpleName());
    sb.append(" maxsize=").append(maxsize);
    if (store.size() > 0) {
      sb.append(" _queue=").append(store);
    }
    if (!getters.isEmpty()) {
      sb.append(" _getters[").append(getters.size()).append(']');
    }
    if (!putters.isEmpty()) {
      sb.append(" _putters[").append(putters.size()).append(']');
    }
    if (unfinished > 0) {
      sb.append(" tasks=").append(unfinished);
    }
    if (shutdown) {
      sb.append(" shutdown");
    }
    return sb.append('>').toString();
  }

  // ---------------------------------------------------------------- waiters

  private final class Get extends Mono<T> {
    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
      T item = null;
      Waiter<?> putter = null;
      Waiter<T> w = null;
      boolean closed = false;
      synchronized (Queue.this) {
        if (store.size() > 0 && getters.isEmpty()) {
          item = store.take();
          putter = nextPutter();
        } else if (shutdown && store.size() == 0) {
          closed = true;
        } else {
          w = new Waiter<>(Waiter.loopOf(actual), getterOwner, null);
          getters.add(w);
        }
      }
      if (item != null) {
        servePutter(putter);
        actual.onSubscribe(new Taken(actual, item));
      } else if (closed) {
        Operators.error(actual, new QueueShutDown());
      } else {
        Objects.requireNonNull(w).subscribe(new Resumer<>(actual, w, true));
      }
    }
  }

  /**
   * A get served at once: its item left the queue at subscription. Delivered on the first request;
   * a cancel before that gives the item back.
   */
  private final class Taken implements Subscription {
    private final CoreSubscriber<? super T> actual;
    private final T item;
    private final AtomicBoolean claimed = new AtomicBoolean(); // by delivery or by cancel

    Taken(CoreSubscriber<? super T> actual, T item) {
      this.actual = actual;
      this.item = item;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        Operators.validate(n); // reports the bad request; the item stays ours until a valid one
        return;
      }
      if (claimed.compareAndSet(false, true)) {
        actual.onNext(item);
        actual.onComplete();
      }
    }

    @Override
    public void cancel() {
      if (claimed.compareAndSet(false, true)) {
        giveBack(item);
      }
    }
  }

  /**
   * Sits between a waiter and its awaiter, so that a Reactor cancel loses nothing:
   *
   * <ul>
   *   <li>A cancel first cancels the waiter itself, and only then its subscription. So either the
   *       waiter was still pending and leaves the queue, or it had been handed an item or a slot
   *       already, and the subscription's cancel then finds it done and hands that back (the
   *       owner's {@code waiterDropped}). Cancelling the subscription first leaves a window: a
   *       hand-off landing between its check of the waiter and its cancel of the waiter was neither
   *       delivered nor handed back, and the item, or the slot, was lost.
   *   <li>For a getter, an item the waiter could not deliver because its awaiter cancelled at that
   *       moment, or had not requested it yet, reaches Reactor's discard hook, which this context
   *       sets to give the item back.
   *   <li>For a putter, a resumption after shutdown becomes {@link QueueShutDown}.
   * </ul>
   *
   * It hides the waiter's fusion, so that items flow through {@code onNext}, and swallows the
   * {@link CancelledError} of a waiter it cancelled itself.
   */
  private final class Resumer<R> implements CoreSubscriber<R>, Subscription {
    private final CoreSubscriber<? super R> actual;
    private final Waiter<R> waiter;
    private final Context context;
    private @Nullable Subscription upstream;
    private volatile boolean cancelled;

    Resumer(CoreSubscriber<? super R> actual, Waiter<R> waiter, boolean getter) {
      this.actual = actual;
      this.waiter = waiter;
      this.context =
          getter
              ? Operators.enableOnDiscard(actual.currentContext(), this::discarded)
              : actual.currentContext();
    }

    private void discarded(Object item) {
      giveBackHanded(waiter); // only the waiter's own delivery is discarded with this context
    }

    @Override
    public Context currentContext() {
      return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
      upstream = s;
      actual.onSubscribe(this);
    }

    @Override
    public void onNext(R value) {
      actual.onNext(value);
    }

    @Override
    public void onError(Throwable e) {
      if (cancelled && e instanceof CancelledError) {
        return; // ours: the awaiter had already left
      }
      actual.onError(e);
    }

    @Override
    public void onComplete() {
      if (waiter.payload == REFUSED) {
        actual.onError(new QueueShutDown());
      } else {
        actual.onComplete();
      }
    }

    @Override
    public void request(long n) {
      Objects.requireNonNull(upstream).request(n);
    }

    @Override
    public void cancel() {
      cancelled = true;
      waiter.cancel(); // false if it was handed something: then the next line hands it back
      Objects.requireNonNull(upstream).cancel();
    }
  }

  private final class Put extends Mono<Void> {
    private final T item;

    Put(T item) {
      this.item = item;
    }

    @Override
    public void subscribe(CoreSubscriber<? super Void> actual) {
      Waiter<?> getter = null;
      Waiter<Void> w = null;
      boolean closed = false;
      boolean done = false;
      synchronized (Queue.this) {
        if (shutdown) {
          closed = true;
        } else if (!noRoom() && putters.isEmpty()) {
          getter = admit(item);
          done = true;
        } else {
          w = new Waiter<>(Waiter.loopOf(actual), putterOwner, item);
          putters.add(w);
        }
      }
      if (closed) {
        Operators.error(actual, new QueueShutDown());
      } else if (done) {
        if (getter != null) {
          handToGetter(getter, item);
        }
        Operators.complete(actual);
      } else {
        Objects.requireNonNull(w).subscribe(new Resumer<>(actual, w, false));
      }
    }
  }

  private final class GetterOwner implements Waiter.Owner {
    @Override
    public void waiterCancelled(Waiter<?> w) {
      synchronized (Queue.this) {
        getters.remove(w);
      }
    }

    @Override
    public void waiterDropped(Waiter<?> w) {
      giveBackHanded(w);
    }
  }

  private final class PutterOwner implements Waiter.Owner {
    @Override
    public void waiterCancelled(Waiter<?> w) {
      synchronized (Queue.this) {
        putters.remove(w);
      }
    }

    @Override
    @SuppressWarnings("unchecked") // a putter's payload is its item
    public void waiterResumed(Waiter<?> w) {
      T item = (T) Objects.requireNonNull(w.payload);
      Waiter<?> getter;
      Waiter<?> next;
      synchronized (Queue.this) {
        reserved--;
        if (shutdown) {
          // asyncio's woken putter re-checks and raises QueueShutDown; Resumer turns this into it.
          w.payload = REFUSED;
          return;
        }
        getter = admit(item);
        // Handed straight to a getter, the item took no slot: the one it was promised is free.
        next = nextPutter();
      }
      handToGetter(getter, item);
      servePutter(next);
    }

    @Override
    public void waiterDropped(Waiter<?> w) {
      Waiter<?> next;
      synchronized (Queue.this) {
        reserved--; // promised a slot, left before using it: the slot goes on
        next = nextPutter();
      }
      servePutter(next);
    }
  }

  private final class JoinerOwner implements Waiter.Owner {
    @Override
    public void waiterCancelled(Waiter<?> w) {
      synchronized (Queue.this) {
        joiners.remove(w);
      }
    }
  }
}
