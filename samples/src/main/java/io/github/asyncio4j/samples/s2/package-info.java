/**
 * The guide's section 二 (2), getting an event loop: {@code Asyncio.run}, managing a loop by hand,
 * the running loop.
 */
@NullMarked
package io.github.asyncio4j.samples.s2;

import org.jspecify.annotations.NullMarked;
