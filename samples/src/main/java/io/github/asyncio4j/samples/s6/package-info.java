/**
 * The guide's section 六 (6), common patterns: running coroutines concurrently, timeouts and
 * shielding, cancellation, producer and consumer, rate limiting.
 */
@NullMarked
package io.github.asyncio4j.samples.s6;

import org.jspecify.annotations.NullMarked;
