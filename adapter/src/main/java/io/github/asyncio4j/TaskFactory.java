package io.github.asyncio4j;

/**
 * How {@link EventLoop#createTask} starts a task: asyncio's task factories.
 *
 * <p>{@link #LAZY} is asyncio's default: the task's first step runs on a later iteration, and tasks
 * start in creation order (rule T1). {@link #EAGER} is {@code asyncio.eager_task_factory} (Python
 * 3.12+): on the loop's thread, {@code createTask} runs the coroutine synchronously up to its first
 * suspension, with {@link EventLoop#currentTask()} set to the new task; a coroutine that completes
 * without suspending returns a task that is already done and never scheduled.
 */
public enum TaskFactory {
  /** First step on a later iteration, in creation order. */
  LAZY,
  /** First step inside {@code createTask}, up to the first suspension. */
  EAGER
}
