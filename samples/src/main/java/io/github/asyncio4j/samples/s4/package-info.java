/** The guide's section 四 (4), the loop's scheduling methods: callbacks, threads, executors. */
@NullMarked
package io.github.asyncio4j.samples.s4;

import org.jspecify.annotations.NullMarked;
