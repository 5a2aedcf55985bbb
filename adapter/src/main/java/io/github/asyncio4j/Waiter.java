package io.github.asyncio4j;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.util.context.ContextView;

/**
 * One waiter of a primitive: a future owned by its one awaiter, linked into the primitive's FIFO
 * {@link WaiterQueue}, with a payload (a putter's item; the item handed to a getter, which delivery
 * and give-back claim under the queue's lock). On a loop it resumes its awaiter there; off any loop
 * it resumes it on the thread that resolves it, which is why primitives resolve waiters outside
 * their lock.
 */
final class Waiter<T> extends Future<T> implements Future.Hooks {
  /** What a primitive does when one of its waiters changes state; called outside the lock. */
  interface Owner {
    /**
     * Cancelled while pending: withdraw it if still queued.
     *
     * @param w the waiter
     */
    void waiterCancelled(Waiter<?> w);

    /**
     * Resolved, but its awaiter left before it resumed: pass on what it was handed.
     *
     * @param w the waiter
     */
    default void waiterDropped(Waiter<?> w) {}

    /**
     * About to resume its awaiter with a result.
     *
     * @param w the waiter
     */
    default void waiterResumed(Waiter<?> w) {}
  }

  final Owner owner;
  @Nullable Object payload;

  // Links of the owner's queue; guarded by the owner's lock.
  @Nullable Waiter<?> prev;
  @Nullable Waiter<?> next;
  boolean queued;

  Waiter(@Nullable EventLoop loop, Owner owner, @Nullable Object payload) {
    super(loop, null);
    this.hooks = this;
    this.owner = owner;
    this.payload = payload;
  }

  /**
   * The loop an awaiter resumes on: its task's, else the one running here, else none. Call it
   * before taking the primitive's lock: it asks the subscriber for its context, which may walk the
   * whole operator chain.
   */
  static @Nullable EventLoop loopOf(CoreSubscriber<?> actual) {
    return loopOf(actual.currentContext());
  }

  static @Nullable EventLoop loopOf(ContextView context) {
    EventLoop loop = context.getOrDefault(EventLoop.class, null);
    return loop != null ? loop : EventLoop.runningOrNull();
  }

  boolean resolve(@Nullable T value) {
    return complete(FINISHED, value, null);
  }

  boolean fail(Throwable error) {
    return complete(FINISHED, null, error);
  }

  @Override
  public void onCancelled() {
    owner.waiterCancelled(this);
  }

  @Override
  public void onDropped() {
    owner.waiterDropped(this);
  }

  @Override
  public void onResumed() {
    owner.waiterResumed(this);
  }
}
