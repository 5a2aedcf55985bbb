/**
 * The guide's section 五 (5), asyncio's synchronization primitives: {@code Lock}, {@code Event},
 * {@code Condition}, {@code Semaphore}, {@code Queue}, one sample each.
 */
@NullMarked
package io.github.asyncio4j.samples.s5;

import org.jspecify.annotations.NullMarked;
