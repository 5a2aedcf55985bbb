/**
 * The guide's section 三 (3), tasks and futures: {@code createTask}, {@code runUntilComplete} as
 * {@code ensure_future}, a {@code TaskGroup}, a future set by a timer.
 */
@NullMarked
package io.github.asyncio4j.samples.s3;

import org.jspecify.annotations.NullMarked;
