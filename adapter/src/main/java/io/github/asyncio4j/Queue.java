package io.github.asyncio4j;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
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
  void handToGetter(@Nullable Waiter<?> g, T item) {
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
   * The queue as a {@link Flux} of its items. asyncio has no such method; it plays an async
   * generator {@code while True: yield await queue.get()} that ends at {@code QueueShutDown}.
   *
   * <p>Backpressure: an item leaves the queue only for a request. For a request of {@code n} it
   * takes up to {@code n} items at once, under one lock acquisition, and emits them; only when the
   * queue is empty does it wait, as one {@link #get()}. So {@code maxsize} holds a producer back as
   * for a consumer calling {@code get()} in a loop.
   *
   * <p>Ordering and fairness: items are emitted in the order {@code get()}s would receive them.
   * Getters that were waiting first are served first: it takes items at once only when no getter
   * waits, else it waits in line behind them. Each slot it frees goes to the oldest waiting putter.
   * Several subscribers compete for items, each item going to one of them, in the order they wait.
   *
   * <p>Cancellation loses nothing and reorders nothing: a pending get is withdrawn, and an item
   * already handed to it goes back; items taken for a request but not yet emitted when the
   * subscriber cancels (in one of its {@code onNext}s, or from another thread) go back to the head
   * of the queue, in their order, or to waiting getters, oldest first. Inside a task, a cancel of
   * the task arrives as {@link CancelledError}.
   *
   * <p>Completion: it completes when the queue is shut down and empty, also without outstanding
   * demand (then on the thread that shuts the queue down, or takes the last item).
   *
   * <p>Threads: items taken at once are emitted on the thread that requested them (or that
   * subscribed); an item waited for, where its get resumes (see {@link #get()}: on the loop inside
   * a task or on a loop's thread, else on the thread whose put brought it).
   *
   * <p>Mind the prefetch of the operators downstream: {@code concatMap} and {@code flatMap} request
   * 32 items ahead by default, which takes them out of the queue at once, so {@code maxsize} no
   * longer holds the producer back. Use {@code concatMap(f, 0)}, {@code flatMap(f, n, 1)} or {@code
   * limitRate(1)} where the queue's capacity should be the only buffer.
   *
   * @return a cold {@code Flux} of the queue's items; each subscription drains the same queue
   */
  public Flux<T> asFlux() {
    return new QueueFlux<>(this);
  }

  /**
   * Puts every item of {@code source} into the queue, in order: asyncio's {@code for item in
   * source: await queue.put(item)}.
   *
   * <p>Backpressure: it asks {@code source} for as many items as the queue has free room (at least
   * one, at most 256; 256 for an unbounded queue), and for more only once all of those are in the
   * queue, then again for the room there is. So {@code source} is never asked for more than the
   * queue has room for, plus one.
   *
   * <p>Ordering and fairness: each item goes in at once if the queue has room and no putter waits
   * (as {@link #putNowait}); otherwise it waits as a {@link #put} does, in line with the other
   * putters (FIFO), and the items that arrive after it wait behind it.
   *
   * <p>Completion: it completes when {@code source} completes and its last item is in. It fails
   * with {@code source}'s error, or with {@link QueueShutDown} once the queue is shut down (and
   * then cancels {@code source}); the items received and not yet in are then not put.
   *
   * <p>Cancellation (a task's {@code cancel()}, which the chain sees as {@link CancelledError}, or
   * a Reactor {@code cancel()}): it cancels {@code source} and the waiting put, as {@link #put}
   * describes; the items received and not yet in are not put. Those waiting behind the put, and
   * items {@code source} sends beyond what was asked, go to Reactor's discard hook.
   *
   * <p>Threads: items are put on the thread on which {@code source} emits them. After a wait, the
   * put resumes as {@link #put} says (on the loop inside a task or on a loop's thread, else on the
   * thread whose get made room), and the items behind it are put, and {@code source} asked for
   * more, from there.
   *
   * @param source the items to put
   * @return an empty {@code Mono} of the transfer
   * @throws NullPointerException if {@code source} is null
   */
  public Mono<Void> putAll(Publisher<? extends T> source) {
    Objects.requireNonNull(source, "source");
    return new QueueFill<>(this, source);
  }

  /*
   * The bridges' batch paths. asFlux takes many items under one lock (takeBatch) and, if its
   * subscriber cancels halfway through emitting them, returns the rest (giveBackAll). putAll puts
   * items with the *Locked methods below, which its Filler calls while holding the queue's monitor
   * (it guards its own backlog with the same lock): a whole burst at once (admitAllLocked) when no
   * getter waits, else one by one (admitLocked), stepping out of the lock to hand each to a getter.
   */

  /** {@link #takeBatch}'s answer when the queue is shut down and empty: no get can succeed. */
  static final int SHUT_DOWN_AND_EMPTY = -1;

  /**
   * Takes up to {@code max} items at once, in the order {@code get()}s would have taken them, into
   * {@code into[0..k)}, and promises each slot that frees to the oldest putter, as {@link
   * #getNowait()} does one at a time. Only when no getter waits (they come first: FIFO), as {@code
   * get()}'s own fast path.
   *
   * @return how many items were taken (at least one); 0 when the caller must wait with a get (the
   *     queue is empty, or getters wait); {@link #SHUT_DOWN_AND_EMPTY}
   */
  int takeBatch(Object[] into, int max) {
    int k;
    Waiter<?> first;
    Waiter<?>[] more = null;
    int moreCount = 0;
    synchronized (this) {
      int size = store.size();
      if (size == 0) {
        return shutdown ? SHUT_DOWN_AND_EMPTY : 0;
      }
      if (!getters.isEmpty()) {
        return 0; // they came first; we queue behind them
      }
      k = Math.min(size, max);
      store.takeInto(into, k);
      first = nextPutter(); // one slot per putter: k slots freed, up to k putters promised
      if (first != null) {
        Waiter<?> p;
        // At most one promise per slot freed; nextPutter() stops sooner, when the room is gone.
        while (moreCount < k - 1 && (p = nextPutter()) != null) {
          if (more == null) {
            more = new Waiter<?>[k - 1];
          }
          more[moreCount++] = p;
        }
      }
    }
    servePutter(first);
    for (int i = 0; i < moreCount; i++) {
      servePutter(Objects.requireNonNull(more)[i]);
    }
    return k;
  }

  /**
   * Returns {@code items[from..to)}, taken by {@link #takeBatch} and never emitted, in their order:
   * the first ones to the waiting getters, oldest first, the rest back to the head of the queue (so
   * that they are the next ones out, even past {@code maxsize}). Not counted as new puts.
   */
  @SuppressWarnings("unchecked") // 'items' holds only the queue's items
  void giveBackAll(Object[] items, int from, int to) {
    Waiter<?>[] handed = null;
    int handedCount = 0;
    synchronized (this) {
      int i = from;
      Waiter<?> g;
      while (i < to && (g = getterFor((T) items[i])) != null) {
        if (handed == null) {
          handed = new Waiter<?>[to - from];
        }
        handed[handedCount++] = g;
        i++;
      }
      // Last first: each give-back goes where the next take looks, so the first ends up first.
      for (int j = to - 1; j >= i; j--) {
        store.giveBack((T) items[j]);
      }
    }
    for (int h = 0; h < handedCount; h++) {
      handToGetter(Objects.requireNonNull(handed)[h], (T) items[from + h]);
    }
  }

  /**
   * How many items could be put now without waiting, the lock held: none after shutdown or while
   * putters wait (they come first), {@code Integer.MAX_VALUE} for an unbounded queue.
   */
  int roomLocked() {
    if (shutdown || !putters.isEmpty()) {
      return 0;
    }
    return maxsize <= 0 ? Integer.MAX_VALUE : Math.max(0, maxsize - store.size() - reserved);
  }

  /** Whether the queue was shut down, the lock held. */
  boolean isShutDownLocked() {
    return shutdown;
  }

  /**
   * Puts {@code item} now, the lock held and {@link #roomLocked()} positive: counts it and stores
   * it, or returns the oldest getter, to which the caller hands it with {@link #handToGetter} once
   * it released the lock.
   */
  @Nullable Waiter<?> admitLocked(T item) {
    return admit(item);
  }

  /**
   * Puts {@code items[from..from+count)} now, in order, the lock held and {@link #roomLocked()} at
   * least {@code count}, unless a getter waits: then nothing, and the caller hands the items one by
   * one with {@link #admitLocked}.
   *
   * @return whether the items went in
   */
  boolean admitAllLocked(Object[] items, int from, int count) {
    if (!getters.isEmpty()) {
      return false;
    }
    unfinished += count;
    store.addAll(items, from, count);
    return true;
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
        actual.onSubscribe(new Taken<>(Queue.this, actual, item));
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
  private static final class Taken<T> implements Subscription {
    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicReferenceFieldUpdater<Taken, Object> ITEM =
        AtomicReferenceFieldUpdater.newUpdater(Taken.class, Object.class, "item");

    private final Queue<T> queue;
    private final CoreSubscriber<? super T> actual;

    /**
     * The item, until delivered or given back: whichever takes it first (a CAS to null) acts, the
     * other finds null and does nothing. No flag of its own: one object of 24 bytes per get.
     */
    private volatile @Nullable T item;

    Taken(Queue<T> queue, CoreSubscriber<? super T> actual, T item) {
      this.queue = queue;
      this.actual = actual;
      this.item = item;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        Operators.validate(n); // reports the bad request; the item stays ours until a valid one
        return;
      }
      T v = item;
      if (v != null && ITEM.compareAndSet(this, v, null)) {
        actual.onNext(v);
        actual.onComplete();
      }
    }

    @Override
    public void cancel() {
      T v = item;
      if (v != null && ITEM.compareAndSet(this, v, null)) {
        queue.giveBack(v);
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
   *   <li>For a getter, delivery and give-back exclude each other: each first claims the item (the
   *       waiter's payload, under the queue's lock), and only the one that got it acts. Reactor's
   *       {@code MonoSubscriber} needs this: when a request arrives while {@code complete()} runs,
   *       {@code complete()} stores the value, then emits it, and a {@code cancel()} on another
   *       thread in between reads the stored value and discards it as well, so the item would be
   *       both received and given back. The loser of the claim does nothing: a delivery that lost
   *       comes after a cancel, whose subscriber no longer expects the item.
   *   <li>For a putter, a resumption after shutdown becomes {@link QueueShutDown}.
   * </ul>
   *
   * It hides the waiter's fusion, so that items flow through {@code onNext}, and swallows the
   * {@link CancelledError} of a waiter it cancelled itself.
   */
  private final class Resumer<R> implements CoreSubscriber<R>, Subscription {
    private final CoreSubscriber<? super R> actual;
    private final Waiter<R> waiter;
    private final boolean getter;
    private final Context context;
    private @Nullable Subscription upstream;
    private volatile boolean cancelled;

    Resumer(CoreSubscriber<? super R> actual, Waiter<R> waiter, boolean getter) {
      this.actual = actual;
      this.waiter = waiter;
      this.getter = getter;
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
      if (getter) {
        synchronized (Queue.this) {
          if (waiter.payload == null) {
            return; // given back already, by a cancel that raced this delivery (see above)
          }
          waiter.payload = null; // ours now: a give-back from here on finds nothing
        }
      }
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
