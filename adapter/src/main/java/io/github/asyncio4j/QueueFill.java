package io.github.asyncio4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * {@link Queue#putAll(Publisher)}: subscribes to the source, asks it for as many items as the queue
 * has room for, and puts them in order. The source is never asked for more than the queue has room
 * for, plus at most one.
 *
 * <p><b>Design.</b> The filler asks for the queue's free room (at least 1, at most {@value #BATCH};
 * {@value #BATCH} for an unbounded queue), and asks again only once every item it asked for is in
 * the queue, for the room there is then. An item goes in at once, under the queue's lock, when
 * nothing of ours waits ahead of it and the queue has room with no putter waiting (the same test as
 * {@code putNowait}): no {@code Mono} per item. An item that finds no room is parked with a real
 * {@link Queue#put} wait, so it takes its place among the putters, FIFO; the items that arrive
 * behind it wait in the filler's backlog, in order, and go in one by one as each parked put
 * completes (the pump).
 *
 * <p><b>Bursts.</b> A synchronous source ({@code Flux.range}, {@code Flux.fromIterable}) emits the
 * items asked for inside the filler's own {@code request(n)} call. Those items are collected in the
 * {@code burst} array without any lock, and put together under one lock acquisition when the call
 * returns ({@link Filler#flush()}); only then is the source asked for more. Items that arrive any
 * other way (an asynchronous source emitting on its own thread) are added to the burst and flushed
 * at once, under the lock, each on its own. Why the burst needs no lock of its own: only the thread
 * inside {@code request} ({@code burstOwner}) appends to it without the lock, from {@code onNext};
 * everyone else touches it under the queue's lock, and only from {@code onNext}, {@code onComplete}
 * (which Reactive Streams rule 1.3 orders after every earlier {@code onNext}, so they see the
 * owner's appends), or the owner's own flush. A cancel from elsewhere never touches it: the owner's
 * flush drops it.
 *
 * <p>Worked example: a queue of maxsize 2, empty. The filler asks {@code Flux.range} for 2; both
 * arrive inside the request and go in under one lock. It asks again: no room, so for 1 (the "plus
 * one"), which is parked as a putter. A get takes an item and promises the slot to that putter;
 * when it resumes, its item goes in, and the filler asks for the room there is again: none, so 1.
 */
final class QueueFill<T> extends Mono<Void> {
  /** The most items asked of the source at a time; what it asks of an unbounded queue. */
  static final int BATCH = 256;

  private final Queue<T> queue;
  private final Publisher<? extends T> source;

  QueueFill(Queue<T> queue, Publisher<? extends T> source) {
    this.queue = queue;
    this.source = source;
  }

  @Override
  public void subscribe(CoreSubscriber<? super Void> actual) {
    Filler<T> filler = new Filler<>(queue, actual);
    actual.onSubscribe(filler);
    source.subscribe(filler);
  }

  /**
   * The subscriber to the source, and the subscription of the downstream {@code Mono}. Reactive
   * Streams' rules for subscribers hold: one upstream (a second is cancelled), null items and
   * signals refused with {@link NullPointerException}, items beyond the demand refused (to
   * Reactor's discard hook), signals after a terminal one or a cancel ignored.
   *
   * <p>Terminal signals race: the source may complete on its thread while the last parked put
   * completes on a getter's; {@code finished} lets exactly one of them end the transfer. Without a
   * downstream (the Reactive Streams TCK subscribes a bare filler), a failure other than the
   * queue's shutdown goes to Reactor's {@code onErrorDropped} hook.
   */
  static final class Filler<T> implements CoreSubscriber<T>, Subscription {
    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicReferenceFieldUpdater<Filler, Subscription> UPSTREAM =
        AtomicReferenceFieldUpdater.newUpdater(Filler.class, Subscription.class, "upstream");

    @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
    private static final AtomicIntegerFieldUpdater<Filler> FINISHED =
        AtomicIntegerFieldUpdater.newUpdater(Filler.class, "finished");

    private final Queue<T> queue;
    private final @Nullable CoreSubscriber<? super Void> actual;
    private volatile @Nullable Subscription upstream;

    /** The subscription of the parked put, while there is one. */
    private volatile @Nullable Subscription pendingPut;

    /** 0 while the transfer runs; 1 once it completed, failed or was cancelled. */
    private volatile int finished;

    /** The thread inside the filler's {@code upstream.request(n)}, or null. */
    private volatile @Nullable Thread burstOwner;

    /*
     * Items received and not handled yet, in order, at burst[burstHead..burstCount): see the class
     * comment for who may touch them. Never more than BATCH: they were all asked for at once.
     */
    private Object @Nullable [] burst;
    private int burstHead;
    private int burstCount;

    /*
     * Guarded by the queue's lock:
     *   backlog     items received and not put yet, behind a parked one, in order; null until
     *               first needed
     *   parked      the backlog's head waits in a put()
     *   pumping     a parked put completed, and its thread puts the backlog's items (pump)
     *   sourceDone  the source completed or failed (volatile: read outside the lock too)
     * Set under the lock by nextRequestLocked, only while it is 0 and no thread is inside a
     * request (burstOwner null, a volatile read that also publishes the owner's lock-free
     * appends); then counted down by onNext, whose calls are serial, so one thread at a time asks:
     *   unreceived  items asked of the source and not received yet
     *
     * While parked or pumping, the backlog belongs to the parked put and then to its pump: every
     * item that arrives joins its tail, even when it is empty for a moment (the pump between two
     * items), and only the pump takes items from it. Otherwise the backlog is empty. So at most
     * one put is parked, and items leave the burst in order, into the queue or to the backlog's
     * tail: the order of the source is kept.
     */
    private long unreceived;
    private @Nullable ArrayDeque<T> backlog;
    private boolean parked;
    private boolean pumping;
    private volatile boolean sourceDone;

    Filler(Queue<T> queue, @Nullable CoreSubscriber<? super Void> actual) {
      this.queue = queue;
      this.actual = actual;
    }

    @Override
    public Context currentContext() {
      return actual != null ? actual.currentContext() : Context.empty();
    }

    @Override
    public void onSubscribe(Subscription s) {
      Objects.requireNonNull(s, "subscription"); // Reactive Streams rule 2.13
      if (!Operators.setOnce(UPSTREAM, this, s)) {
        return; // a second one is cancelled (rule 2.5)
      }
      long n;
      synchronized (queue) {
        n = nextRequestLocked();
      }
      requestUpstream(n);
    }

    @Override
    public void onNext(T item) {
      Objects.requireNonNull(item, "item"); // Reactive Streams rule 2.13
      if (finished != 0 || unreceived == 0) {
        // After a cancel or a failure (rule 2.8), or beyond what was asked for (rule 1.1 broken).
        Operators.onDiscard(item, currentContext());
        return;
      }
      if (burstOwner == Thread.currentThread()) {
        unreceived--;
        append(item); // inside our request: put with the others once it returns
        return;
      }
      synchronized (queue) {
        unreceived--; // with the append, so that no one sees it received and not yet ours
        append(item);
      }
      requestUpstream(flush());
    }

    private void append(T item) {
      Object[] b = burst;
      if (b == null) {
        b = burst = new Object[BATCH];
      }
      b[burstCount++] = item;
    }

    @Override
    public void onError(Throwable e) {
      Objects.requireNonNull(e, "error"); // Reactive Streams rule 2.13
      sourceDone = true;
      terminate(e, true); // the items not put yet are not put: a parked put is cancelled
    }

    @Override
    public void onComplete() {
      synchronized (queue) {
        sourceDone = true;
      }
      flush(); // completes the transfer if everything is in; else the last put to go in does
    }

    /** The downstream {@code Mono<Void>} emits no items: its demand does not matter. */
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {
      terminate(null, false);
    }

    private ArrayDeque<T> backlog() {
      ArrayDeque<T> b = backlog;
      if (b == null) {
        b = backlog = new ArrayDeque<>();
      }
      return b;
    }

    /**
     * With the queue's lock: once every item asked for is in the queue, how many to ask for next
     * (the room there is now, at least 1, at most {@value #BATCH}); else 0.
     */
    private long nextRequestLocked() {
      if (unreceived != 0
          || burstOwner != null // its flush asks when its request returns
          || sourceDone
          || finished != 0
          || parked
          || pumping
          || burstHead != burstCount
          || (backlog != null && !backlog.isEmpty())) {
        return 0;
      }
      long n = Math.max(1, Math.min(queue.roomLocked(), BATCH));
      unreceived = n;
      return n;
    }

    /**
     * Asks the source for {@code n} items, then puts what it emitted meanwhile (a burst), and asks
     * again while that leaves room to ask for: a loop, where a synchronous source would recurse.
     */
    private void requestUpstream(long n) {
      if (n <= 0) {
        return;
      }
      // Only one thread at a time gets n > 0 from nextRequestLocked: it refuses while items asked
      // for are unreceived and while a thread is inside its request. So the burst has one owner.
      Thread me = Thread.currentThread();
      long next = n;
      while (next > 0) {
        burstOwner = me;
        try {
          Objects.requireNonNull(upstream).request(next);
        } finally {
          burstOwner = null;
        }
        next = flush();
      }
    }

    /**
     * Puts the burst's items, in order: under one lock acquisition while they go into the queue,
     * stepping out of it only to hand an item to a waiting getter. An item that finds no room is
     * parked, and the rest go to the backlog behind it. Then completes the transfer, or says how
     * many items to ask for next.
     *
     * @return how many items to ask the source for now; 0 for none
     */
    @SuppressWarnings("unchecked") // the burst holds only the source's items
    private long flush() {
      for (; ; ) {
        Waiter<?> getter = null;
        T handed = null;
        T park = null;
        List<Object> dropped = null;
        boolean closed = false;
        boolean done = false;
        long more = 0;
        synchronized (queue) {
          Object[] b = burst;
          int head = burstHead;
          int count = burstCount;
          if (finished != 0 || (head < count && queue.isShutDownLocked())) {
            closed = finished == 0; // a shutdown: the transfer fails; else it has ended already
            if (head < count) {
              dropped = new ArrayList<>(count - head);
              for (int i = head; i < count; i++) {
                dropped.add(Objects.requireNonNull(b)[i]);
                b[i] = null;
              }
            }
            burstHead = burstCount = 0;
          } else {
            ArrayDeque<T> bl = backlog;
            boolean behind = parked || pumping || (bl != null && !bl.isEmpty());
            int room = behind ? 0 : queue.roomLocked();
            int bulk = Math.min(room, count - head);
            if (bulk > 0 && queue.admitAllLocked(Objects.requireNonNull(b), head, bulk)) {
              Arrays.fill(b, head, head + bulk, null); // no getter waits: all in, in one copy
              head += bulk;
              room -= bulk;
            }
            while (head < count) {
              T item = (T) Objects.requireNonNull(b)[head];
              b[head++] = null;
              if (behind) {
                backlog().add(item); // behind a parked one: the pump puts it in its turn
              } else if (room > 0) {
                Waiter<?> g = queue.admitLocked(item);
                if (g != null) {
                  getter = g; // handed over, so it took no slot; hand it outside the lock
                  handed = item;
                  break;
                }
                room--;
              } else {
                backlog().add(item);
                parked = true;
                park = item;
                behind = true;
              }
            }
            if (head == count) {
              burstHead = burstCount = 0;
            } else {
              burstHead = head;
            }
            if (getter == null && park == null) {
              more = nextRequestLocked();
              done =
                  sourceDone
                      && !behind
                      && burstHead == burstCount
                      && (backlog == null || backlog.isEmpty());
            }
          }
        }
        if (dropped != null) {
          Operators.onDiscardMultiple(dropped, currentContext()); // not put
        }
        if (getter != null) {
          queue.handToGetter(getter, handed);
          continue; // more of the burst may remain
        }
        if (closed) {
          terminate(new QueueShutDown(), true);
        } else if (park != null) {
          park(park);
        } else if (done) {
          terminate(null, true);
        }
        return more;
      }
    }

    /**
     * Puts {@code item}, which found no room, with a real put wait; when that completes, puts the
     * items behind it (the pump). A put that completes while it is being subscribed (room freed in
     * between) carries on in this loop rather than recursing.
     */
    private void park(T item) {
      T next = item;
      while (next != null) {
        PutSubscriber ps = new PutSubscriber();
        queue.put(next).subscribe(ps);
        if (!ps.completedSynchronously()) {
          return; // it resumes later, or failed
        }
        next = pump();
      }
    }

    /**
     * The parked head is in: puts the items behind it while there is room, in order, and asks the
     * source for more once all are in.
     *
     * @return the next item to park, or null
     */
    private @Nullable T pump() {
      boolean headIn = true;
      for (; ; ) {
        T item;
        Waiter<?> getter = null;
        long more = 0;
        boolean done = false;
        boolean closed = false;
        synchronized (queue) {
          ArrayDeque<T> b = Objects.requireNonNull(backlog);
          if (headIn) {
            b.poll(); // the parked item, now in the queue
            parked = false;
            pumping = true;
            headIn = false;
          }
          if (finished != 0) {
            pumping = false;
            return null; // whoever finished it dropped the backlog
          }
          item = b.peek();
          if (item == null) {
            pumping = false; // the backlog is ours no more: items go in directly again
            more = nextRequestLocked();
            done = sourceDone && burstHead == burstCount;
          } else if (queue.roomLocked() > 0) {
            b.poll();
            getter = queue.admitLocked(item);
          } else if (queue.isShutDownLocked()) {
            pumping = false;
            closed = true;
          } else {
            pumping = false;
            parked = true;
            return item;
          }
        }
        if (item == null) {
          if (done) {
            terminate(null, true);
          } else {
            requestUpstream(more);
          }
          return null;
        }
        if (closed) {
          terminate(new QueueShutDown(), true);
          return null;
        }
        queue.handToGetter(getter, item);
      }
    }

    /**
     * Ends the transfer, once: cancels the source unless it is done and a parked put, drops the
     * backlog (to Reactor's discard hook; the parked item's put decides its fate), and signals
     * {@code e}, or completion, if {@code signal}. A later failure goes to {@code onErrorDropped},
     * unless it is the queue's shutdown. The burst is not touched here (it may be the owner's at
     * this moment): the owner's flush drops it.
     */
    private void terminate(@Nullable Throwable e, boolean signal) {
      if (!FINISHED.compareAndSet(this, 0, 1)) {
        if (e != null && !(e instanceof QueueShutDown)) {
          Operators.onErrorDropped(e, currentContext());
        }
        return;
      }
      if (!sourceDone) {
        Operators.terminate(UPSTREAM, this);
      }
      Subscription put = pendingPut; // read after 'finished': see PutSubscriber.onSubscribe
      if (put != null) {
        put.cancel();
      }
      List<T> dropped = null;
      synchronized (queue) {
        ArrayDeque<T> b = backlog;
        if (b != null && !b.isEmpty()) {
          if (parked) {
            b.poll(); // its put decides
            parked = false;
          }
          dropped = List.copyOf(b);
          b.clear();
        }
      }
      if (dropped != null) {
        Operators.onDiscardMultiple(dropped, currentContext());
      }
      if (!signal) {
        return;
      }
      CoreSubscriber<? super Void> a = actual;
      if (a == null) {
        if (e != null && !(e instanceof QueueShutDown)) {
          Operators.onErrorDropped(e, Context.empty());
        }
      } else if (e != null) {
        a.onError(e);
      } else {
        a.onComplete();
      }
    }

    /** The put of the parked item. */
    private final class PutSubscriber implements CoreSubscriber<Void> {
      @SuppressWarnings("rawtypes") // field updaters cannot name a generic type
      private static final AtomicIntegerFieldUpdater<Filler.PutSubscriber> STATE =
          AtomicIntegerFieldUpdater.newUpdater(Filler.PutSubscriber.class, "state");

      private static final int SUBSCRIBING = 0;
      private static final int WAITING = 1;
      private static final int COMPLETED_IN_SUBSCRIBE = 2;

      /** SUBSCRIBING, then WAITING (park returned) or COMPLETED_IN_SUBSCRIBE (park goes on). */
      private volatile int state;

      @Override
      public Context currentContext() {
        return Filler.this.currentContext();
      }

      @Override
      public void onSubscribe(Subscription s) {
        pendingPut = s;
        if (finished != 0) {
          s.cancel(); // the end of the transfer may have missed 'pendingPut': withdraw here
        } else {
          s.request(1);
        }
      }

      @Override
      public void onNext(Void v) {}

      @Override
      public void onError(Throwable e) {
        pendingPut = null; // QueueShutDown, or CancelledError for a cancelled task
        terminate(e, true);
      }

      @Override
      public void onComplete() {
        pendingPut = null;
        if (STATE.compareAndSet(this, SUBSCRIBING, COMPLETED_IN_SUBSCRIBE)) {
          return; // park's loop carries on
        }
        T next = pump();
        if (next != null) {
          park(next);
        }
      }

      /** After subscribing: whether the put already completed, leaving the rest to the caller. */
      boolean completedSynchronously() {
        return !STATE.compareAndSet(this, SUBSCRIBING, WAITING);
      }
    }
  }
}
